using Backprop.Generated;

// Double-precision networks for the finite-difference checks: every activation as a hidden and as an
// output layer, every loss, 1 to 5 layers, unrolled and vector-loop layers.
namespace Backprop.Generated.Numerics.Tests.Training.Checked;

// Every activation in a hidden layer (squared error, identity output).
[Network(4, 5, 3, Hidden = Activation.Identity, Precision = Precision.Double)] public partial class HiddenIdentity { }
[Network(4, 5, 3, Hidden = Activation.Sigmoid, Precision = Precision.Double)] public partial class HiddenSigmoid { }
[Network(4, 5, 3, Hidden = Activation.Tanh, Precision = Precision.Double)] public partial class HiddenTanh { }
[Network(4, 5, 3, Hidden = Activation.ReLU, Precision = Precision.Double)] public partial class HiddenReLU { }
[Network(4, 5, 3, Hidden = Activation.LeakyReLU, Precision = Precision.Double)] public partial class HiddenLeakyReLU { }
[Network(4, 5, 3, Hidden = Activation.ELU, Precision = Precision.Double)] public partial class HiddenELU { }
[Network(4, 5, 3, Hidden = Activation.SiLU, Precision = Precision.Double)] public partial class HiddenSiLU { }
[Network(4, 5, 3, Hidden = Activation.Softplus, Precision = Precision.Double)] public partial class HiddenSoftplus { }
[Network(4, 5, 3, Hidden = Activation.Softmax, Precision = Precision.Double)] public partial class HiddenSoftmax { }

// Every activation in the output layer with the squared error.
[Network(3, 4, 3, Output = Activation.Identity, Precision = Precision.Double)] public partial class OutputIdentity { }
[Network(3, 4, 3, Output = Activation.Sigmoid, Precision = Precision.Double)] public partial class OutputSigmoid { }
[Network(3, 4, 3, Output = Activation.Tanh, Precision = Precision.Double)] public partial class OutputTanh { }
[Network(3, 4, 3, Output = Activation.ReLU, Precision = Precision.Double)] public partial class OutputReLU { }
[Network(3, 4, 3, Output = Activation.LeakyReLU, Precision = Precision.Double)] public partial class OutputLeakyReLU { }
[Network(3, 4, 3, Output = Activation.ELU, Precision = Precision.Double)] public partial class OutputELU { }
[Network(3, 4, 3, Output = Activation.SiLU, Precision = Precision.Double)] public partial class OutputSiLU { }
[Network(3, 4, 3, Output = Activation.Softplus, Precision = Precision.Double)] public partial class OutputSoftplus { }
[Network(3, 4, 3, Output = Activation.Softmax, Precision = Precision.Double, Loss = Loss.MeanSquaredError)] public partial class OutputSoftmax { }

// The fused losses.
[Network(4, 5, 3, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)] public partial class LossBce { }
[Network(4, 5, 3, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)] public partial class LossCe { }

// 1 to 5 layers.
[Network(3, 2, Precision = Precision.Double)] public partial class Depth1 { }
[Network(3, 4, 2, Hidden = Activation.SiLU, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)] public partial class Depth2 { }
[Network(3, 5, 4, 2, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)] public partial class Depth3 { }
[Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.CrossEntropy, Precision = Precision.Double)] public partial class Depth4 { }
[Network(3, 6, 5, 4, 3, 2, Activations = new[] { Activation.LeakyReLU, Activation.Tanh, Activation.Softmax, Activation.Softplus, Activation.Sigmoid }, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)] public partial class Depth5 { }

// Vector-loop layers (too wide to unroll): every path of the emitter's loop code.
[Network(10, 40, 30, Hidden = Activation.Softmax, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)] public partial class WideSoftmaxCe { }
[Network(10, 40, 30, Hidden = Activation.SiLU, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)] public partial class WideSiluBce { }
[Network(10, 40, 30, Hidden = Activation.Identity, Output = Activation.ELU, Precision = Precision.Double)] public partial class WideIdentityMse { }
[Network(2, 8, 64, 3, Activations = new[] { Activation.Tanh, Activation.Softplus, Activation.Identity }, Precision = Precision.Double)] public partial class UnrolledLoopUnrolledMse { }
[Network(3, 100, 2, Hidden = Activation.LeakyReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)] public partial class LoopThenUnrolledCe { }

// Forward unrolls all four 16x16 layers (1,024 multiply-adds); training unrolls only the first 512 and
// runs layers 3 and 4 as vector loops.
[Network(16, 16, 16, 16, 16, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)] public partial class TrainingBudgetSplit { }
