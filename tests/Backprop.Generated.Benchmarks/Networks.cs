using Backprop.Generated;

[Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
public partial class Net3x2x1 { }

[Network(8, 16, 16, 4, Hidden = Activation.ReLU, Output = Activation.Identity)]
public partial class Net8x16x16x4 { }

[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class Net64x32x10 { }

[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax)]
public partial class Net784x128x10 { }
