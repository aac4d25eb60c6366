using System;

namespace Backprop.Generated;

/// <summary>
/// What <c>Trainer.Fit</c> reports after each epoch: the training loss and learning rate, and with validation data
/// or labels the validation loss, the accuracies and the early-stopping state, as Keras's <c>History</c> records
/// <c>loss</c>, <c>accuracy</c>, <c>val_loss</c> and <c>val_accuracy</c>.
/// </summary>
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

    /// <summary>Creates a report with validation and accuracy figures.</summary>
    /// <param name="epoch">The epoch just finished, 1-based.</param>
    /// <param name="epochs">The number of epochs requested.</param>
    /// <param name="loss">The epoch's mean cost.</param>
    /// <param name="elapsed">The time spent in this epoch.</param>
    /// <param name="learningRate">The optimizer's learning rate during this epoch.</param>
    /// <param name="accuracy">The training accuracy, or null.</param>
    /// <param name="validationLoss">The validation loss, or null.</param>
    /// <param name="validationAccuracy">The validation accuracy, or null.</param>
    /// <param name="bestEpoch">The 1-based epoch with the lowest validation loss so far, or 0.</param>
    /// <param name="stopping">Whether early stopping ends training after this epoch.</param>
    public EpochProgress(int epoch, int epochs, double loss, TimeSpan elapsed, double learningRate, double? accuracy, double? validationLoss, double? validationAccuracy, int bestEpoch, bool stopping)
        : this(epoch, epochs, loss, elapsed, learningRate)
    {
        Accuracy = accuracy;
        ValidationLoss = validationLoss;
        ValidationAccuracy = validationAccuracy;
        BestEpoch = bestEpoch;
        Stopping = stopping;
    }

    /// <summary>Creates a report of an epoch of a continued run.</summary>
    /// <param name="epoch">The epoch just finished, 1-based within the run.</param>
    /// <param name="epochs">The epoch the call ends at: its first epoch's index plus its epochs requested.</param>
    /// <param name="loss">The epoch's mean cost.</param>
    /// <param name="elapsed">The time spent in this epoch.</param>
    /// <param name="learningRate">The optimizer's learning rate during this epoch.</param>
    /// <param name="accuracy">The training accuracy, or null.</param>
    /// <param name="validationLoss">The validation loss, or null.</param>
    /// <param name="validationAccuracy">The validation accuracy, or null.</param>
    /// <param name="bestEpoch">The 1-based epoch with the lowest validation loss so far, or 0.</param>
    /// <param name="stopping">Whether early stopping ends training after this epoch.</param>
    /// <param name="initialEpoch">The epochs of the run completed before the reporting <c>Fit</c> call, &gt;= 0.</param>
    public EpochProgress(int epoch, int epochs, double loss, TimeSpan elapsed, double learningRate, double? accuracy, double? validationLoss, double? validationAccuracy, int bestEpoch, bool stopping, int initialEpoch)
        : this(epoch, epochs, loss, elapsed, learningRate, accuracy, validationLoss, validationAccuracy, bestEpoch, stopping)
    {
        InitialEpoch = initialEpoch;
    }

    /// <summary>
    /// The epoch just finished, 1-based and counted over the run (<see cref="TrainingState"/>): a <c>Fit</c> that
    /// continues after 3 epochs reports 4, 5, ...
    /// </summary>
    public int Epoch { get; }

    /// <summary>
    /// The epoch the reporting <c>Fit</c> call ends at if it runs all its epochs: <see cref="InitialEpoch"/> plus the
    /// epochs requested (Keras's <c>epochs</c> with <c>initial_epoch</c>), so a continued call prints 4/6, 5/6, 6/6.
    /// </summary>
    public int Epochs { get; }

    /// <summary>The epochs of the run completed before the reporting <c>Fit</c> call (Keras's <c>initial_epoch</c>); 0 for a new run.</summary>
    public int InitialEpoch { get; }

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

    /// <summary>
    /// The training accuracy: the fraction of the training rows classified as their label (arg-max of A[L], or
    /// A[L] &gt;= 0.5 for one output) with the parameters at the end of the epoch. Null unless <c>Fit</c> was given
    /// integer labels or <see cref="TrainingOptions.ComputeAccuracy"/> is set.
    /// </summary>
    public double? Accuracy { get; }

    /// <summary>
    /// J = (1/m) sum_i L_i over the validation rows with the parameters at the end of the epoch (the data loss, without
    /// the L2 penalty; Keras's <c>val_loss</c>). Null without validation data.
    /// </summary>
    public double? ValidationLoss { get; }

    /// <summary>The validation accuracy with the parameters at the end of the epoch; null without validation data or when <see cref="Accuracy"/> is null.</summary>
    public double? ValidationAccuracy { get; }

    /// <summary>The 1-based epoch of the run with the lowest validation loss so far (by the early-stopping rule when one is set); 0 without validation data.</summary>
    public int BestEpoch { get; }

    /// <summary>True when <see cref="TrainingOptions.EarlyStopping"/> ends training after this epoch.</summary>
    public bool Stopping { get; }

    /// <inheritdoc/>
    public override string ToString()
    {
        System.Globalization.CultureInfo c = System.Globalization.CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        text.Append(string.Format(c, "epoch {0}/{1}: loss {2:G6}", Epoch, Epochs, Loss));
        if (Accuracy is double accuracy)
        {
            text.Append(string.Format(c, ", accuracy {0:F4}", accuracy));
        }

        if (ValidationLoss is double validationLoss)
        {
            text.Append(string.Format(c, ", val_loss {0:G6}", validationLoss));
        }

        if (ValidationAccuracy is double validationAccuracy)
        {
            text.Append(string.Format(c, ", val_accuracy {0:F4}", validationAccuracy));
        }

        text.Append(string.Format(c, ", lr {0:G4} ({1:F1} ms)", LearningRate, Elapsed.TotalMilliseconds));
        if (Stopping)
        {
            text.Append(string.Format(c, "; early stop, best epoch {0}", BestEpoch));
        }

        return text.ToString();
    }
}
