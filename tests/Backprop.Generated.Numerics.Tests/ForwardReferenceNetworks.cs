using Backprop.Generated;

// The networks of Reference/forward_reference.py, declared exactly as a user would.
namespace Backprop.Generated.Numerics.Tests.ForwardReference;

[Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
public partial class Student { }

[Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.MeanSquaredError)]
public partial class Mixed4 { }

[Network(5, 6, 6, 6, 6, 6, 6, 6, 6, 4, Activations = new[]
{
    Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.ReLU, Activation.LeakyReLU,
    Activation.ELU, Activation.SiLU, Activation.Softplus, Activation.Softmax,
}, Loss = Loss.MeanSquaredError)]
public partial class EveryActivation { }

// Softmax is allowed in a hidden layer, as in Keras and RTNeural.
[Network(3, 4, 2, Hidden = Activation.Softmax, Output = Activation.Identity)]
public partial class SoftmaxHidden { }

// 3x100 is above the unrolling budget (a vector loop), 100x2 is unrolled.
[Network(3, 100, 2, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
public partial class LoopThenUnrolled { }

// Unrolled 2x8, vector loop 8x64, unrolled 64x3.
[Network(2, 8, 64, 3, Activations = new[] { Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.MeanSquaredError)]
public partial class UnrolledLoopUnrolled { }

[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.MeanSquaredError)]
public partial class Mnist { }

[Network(4, 5, 3, Hidden = Activation.Softplus, Output = Activation.Softmax, Precision = Precision.Double, Loss = Loss.MeanSquaredError)]
public partial class DoubleNet { }

// Register-held layers that take 512-bit registers where accelerated: the digits network of samples/Digits, the
// benchmarks' W2 shape, and sigmoid layers with an odd number of inputs.
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class Digits { }

[Network(8, 16, 16, 4, Activations = new[] { Activation.Tanh, Activation.Tanh, Activation.Identity })]
public partial class Wide16 { }

[Network(7, 12, 5, Hidden = Activation.Sigmoid, Output = Activation.Sigmoid)]
public partial class Sigmoid12 { }
