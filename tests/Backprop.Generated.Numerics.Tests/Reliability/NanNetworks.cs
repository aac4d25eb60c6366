using Backprop.Generated;

namespace Backprop.Generated.Numerics.Tests.Reliability;

// The networks of NanPropagationTests: every activation (in both layers, with MSE) and the two fused
// output losses, each unrolled (2-3-2) and as vector loops (2-130-2: 260 multiply-adds per layer, above
// the unrolling budget), in float and double. Reference/nan_propagation.py lists the same networks.

[Network(2, 3, 2, Activations = new[] { Activation.Identity, Activation.Identity })]
public partial class NanUnrolledIdentitySingle { }

[Network(2, 3, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid })]
public partial class NanUnrolledSigmoidSingle { }

[Network(2, 3, 2, Activations = new[] { Activation.Tanh, Activation.Tanh })]
public partial class NanUnrolledTanhSingle { }

[Network(2, 3, 2, Activations = new[] { Activation.ReLU, Activation.ReLU })]
public partial class NanUnrolledReLUSingle { }

[Network(2, 3, 2, Activations = new[] { Activation.LeakyReLU, Activation.LeakyReLU })]
public partial class NanUnrolledLeakyReLUSingle { }

[Network(2, 3, 2, Activations = new[] { Activation.ELU, Activation.ELU })]
public partial class NanUnrolledELUSingle { }

[Network(2, 3, 2, Activations = new[] { Activation.SiLU, Activation.SiLU })]
public partial class NanUnrolledSiLUSingle { }

[Network(2, 3, 2, Activations = new[] { Activation.Softplus, Activation.Softplus })]
public partial class NanUnrolledSoftplusSingle { }

[Network(2, 3, 2, Activations = new[] { Activation.Softmax, Activation.Softmax }, Loss = Loss.MeanSquaredError)]
public partial class NanUnrolledSoftmaxSingle { }

[Network(2, 3, 2, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class NanUnrolledBceSingle { }

[Network(2, 3, 2, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class NanUnrolledCeSingle { }

[Network(2, 3, 2, Activations = new[] { Activation.Identity, Activation.Identity }, Precision = Precision.Double)]
public partial class NanUnrolledIdentityDouble { }

[Network(2, 3, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Precision = Precision.Double)]
public partial class NanUnrolledSigmoidDouble { }

[Network(2, 3, 2, Activations = new[] { Activation.Tanh, Activation.Tanh }, Precision = Precision.Double)]
public partial class NanUnrolledTanhDouble { }

[Network(2, 3, 2, Activations = new[] { Activation.ReLU, Activation.ReLU }, Precision = Precision.Double)]
public partial class NanUnrolledReLUDouble { }

[Network(2, 3, 2, Activations = new[] { Activation.LeakyReLU, Activation.LeakyReLU }, Precision = Precision.Double)]
public partial class NanUnrolledLeakyReLUDouble { }

[Network(2, 3, 2, Activations = new[] { Activation.ELU, Activation.ELU }, Precision = Precision.Double)]
public partial class NanUnrolledELUDouble { }

[Network(2, 3, 2, Activations = new[] { Activation.SiLU, Activation.SiLU }, Precision = Precision.Double)]
public partial class NanUnrolledSiLUDouble { }

[Network(2, 3, 2, Activations = new[] { Activation.Softplus, Activation.Softplus }, Precision = Precision.Double)]
public partial class NanUnrolledSoftplusDouble { }

[Network(2, 3, 2, Activations = new[] { Activation.Softmax, Activation.Softmax }, Precision = Precision.Double, Loss = Loss.MeanSquaredError)]
public partial class NanUnrolledSoftmaxDouble { }

[Network(2, 3, 2, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
public partial class NanUnrolledBceDouble { }

[Network(2, 3, 2, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class NanUnrolledCeDouble { }

[Network(2, 130, 2, Activations = new[] { Activation.Identity, Activation.Identity })]
public partial class NanLoopIdentitySingle { }

[Network(2, 130, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid })]
public partial class NanLoopSigmoidSingle { }

[Network(2, 130, 2, Activations = new[] { Activation.Tanh, Activation.Tanh })]
public partial class NanLoopTanhSingle { }

[Network(2, 130, 2, Activations = new[] { Activation.ReLU, Activation.ReLU })]
public partial class NanLoopReLUSingle { }

[Network(2, 130, 2, Activations = new[] { Activation.LeakyReLU, Activation.LeakyReLU })]
public partial class NanLoopLeakyReLUSingle { }

[Network(2, 130, 2, Activations = new[] { Activation.ELU, Activation.ELU })]
public partial class NanLoopELUSingle { }

[Network(2, 130, 2, Activations = new[] { Activation.SiLU, Activation.SiLU })]
public partial class NanLoopSiLUSingle { }

[Network(2, 130, 2, Activations = new[] { Activation.Softplus, Activation.Softplus })]
public partial class NanLoopSoftplusSingle { }

[Network(2, 130, 2, Activations = new[] { Activation.Softmax, Activation.Softmax }, Loss = Loss.MeanSquaredError)]
public partial class NanLoopSoftmaxSingle { }

[Network(2, 130, 2, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class NanLoopBceSingle { }

[Network(2, 130, 2, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class NanLoopCeSingle { }

[Network(2, 130, 2, Activations = new[] { Activation.Identity, Activation.Identity }, Precision = Precision.Double)]
public partial class NanLoopIdentityDouble { }

[Network(2, 130, 2, Activations = new[] { Activation.Sigmoid, Activation.Sigmoid }, Precision = Precision.Double)]
public partial class NanLoopSigmoidDouble { }

[Network(2, 130, 2, Activations = new[] { Activation.Tanh, Activation.Tanh }, Precision = Precision.Double)]
public partial class NanLoopTanhDouble { }

[Network(2, 130, 2, Activations = new[] { Activation.ReLU, Activation.ReLU }, Precision = Precision.Double)]
public partial class NanLoopReLUDouble { }

[Network(2, 130, 2, Activations = new[] { Activation.LeakyReLU, Activation.LeakyReLU }, Precision = Precision.Double)]
public partial class NanLoopLeakyReLUDouble { }

[Network(2, 130, 2, Activations = new[] { Activation.ELU, Activation.ELU }, Precision = Precision.Double)]
public partial class NanLoopELUDouble { }

[Network(2, 130, 2, Activations = new[] { Activation.SiLU, Activation.SiLU }, Precision = Precision.Double)]
public partial class NanLoopSiLUDouble { }

[Network(2, 130, 2, Activations = new[] { Activation.Softplus, Activation.Softplus }, Precision = Precision.Double)]
public partial class NanLoopSoftplusDouble { }

[Network(2, 130, 2, Activations = new[] { Activation.Softmax, Activation.Softmax }, Precision = Precision.Double, Loss = Loss.MeanSquaredError)]
public partial class NanLoopSoftmaxDouble { }

[Network(2, 130, 2, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
public partial class NanLoopBceDouble { }

[Network(2, 130, 2, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class NanLoopCeDouble { }

// The reported example (issue 10, finding 1): parameters {1, -1, 0.5, 0.5, 0.1, 0.2, 1, 1, 0}, input {NaN, 1}.
[Network(2, 2, 1, Hidden = Activation.ReLU)]
public partial class NanIssueReLU { }
