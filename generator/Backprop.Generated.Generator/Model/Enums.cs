namespace Backprop.Generated.Generator.Model;

// Mirrors of the runtime library's public enums (same names, same values). The generator reads the
// attribute's constants as integers and never loads the runtime assembly.

/// <summary>Mirror of <c>Backprop.Generated.Activation</c>.</summary>
internal enum ActivationKind
{
    Identity = 0,
    Sigmoid = 1,
    Tanh = 2,
    ReLU = 3,
    LeakyReLU = 4,
    ELU = 5,
    SiLU = 6,
    Softplus = 7,
    Softmax = 8,
}

/// <summary>Mirror of <c>Backprop.Generated.Loss</c>.</summary>
internal enum LossKind
{
    MeanSquaredError = 0,
    BinaryCrossEntropy = 1,
    CrossEntropy = 2,
}

/// <summary>Mirror of <c>Backprop.Generated.Precision</c>.</summary>
internal enum PrecisionKind
{
    Single = 0,
    Double = 1,
}
