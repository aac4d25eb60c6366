using Backprop.Generated;

namespace Backprop.Generated.Onnx.Tests;

// One network per activation, used in both hidden layers and the output layer, in single and double precision.
[Network(5, 7, 6, 4, Hidden = Activation.Identity, Output = Activation.Identity)]
public partial class IdentityNet { }

[Network(5, 7, 6, 4, Hidden = Activation.Sigmoid, Output = Activation.Sigmoid)]
public partial class SigmoidNet { }

[Network(5, 7, 6, 4, Hidden = Activation.Tanh, Output = Activation.Tanh)]
public partial class TanhNet { }

[Network(5, 7, 6, 4, Hidden = Activation.ReLU, Output = Activation.ReLU)]
public partial class ReluNet { }

[Network(5, 7, 6, 4, Hidden = Activation.LeakyReLU, Output = Activation.LeakyReLU)]
public partial class LeakyReluNet { }

[Network(5, 7, 6, 4, Hidden = Activation.ELU, Output = Activation.ELU)]
public partial class EluNet { }

[Network(5, 7, 6, 4, Hidden = Activation.SiLU, Output = Activation.SiLU)]
public partial class SiluNet { }

[Network(5, 7, 6, 4, Hidden = Activation.Softplus, Output = Activation.Softplus)]
public partial class SoftplusNet { }

[Network(5, 7, 6, 4, Hidden = Activation.Softmax, Output = Activation.Softmax, Loss = Loss.MeanSquaredError)]
public partial class SoftmaxNet { }

[Network(5, 7, 6, 4, Hidden = Activation.Identity, Output = Activation.Identity, Precision = Precision.Double)]
public partial class IdentityNetD { }

[Network(5, 7, 6, 4, Hidden = Activation.Sigmoid, Output = Activation.Sigmoid, Precision = Precision.Double)]
public partial class SigmoidNetD { }

[Network(5, 7, 6, 4, Hidden = Activation.Tanh, Output = Activation.Tanh, Precision = Precision.Double)]
public partial class TanhNetD { }

[Network(5, 7, 6, 4, Hidden = Activation.ReLU, Output = Activation.ReLU, Precision = Precision.Double)]
public partial class ReluNetD { }

[Network(5, 7, 6, 4, Hidden = Activation.LeakyReLU, Output = Activation.LeakyReLU, Precision = Precision.Double)]
public partial class LeakyReluNetD { }

[Network(5, 7, 6, 4, Hidden = Activation.ELU, Output = Activation.ELU, Precision = Precision.Double)]
public partial class EluNetD { }

[Network(5, 7, 6, 4, Hidden = Activation.SiLU, Output = Activation.SiLU, Precision = Precision.Double)]
public partial class SiluNetD { }

[Network(5, 7, 6, 4, Hidden = Activation.Softplus, Output = Activation.Softplus, Precision = Precision.Double)]
public partial class SoftplusNetD { }

[Network(5, 7, 6, 4, Hidden = Activation.Softmax, Output = Activation.Softmax, Precision = Precision.Double, Loss = Loss.MeanSquaredError)]
public partial class SoftmaxNetD { }

// The two classification pairings: sigmoid output with binary cross-entropy, softmax output with cross-entropy.
[Network(4, 8, 3, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class BinaryClassifier { }

[Network(4, 8, 6, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class MultiClassifier { }

[Network(4, 8, 6, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class MultiClassifierD { }

// Every activation in one chain, and a single layer (input straight to output).
[Network(5, 6, 6, 6, 6, 6, 6, 6, 6, 3, Activations = new[]
{
    Activation.Identity, Activation.Sigmoid, Activation.Tanh, Activation.ReLU, Activation.LeakyReLU,
    Activation.ELU, Activation.SiLU, Activation.Softplus, Activation.Softmax,
}, Loss = Loss.MeanSquaredError)]
public partial class AllActivations { }

[Network(3, 1)]
public partial class LinearRegression { }

// The shape of the digits sample's network.
[Network(64, 32, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class DigitsNet { }
