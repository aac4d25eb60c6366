using Backprop.Generated;

// Networks of the runtime reliability tests, declared exactly as a user would.
namespace Backprop.Generated.Numerics.Tests.Reliability;

[Network(3, 4, 2, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class GuardedSmall { }

// 40x30 is a vector loop; double precision; softmax + cross-entropy.
[Network(40, 30, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class GuardedWideDouble { }

[Network(2, 6, 4, Hidden = Activation.SiLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class ExtremeSoftmax { }

[Network(2, 5, 1, Hidden = Activation.ELU, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class ExtremeSigmoid { }

[Network(2, 8, 3, Hidden = Activation.Softplus, Output = Activation.Tanh)]
public partial class ExtremeTanh { }

[Network(8, 24, 16, 4, Activations = new[] { Activation.Tanh, Activation.LeakyReLU, Activation.Softmax }, Loss = Loss.CrossEntropy)]
public partial class ConcurrentNet { }

// 64x48 is a vector loop, so threads share the SIMD kernels too.
[Network(64, 48, 10, Hidden = Activation.Sigmoid, Output = Activation.Identity, Precision = Precision.Double)]
public partial class ConcurrentWide { }
