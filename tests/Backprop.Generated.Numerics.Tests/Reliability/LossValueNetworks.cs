using Backprop.Generated;

namespace Backprop.Generated.Numerics.Tests.Reliability;

// The networks of LossValueTests: one layer whose Z[1] equals the input row (identity weights, zero biases),
// for each loss, unrolled (3-3) and as a vector loop (100-100, padded with logits that contribute nothing),
// in float and double.

[Network(3, 3, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class LossValueUnrolledMseSingle { }

[Network(3, 3, Output = Activation.Identity, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
public partial class LossValueUnrolledMseDouble { }

[Network(3, 3, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class LossValueUnrolledBceSingle { }

[Network(3, 3, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
public partial class LossValueUnrolledBceDouble { }

[Network(3, 3, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class LossValueUnrolledCeSingle { }

[Network(3, 3, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class LossValueUnrolledCeDouble { }

[Network(100, 100, Output = Activation.Identity, Loss = Loss.MeanSquaredError)]
public partial class LossValueLoopMseSingle { }

[Network(100, 100, Output = Activation.Identity, Loss = Loss.MeanSquaredError, Precision = Precision.Double)]
public partial class LossValueLoopMseDouble { }

[Network(100, 100, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class LossValueLoopBceSingle { }

[Network(100, 100, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
public partial class LossValueLoopBceDouble { }

[Network(100, 100, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class LossValueLoopCeSingle { }

[Network(100, 100, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class LossValueLoopCeDouble { }
