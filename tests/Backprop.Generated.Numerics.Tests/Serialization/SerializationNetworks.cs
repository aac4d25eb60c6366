using Backprop.Generated;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>The module of Reference/safetensors/make_reference.py: Linear(4,8), Tanh, Linear(8,6), Tanh, Linear(6,3), Softmax.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class TorchSequential { }

/// <summary>The same module in double precision.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class TorchSequentialDouble { }

/// <summary>The same shapes with other activations: a file saved from <see cref="TorchSequential"/> fits every tensor but not the function.</summary>
[Network(4, 8, 6, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class SameShapesReLU { }

/// <summary>A narrower first hidden layer: the first weight has the wrong shape.</summary>
[Network(4, 5, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class NarrowerHidden { }

/// <summary>One layer fewer.</summary>
[Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class OneLayerFewer { }

/// <summary>One layer more.</summary>
[Network(4, 8, 6, 6, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class OneLayerMore { }

/// <summary>A larger network for the round trip through the loop (not unrolled) layers.</summary>
[Network(64, 32, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class DigitsSized { }

/// <summary>A larger double network for the round trip.</summary>
[Network(5, 40, 7, 2, Hidden = Activation.SiLU, Output = Activation.Identity, Precision = Precision.Double)]
public partial class DoubleRoundTrip { }
