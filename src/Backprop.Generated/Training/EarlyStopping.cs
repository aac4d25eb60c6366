using System;

namespace Backprop.Generated;

/// <summary>
/// Stops <c>Fit</c> when the validation loss has stopped improving, as Keras's
/// <c>EarlyStopping(monitor='val_loss', min_delta, patience, restore_best_weights)</c> does: an epoch improves when its
/// validation loss is below best - <see cref="MinDelta"/> (the first epoch always does); after
/// <see cref="Patience"/> epochs in a row without improvement training stops. The best loss and the count belong to
/// the network's run (<see cref="TrainingState"/>), so they carry over to the next <c>Fit</c> of the run. With
/// <see cref="RestoreBestParameters"/> (the default) the network ends with the parameters of the run's best epoch
/// however <c>Fit</c> ends: all epochs run, stopped early, diverged, cancelled or the progress callback threw (Keras
/// restores only when it stops early, keras-team/keras#12511). The optimizer's state (momentum, Adam's moments) is not
/// rolled back.
/// </summary>
public sealed class EarlyStopping
{
    private int _patience;
    private double _minDelta;

    /// <summary>Creates the rule.</summary>
    /// <param name="patience">Epochs without improvement before stopping, &gt;= 0 (0 stops at the first epoch that does not improve).</param>
    /// <param name="minDelta">The least decrease of the validation loss that counts as an improvement, &gt;= 0.</param>
    /// <param name="restoreBestParameters">Whether to end with the best epoch's parameters.</param>
    /// <exception cref="ArgumentOutOfRangeException">A negative patience, or a negative, NaN or infinite delta.</exception>
    public EarlyStopping(int patience = 10, double minDelta = 0, bool restoreBestParameters = true)
    {
        Patience = patience;
        MinDelta = minDelta;
        RestoreBestParameters = restoreBestParameters;
    }

    /// <summary>Epochs in a row without improvement before training stops, &gt;= 0.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative.</exception>
    public int Patience
    {
        get => _patience;
        set => _patience = value >= 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), value, "The patience must be >= 0 epochs.");
    }

    /// <summary>The least decrease of the validation loss that counts as an improvement, &gt;= 0 (Keras's <c>min_delta</c>).</summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, NaN or infinite.</exception>
    public double MinDelta
    {
        get => _minDelta;
        set => _minDelta = OptimizerArguments.NonNegative(value, nameof(value), "The minimum improvement");
    }

    /// <summary>Whether <c>Fit</c> ends with the parameters of the epoch with the lowest validation loss.</summary>
    public bool RestoreBestParameters { get; set; }
}
