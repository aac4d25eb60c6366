using Backprop.Generated;

// Networks of the regularisation, optimizer and schedule tests; the same sizes, activations and loss are used
// by Reference/regularisation_reference.py (scikit-learn's MLPClassifier/MLPRegressor and PyTorch).
namespace Backprop.Generated.Numerics.Tests.Training;

// scikit-learn's MLPClassifier(hidden_layer_sizes=(5,), activation='tanh') on 3 classes: softmax + cross-entropy.
[Network(4, 5, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class SkClassifier { }

// The same network in single precision.
[Network(4, 5, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class SkClassifierSingle { }

// scikit-learn's MLPRegressor(hidden_layer_sizes=(6,), activation='relu') with one output: identity + squared error.
[Network(3, 6, 1, Hidden = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Double)]
public partial class SkRegressor { }
