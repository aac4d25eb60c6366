namespace Backprop.Generated;

/// <summary>
/// The per-example loss L_i whose batch mean J = (1/m) sum_i L_i is minimised by training.
/// </summary>
public enum Loss
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
