using System;
using System.Collections.Generic;

namespace Backprop.Generated;

/// <summary>
/// Thrown by <c>TrainStep</c> (and so by <c>Trainer.Fit</c>) when the cost J or a gradient of
/// a batch is NaN or infinite. The step is abandoned before the optimizer runs, so the parameters keep
/// the values they had before that step; when <c>Fit</c> restores the best parameters
/// (<see cref="EarlyStopping.RestoreBestParameters"/>) it puts back those of the best epoch before rethrowing, and
/// says so in <see cref="RestoredEpoch"/>.
/// </summary>
public sealed class TrainingDivergedException : ArithmeticException
{
    private static readonly double[] NoHistory = new double[0];

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

    /// <summary>The 1-based epoch of the run (see <see cref="TrainingState"/>) in which a <c>Fit</c> step diverged; 0 when not thrown through <c>Fit</c>.</summary>
    public int Epoch { get; private set; }

    /// <summary>
    /// The mean training loss of each epoch the throwing <c>Fit</c> call completed before it diverged (what it would
    /// have returned); empty when not thrown through <c>Fit</c> or when it diverged in its first epoch.
    /// </summary>
    public IReadOnlyList<double> History { get; private set; } = NoHistory;

    /// <summary>
    /// The 1-based epoch whose parameters <c>Fit</c> restored before rethrowing (the best epoch, with
    /// <see cref="EarlyStopping.RestoreBestParameters"/>), or 0 when the parameters are those before the failing step.
    /// </summary>
    public int RestoredEpoch { get; private set; }

    internal void SetFitContext(int epoch, double[] history, int restoredEpoch)
    {
        Epoch = epoch;
        History = history;
        RestoredEpoch = restoredEpoch;
    }
}
