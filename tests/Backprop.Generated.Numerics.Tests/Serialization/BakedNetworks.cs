using Backprop.Generated;

namespace Backprop.Generated.Numerics.Tests.Serialization;

// The module of Reference/safetensors/make_reference.py (Linear(4,8), Tanh, Linear(8,6), Tanh, Linear(6,3), Softmax)
// with torch's weights baked in at build time from each file (listed as AdditionalFiles in the project).

/// <summary>Baked from the nn.Sequential state dict in F32.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = "Reference/safetensors/sequential_f32.safetensors")]
public partial class BakedF32 { }

/// <summary>Baked from F16.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = "Reference/safetensors/sequential_f16.safetensors")]
public partial class BakedF16 { }

/// <summary>Baked from BF16.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = "Reference/safetensors/sequential_bf16.safetensors")]
public partial class BakedBF16 { }

/// <summary>Baked from the file with layers.{i} names.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = "Reference/safetensors/prefixed_f32.safetensors")]
public partial class BakedPrefixed { }

/// <summary>Baked from F64 into single precision (each value rounded to nearest float).</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = "Reference/safetensors/sequential_f64.safetensors")]
public partial class BakedF64IntoSingle { }

/// <summary>Baked from F64 in double precision.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double, Weights = "Reference/safetensors/sequential_f64.safetensors")]
public partial class BakedDouble { }

/// <summary>Baked from F32 in int8 (docs/int8.md, "Baked weights"): the assembly holds the int8 values only.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8, Weights = "Reference/safetensors/sequential_f32.safetensors")]
public partial class BakedInt8 { }

/// <summary>Baked from F16 in int8: converted to single precision first, then quantised.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8, Weights = "Reference/safetensors/sequential_f16.safetensors")]
public partial class BakedInt8FromF16 { }

/// <summary>The same network with no baked weights, quantised at run time by ToInt8() for comparison.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8)]
public partial class Int8Twin { }

/// <summary>Baked from an int8 network file (Reference/safetensors/make_int8_file.py, numpy's quantisation of the F32 file).</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8, Weights = "Reference/safetensors/sequential_int8.safetensors")]
public partial class BakedFromInt8File { }

/// <summary>Edge cases baked in int8 from F32 (make_int8_file.py): a unit of zeros, rounding ties, subnormal weights.</summary>
[Network(4, 3, Output = Activation.Identity, Quantization = Quantization.Int8, Weights = "Reference/safetensors/edge_f32.safetensors")]
public partial class BakedEdge { }

/// <summary>The same edge cases from numpy's int8 file.</summary>
[Network(4, 3, Output = Activation.Identity, Quantization = Quantization.Int8, Weights = "Reference/safetensors/edge_int8.safetensors")]
public partial class BakedEdgeFromInt8File { }

/// <summary>The edge-case network with no baked weights, loaded and quantised at run time for comparison.</summary>
[Network(4, 3, Output = Activation.Identity, Quantization = Quantization.Int8)]
public partial class EdgeTwin { }
