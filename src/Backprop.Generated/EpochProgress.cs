using System;

namespace Backprop.Generated;

/// <summary>What <see cref="Trainer.Fit{T}"/> reports after each epoch.</summary>
public readonly struct EpochProgress
{
    /// <summary>Creates a report.</summary>
    /// <param name="epoch">The epoch just finished, 1-based.</param>
    /// <param name="epochs">The number of epochs requested.</param>
    /// <param name="loss">The epoch's mean cost.</param>
    /// <param name="elapsed">The time spent in this epoch.</param>
    /// <param name="learningRate">The optimizer's learning rate during this epoch.</param>
    public EpochProgress(int epoch, int epochs, double loss, TimeSpan elapsed, double learningRate)
    {
        Epoch = epoch;
        Epochs = epochs;
        Loss = loss;
        Elapsed = elapsed;
        LearningRate = learningRate;
    }

    /// <summary>The epoch just finished, 1-based.</summary>
    public int Epoch { get; }

    /// <summary>The number of epochs requested.</summary>
    public int Epochs { get; }

    /// <summary>
    /// The mean over the epoch's examples of L_i, each computed with the parameters of its batch's
    /// step before the update, L2 penalty included (the quantity scikit-learn's <c>loss_curve_</c> records).
    /// </summary>
    public double Loss { get; }

    /// <summary>The wall-clock time of this epoch.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>
    /// lr of every step of this epoch: the value <see cref="TrainingOptions.Schedule"/> set before the epoch, or the
    /// optimizer's constant rate.
    /// </summary>
    public double LearningRate { get; }

    /// <inheritdoc/>
    public override string ToString() =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture, "epoch {0}/{1}: loss {2:G6}, lr {4:G4} ({3:F1} ms)", Epoch, Epochs, Loss, Elapsed.TotalMilliseconds, LearningRate);
}
