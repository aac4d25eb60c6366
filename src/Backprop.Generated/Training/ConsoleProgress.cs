using System;
using System.IO;

namespace Backprop.Generated;

/// <summary>
/// A ready <see cref="IProgress{T}"/> for <c>Fit</c> that writes one line per reported epoch, in order, on the training
/// thread, like Keras's <c>verbose=2</c>:
/// <c>epoch 3/50  loss 0.1234  accuracy 0.9512  val_loss 0.1500  val_accuracy 0.9400  lr 0.1  12.3 ms</c>
/// (the accuracy and validation columns when <c>Fit</c> reports them), and a closing line when early stopping ends
/// training. It is synchronous: <see cref="Report"/> writes before <c>Fit</c> continues, unlike
/// <see cref="Progress{T}"/>, which posts each report to the captured synchronisation context or the thread pool, so
/// its lines can appear out of order or after <c>Fit</c> has returned.
/// </summary>
public sealed class ConsoleProgress : IProgress<EpochProgress>
{
    private readonly TextWriter? _writer;
    private readonly int _every;

    /// <summary>Creates the reporter.</summary>
    /// <param name="writer">Where to write; null for <see cref="Console.Out"/> at each report.</param>
    /// <param name="every">Write each call's first epoch, every <paramref name="every"/>-th epoch, the last epoch and an early-stopping epoch; &gt;= 1.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="every"/> &lt; 1.</exception>
    public ConsoleProgress(TextWriter? writer = null, int every = 1)
    {
        if (every < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(every), every, "Report at least every epoch (every >= 1).");
        }

        _writer = writer;
        _every = every;
    }

    /// <summary>Writes the epoch's line (when it is one to write) before returning.</summary>
    /// <param name="value">The epoch's report.</param>
    public void Report(EpochProgress value)
    {
        if (value.Epoch != value.InitialEpoch + 1 && value.Epoch % _every != 0 && value.Epoch != value.Epochs && !value.Stopping)
        {
            return;
        }

        TextWriter writer = _writer ?? Console.Out;
        writer.WriteLine(Format(value));
        if (value.Stopping)
        {
            writer.WriteLine(string.Format(System.Globalization.CultureInfo.InvariantCulture, "early stopping after epoch {0}: best val_loss at epoch {1}", value.Epoch, value.BestEpoch));
        }
    }

    /// <summary>The line <see cref="Report"/> writes for one epoch.</summary>
    /// <param name="value">The epoch's report.</param>
    /// <returns>The line, without a line break.</returns>
    public static string Format(EpochProgress value)
    {
        System.Globalization.CultureInfo c = System.Globalization.CultureInfo.InvariantCulture;
        int digits = value.Epochs.ToString(c).Length;
        var line = new System.Text.StringBuilder();
        line.Append("epoch ").Append(value.Epoch.ToString(c).PadLeft(digits)).Append('/').Append(value.Epochs.ToString(c));
        line.Append(string.Format(c, "  loss {0:F4}", value.Loss));
        if (value.Accuracy is double accuracy)
        {
            line.Append(string.Format(c, "  accuracy {0:F4}", accuracy));
        }

        if (value.ValidationLoss is double validationLoss)
        {
            line.Append(string.Format(c, "  val_loss {0:F4}", validationLoss));
        }

        if (value.ValidationAccuracy is double validationAccuracy)
        {
            line.Append(string.Format(c, "  val_accuracy {0:F4}", validationAccuracy));
        }

        line.Append(string.Format(c, "  lr {0:G4}  {1:F1} ms", value.LearningRate, value.Elapsed.TotalMilliseconds));
        return line.ToString();
    }
}
