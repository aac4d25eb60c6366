using System;

namespace Backprop.Generated;

/// <summary>
/// Thrown by <c>TrainStep</c> (and so by <c>Trainer.Fit</c>) when the cost J or a gradient of
/// a batch is NaN or infinite. The step is abandoned before the optimizer runs, so the parameters keep
/// the values they had before that step.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">The explanation.</param>
    /// <param name="loss">The cost J of the batch.</param>
    /// <param name="parameterIndex">The first parameter whose gradient is not finite, or -1 if the cost itself is not.</param>
    public TrainingDivergedException(string message, double loss, int parameterIndex)
        : base(message)
    {
        Loss = loss;
        ParameterIndex = parameterIndex;
    }

    /// <summary>The cost J of the batch (may be NaN or infinite).</summary>
    public double Loss { get; }

    /// <summary>The first parameter whose gradient is not finite, or -1 when the cost is not finite.</summary>
    public int ParameterIndex { get; }
}
