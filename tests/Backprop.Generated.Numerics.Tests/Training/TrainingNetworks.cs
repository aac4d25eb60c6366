using Backprop.Generated;

// Networks of the training tests, declared exactly as a user would. The ones named Torch* are also
// declared, with the same sizes, activations and loss, in Reference/training_reference.py.
namespace Backprop.Generated.Numerics.Tests.Training;

[Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
public partial class TorchStudent { }

[Network(2, 4, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class TorchXor { }

[Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.CrossEntropy)]
public partial class TorchMixed4 { }

[Network(5, 6, 6, 6, 6, 6, 6, 6, 6, 4, Activations = new[]
{
    Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.ReLU, Activation.LeakyReLU,
    Activation.ELU, Activation.SiLU, Activation.Softplus, Activation.Softmax,
}, Loss = Loss.MeanSquaredError)]
public partial class TorchEveryActivation { }

// 64x32 and 32x10 are both vector loops.
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class TorchDigits { }

// Vector loops with a softmax hidden layer and a sigmoid + binary cross-entropy output.
[Network(10, 40, 30, Hidden = Activation.Softmax, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class TorchWideBce { }

[Network(4, 5, 3, Hidden = Activation.Softplus, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class TorchDoubleCe { }

// Vector loops in double: identity hidden layer, tanh output, squared error.
[Network(10, 40, 30, Hidden = Activation.Identity, Output = Activation.Tanh, Precision = Precision.Double)]
public partial class TorchDoubleWideMse { }

[Network(3, 6, 5, 4, 3, 2, Activations = new[] { Activation.LeakyReLU, Activation.SiLU, Activation.ELU, Activation.Softplus, Activation.Identity }, Precision = Precision.Double)]
public partial class TorchDoubleDeep { }

// Unrolled 2x8, vector loop 8x64, unrolled 64x3, softmax + cross-entropy, in double.
[Network(2, 8, 64, 3, Activations = new[] { Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class TorchDoubleMixedPlan { }

// The XOR demo: 2-4-1, tanh hidden layer, sigmoid output, binary cross-entropy.
[Network(2, 4, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class Xor { }

// The digits classifier of the issue: 64-32-10, tanh, softmax + cross-entropy.
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class DigitsClassifier { }

// The benchmark's middle size, all unrolled.
[Network(8, 16, 16, 4, Hidden = Activation.ReLU, Output = Activation.Identity)]
public partial class Net8x16x16x4 { }
