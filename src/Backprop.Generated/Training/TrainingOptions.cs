using System;

namespace Backprop.Generated;

/// <summary>
/// What a training call adds around the network's own gradients: scikit-learn's L2 penalty on the weights,
/// gradient clipping by global norm, and a learning-rate schedule. Used by <see cref="TrainingStep{T}"/> and
/// <see cref="Trainer.Fit{T}(INetwork{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, IOptimizer, int, int, int, bool, IProgress{EpochProgress}?, System.Threading.CancellationToken, TrainingOptions?)"/>,
/// with early stopping and accuracy reporting for <c>Fit</c>.
/// The defaults add nothing.
/// </summary>
/// <example>
/// scikit-learn's <c>MLPClassifier(alpha=0.01, solver='sgd', learning_rate_init=0.1, momentum=0)</c>:
/// <code>
/// net.Fit(x, y, new Sgd(0.1), epochs, batchSize, options: new TrainingOptions { L2 = 0.01 });
/// </code>
/// </example>
public sealed class TrainingOptions
{
    private double _l2;
    private double _maxGradientNorm = double.PositiveInfinity;

    /// <summary>
    /// alpha &gt;= 0, scikit-learn's <c>alpha</c>: for a batch of m rows the cost becomes
    /// J + alpha/(2m) sum_l ||W[l]||_F^2 and the gradient of every weight gains alpha/m W[l]; the biases are not
    /// penalised (Keras's <c>kernel_regularizer=l2(alpha/(2m))</c> per batch). The reported cost includes the
    /// penalty, as scikit-learn's <c>loss_curve_</c> does. Default 0.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Negative, NaN or infinite.</exception>
    public double L2
    {
        get => _l2;
        set => _l2 = OptimizerArguments.NonNegative(value, nameof(value), "The L2 coefficient alpha");
    }

    /// <summary>
    /// max_norm &gt; 0 of PyTorch's <c>clip_grad_norm_</c>: with ||g|| = sqrt(sum_q g_q^2) the global norm of the
    /// gradient (penalty included), every gradient is multiplied by min(1, max_norm / (||g|| + 1e-6)) before the
    /// optimizer runs. Default +infinity (no clipping).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not greater than zero, or NaN.</exception>
    public double MaxGradientNorm
    {
        get => _maxGradientNorm;
        set
        {
            if (!(value > 0))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "The maximum gradient norm must be greater than zero (+infinity for no clipping).");
            }

            _maxGradientNorm = value;
        }
    }

    /// <summary>
    /// The learning-rate schedule <c>Fit</c> applies to the optimizer before every epoch, at the epoch's index in the
    /// network's run (and tells each epoch's loss); null (the default) keeps the optimizer's rate.
    /// </summary>
    public LearningRateSchedule? Schedule { get; set; }

    /// <summary>
    /// Stop <c>Fit</c> when the validation loss stops improving (Keras's <c>EarlyStopping</c>); needs validation data.
    /// Null (the default) trains every epoch.
    /// </summary>
    public EarlyStopping? EarlyStopping { get; set; }

    /// <summary>
    /// Whether <c>Fit</c> with one-hot targets also reports the training (and validation) accuracy of each epoch, at the
    /// cost of one forward pass over those rows per epoch. <c>Fit</c> with integer labels always does. Default false.
    /// </summary>
    public bool ComputeAccuracy { get; set; }
}
