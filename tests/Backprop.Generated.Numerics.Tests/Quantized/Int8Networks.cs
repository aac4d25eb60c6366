namespace Backprop.Generated.Numerics.Tests.Quantized;

/// <summary>samples/Digits' declaration with the int8 form.</summary>
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8)]
public partial class DigitsInt8 { }

/// <summary>A ReLU network of the benchmarks' W3 shape family (16-64-64-8), int8 form.</summary>
[Network(16, 64, 64, 8, Hidden = Activation.ReLU, Output = Activation.Identity, Quantization = Quantization.Int8)]
public partial class ReluInt8 { }

/// <summary>Issue 23's MNIST-shaped network (784-128-10, ReLU hidden layer, softmax + cross-entropy), int8 form.</summary>
[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8)]
public partial class MnistInt8 { }
