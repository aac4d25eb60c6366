using Backprop.Generated;

namespace Backprop.Generated.Samples.Browser;

/// <summary>
/// The network of samples/Digits: 64 inputs (8x8 pixels / 16), 32 tanh units, 10 softmax outputs (the class
/// probabilities), trained on cross-entropy. The generator writes its forward and backward passes at build time.
/// </summary>
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class DigitsClassifier
{
}
