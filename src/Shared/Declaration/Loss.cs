// One of the declaration enums, compiled into both assemblies as src/Shared/Compute/DenseRules.cs is: the
// runtime's public Backprop.Generated.Loss, and the generator's internal LossKind (BACKPROP_GENERATOR),
// to which the parser converts the attribute's integer constants. One list of names and values for both.
#if BACKPROP_GENERATOR
namespace Backprop.Generated.Generator.Model;
#else
namespace Backprop.Generated;
#endif

/// <summary>
/// The per-example loss L_i whose batch mean J = (1/m) sum_i L_i is minimised by training.
/// </summary>
#if BACKPROP_GENERATOR
internal enum LossKind
#else
public enum Loss
#endif
{
    /// <summary>L_i = 1/2 sum_j (a_ij - y_ij)^2. Fits any output activation.</summary>
    MeanSquaredError = 0,

    /// <summary>
    /// L_i = -sum_j [y_ij log a_ij + (1 - y_ij) log(1 - a_ij)]. Requires a sigmoid output layer.
    /// </summary>
    BinaryCrossEntropy = 1,

    /// <summary>L_i = -sum_j y_ij log a_ij. Requires a softmax output layer.</summary>
    CrossEntropy = 2,
}
