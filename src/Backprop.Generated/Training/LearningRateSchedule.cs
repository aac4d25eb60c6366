using System;
using System.Runtime.CompilerServices;

namespace Backprop.Generated;

/// <summary>
/// A learning-rate schedule: lr as a function of the epoch (or of any period the caller counts), applied to an
/// optimizer the way PyTorch's <c>torch.optim.lr_scheduler</c> sets a parameter group's <c>lr</c>.
/// <see cref="Trainer.Fit{T}(INetwork{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, IOptimizer, int, int, int, bool, IProgress{EpochProgress}?, System.Threading.CancellationToken, TrainingOptions?)"/>
/// calls <see cref="Apply"/> before every epoch, at the epoch's index in the network's run (see
/// <see cref="TrainingState"/>), and <see cref="Observe"/> with the epoch's loss after it.
/// </summary>
/// <remarks>
/// The initial rate lr_0 is an optimizer's <see cref="IOptimizer.LearningRate"/> at this schedule's first
/// <see cref="Apply"/> to that optimizer, kept per optimizer instance as PyTorch keeps <c>initial_lr</c> in the
/// optimizer's parameter group: a schedule handed a new optimizer between <c>Fit</c> calls takes the new optimizer's
/// rate as lr_0 rather than setting it from the old one's. <see cref="Reset"/> forgets every lr_0 and any state;
/// <see cref="Restart"/> forgets only what <see cref="Observe"/> has learned. Schedules compose:
/// <see cref="WithWarmup"/> puts a linear warm-up before any schedule, and <see cref="ReduceLROnPlateau"/> scales any
/// inner schedule. A schedule with state (<see cref="ReduceLROnPlateau"/>) follows one training run at a time.
/// </remarks>
public abstract class LearningRateSchedule
{
    private double _initialRate = double.NaN;
    private ConditionalWeakTable<IOptimizer, StrongBox<double>>? _initialRates;

    /// <summary>lr_0 of the optimizer of the latest <see cref="Apply"/>, or NaN before the first.</summary>
    public double InitialRate => _initialRate;

    /// <summary>
    /// The learning rate of period <paramref name="epoch"/> (0 for the first) for an optimizer whose initial rate is
    /// <paramref name="initialRate"/>.
    /// </summary>
    /// <param name="initialRate">lr_0 &gt; 0.</param>
    /// <param name="epoch">The 0-based period (epoch) index.</param>
    /// <param name="examplesSeen">The number of training examples processed before this period (only <see cref="InverseScaling"/> uses it).</param>
    /// <returns>lr for the period, &gt;= 0.</returns>
    public abstract double LearningRate(double initialRate, int epoch, long examplesSeen);

    /// <summary>
    /// Sets <paramref name="optimizer"/>'s <see cref="IOptimizer.LearningRate"/> to this schedule's rate for
    /// <paramref name="epoch"/>, capturing the optimizer's current rate as its initial rate lr_0 on the first call with
    /// that optimizer.
    /// </summary>
    /// <param name="optimizer">The optimizer to drive.</param>
    /// <param name="epoch">The 0-based epoch about to run.</param>
    /// <param name="examplesSeen">Training examples processed before this epoch (the run's <see cref="TrainingState.ExamplesSeen"/> under <c>Fit</c>).</param>
    /// <returns>The rate set.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="optimizer"/> is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> or <paramref name="examplesSeen"/> is negative.</exception>
    public double Apply(IOptimizer optimizer, int epoch, long examplesSeen = 0)
    {
        if (optimizer is null)
        {
            throw new ArgumentNullException(nameof(optimizer));
        }

        if (epoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch must be >= 0.");
        }

        if (examplesSeen < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(examplesSeen), examplesSeen, "The number of examples seen must be >= 0.");
        }

        _initialRates ??= new ConditionalWeakTable<IOptimizer, StrongBox<double>>();
        if (!_initialRates.TryGetValue(optimizer, out StrongBox<double>? initial))
        {
            initial = new StrongBox<double>(optimizer.LearningRate);
            _initialRates.Add(optimizer, initial);
        }

        _initialRate = initial.Value;
        double rate = LearningRate(_initialRate, epoch, examplesSeen);
        optimizer.LearningRate = rate;
        return rate;
    }

    /// <summary>
    /// Tells the schedule the loss (training loss under <c>Fit</c>; a validation loss in a hand-written loop) of the
    /// epoch just finished. Only <see cref="ReduceLROnPlateau"/> uses it; composed schedules pass it on.
    /// </summary>
    /// <param name="loss">The epoch's loss.</param>
    public virtual void Observe(double loss)
    {
    }

    /// <summary>Forgets the captured initial rates and any state (plateau counters), as if newly created.</summary>
    public virtual void Reset()
    {
        _initialRate = double.NaN;
        _initialRates = null;
        Restart();
    }

    /// <summary>
    /// Forgets what <see cref="Observe"/> has learned (plateau counters and reductions) but keeps each optimizer's
    /// lr_0: what <c>Fit</c> calls when a training run starts over (a new or re-initialised network, or
    /// <see cref="TrainingState.ResumeAt"/>), so a schedule reused across runs behaves as a new one. The base
    /// schedules have no such state.
    /// </summary>
    public virtual void Restart()
    {
    }

    /// <summary>
    /// A linear warm-up over the first <paramref name="epochs"/> epochs, from <paramref name="startFactor"/> x lr_0 to
    /// lr_0, then this schedule started at epoch 0: PyTorch's
    /// <c>SequentialLR([LinearLR(start_factor, total_iters=epochs), this], milestones=[epochs])</c>.
    /// </summary>
    /// <param name="epochs">Warm-up epochs, &gt;= 1.</param>
    /// <param name="startFactor">The factor of the first epoch, in (0, 1].</param>
    /// <returns>The composed schedule.</returns>
    public LearningRateSchedule WithWarmup(int epochs, double startFactor = 1.0 / 3) => new Warmup(this, epochs, startFactor);

    internal static void Positive(int value, string name)
    {
        if (value < 1)
        {
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be >= 1.");
        }
    }

    internal static void Finite(double value, string name, double min, bool minInclusive, double max, bool maxInclusive)
    {
        bool ok = !double.IsNaN(value) && !double.IsInfinity(value)
            && (minInclusive ? value >= min : value > min)
            && (maxInclusive ? value <= max : value < max);
        if (!ok)
        {
            string range = (minInclusive ? "[" : "(") + min.ToString(System.Globalization.CultureInfo.InvariantCulture) + ", "
                + (double.IsPositiveInfinity(max) ? "inf" : max.ToString(System.Globalization.CultureInfo.InvariantCulture)) + (maxInclusive ? "]" : ")");
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite number in {range}.");
        }
    }

    private sealed class Warmup : LearningRateSchedule
    {
        private readonly LearningRateSchedule _inner;
        private readonly int _epochs;
        private readonly double _startFactor;

        public Warmup(LearningRateSchedule inner, int epochs, double startFactor)
        {
            Positive(epochs, nameof(epochs));
            Finite(startFactor, nameof(startFactor), 0, false, 1, true);
            _inner = inner;
            _epochs = epochs;
            _startFactor = startFactor;
        }

        public override double LearningRate(double initialRate, int epoch, long examplesSeen) =>
            epoch < _epochs
                ? initialRate * (_startFactor + ((1 - _startFactor) * epoch / _epochs))
                : _inner.LearningRate(initialRate, epoch - _epochs, examplesSeen);

        public override void Observe(double loss) => _inner.Observe(loss);

        public override void Reset()
        {
            base.Reset();
            _inner.Reset();
        }

        public override void Restart() => _inner.Restart();
    }
}

/// <summary>PyTorch's <c>StepLR</c>: lr_e = lr_0 x gamma^floor(e / stepSize).</summary>
public sealed class StepLR : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="stepSize">Epochs between decays, &gt;= 1.</param>
    /// <param name="gamma">The decay factor, in (0, 1] (PyTorch's default 0.1).</param>
    public StepLR(int stepSize, double gamma = 0.1)
    {
        Positive(stepSize, nameof(stepSize));
        Finite(gamma, nameof(gamma), 0, false, 1, true);
        StepSize = stepSize;
        Gamma = gamma;
    }

    /// <summary>Epochs between decays.</summary>
    public int StepSize { get; }

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double LearningRate(double initialRate, int epoch, long examplesSeen) =>
        initialRate * Math.Pow(Gamma, epoch / StepSize);
}

/// <summary>PyTorch's <c>ExponentialLR</c>: lr_e = lr_0 x gamma^e.</summary>
public sealed class ExponentialLR : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="gamma">The decay factor per epoch, in (0, 1].</param>
    public ExponentialLR(double gamma)
    {
        Finite(gamma, nameof(gamma), 0, false, 1, true);
        Gamma = gamma;
    }

    /// <summary>The decay factor per epoch.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    public override double LearningRate(double initialRate, int epoch, long examplesSeen) =>
        initialRate * Math.Pow(Gamma, epoch);
}

/// <summary>
/// PyTorch's <c>CosineAnnealingLR</c> (SGDR without restarts, Loshchilov and Hutter 2017):
/// lr_e = eta_min + (lr_0 - eta_min) (1 + cos(pi e / T_max)) / 2; after T_max epochs it rises again, as PyTorch's does.
/// With <c>warmupEpochs</c> &gt; 0 it is preceded by a linear warm-up (see <see cref="LearningRateSchedule.WithWarmup"/>).
/// </summary>
public sealed class CosineAnnealingLR : LearningRateSchedule
{
    private readonly LearningRateSchedule? _warmup;

    /// <summary>Creates the schedule.</summary>
    /// <param name="tMax">T_max, the epochs of the half cosine, &gt;= 1 (counted after the warm-up).</param>
    /// <param name="minRate">eta_min, the rate at T_max, &gt;= 0.</param>
    /// <param name="warmupEpochs">Epochs of linear warm-up before the cosine, &gt;= 0.</param>
    /// <param name="warmupStartFactor">The warm-up's first factor of lr_0, in (0, 1].</param>
    public CosineAnnealingLR(int tMax, double minRate = 0, int warmupEpochs = 0, double warmupStartFactor = 1.0 / 3)
    {
        Positive(tMax, nameof(tMax));
        Finite(minRate, nameof(minRate), 0, true, double.PositiveInfinity, false);
        if (warmupEpochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(warmupEpochs), warmupEpochs, "warmupEpochs must be >= 0.");
        }

        TMax = tMax;
        MinRate = minRate;
        WarmupEpochs = warmupEpochs;
        _warmup = warmupEpochs > 0 ? new CosineAnnealingLR(tMax, minRate).WithWarmup(warmupEpochs, warmupStartFactor) : null;
    }

    /// <summary>T_max.</summary>
    public int TMax { get; }

    /// <summary>eta_min.</summary>
    public double MinRate { get; }

    /// <summary>Epochs of linear warm-up before the cosine.</summary>
    public int WarmupEpochs { get; }

    /// <inheritdoc/>
    public override double LearningRate(double initialRate, int epoch, long examplesSeen) =>
        _warmup is not null
            ? _warmup.LearningRate(initialRate, epoch, examplesSeen)
            : MinRate + ((initialRate - MinRate) * (1 + Math.Cos(Math.PI * epoch / TMax)) / 2);
}

/// <summary>
/// scikit-learn's <c>learning_rate='invscaling'</c>: lr = lr_0 / (t + 1)^power_t, with t the number of training
/// examples seen before the epoch (scikit-learn's <c>t_</c>, updated at the end of each epoch).
/// </summary>
public sealed class InverseScaling : LearningRateSchedule
{
    /// <summary>Creates the schedule.</summary>
    /// <param name="powerT">The exponent power_t, &gt;= 0 (scikit-learn's default 0.5).</param>
    public InverseScaling(double powerT = 0.5)
    {
        Finite(powerT, nameof(powerT), 0, true, double.PositiveInfinity, false);
        PowerT = powerT;
    }

    /// <summary>power_t.</summary>
    public double PowerT { get; }

    /// <inheritdoc/>
    public override double LearningRate(double initialRate, int epoch, long examplesSeen) =>
        initialRate / Math.Pow(examplesSeen + 1.0, PowerT);
}

/// <summary>How <see cref="ReduceLROnPlateau"/> decides that a loss improved on the best so far.</summary>
public enum PlateauThreshold
{
    /// <summary>loss &lt; best x (1 - threshold) (PyTorch's default, <c>threshold_mode='rel'</c>).</summary>
    Relative,

    /// <summary>loss &lt; best - threshold (<c>threshold_mode='abs'</c>).</summary>
    Absolute,
}

/// <summary>
/// PyTorch's <c>ReduceLROnPlateau</c> in <c>mode='min'</c>: when the loss
/// passed to <see cref="Observe"/> has not improved on the best for more than <c>patience</c> epochs, the rate is
/// multiplied by <c>factor</c> (not below <c>minRate</c>, and only if it falls by more than <c>eps</c>), then
/// <c>cooldown</c> epochs pass before counting again. It scales an inner schedule (constant lr_0 by default).
/// </summary>
public sealed class ReduceLROnPlateau : LearningRateSchedule
{
    private readonly LearningRateSchedule? _inner;
    private double _scale = 1;
    private double _best = double.PositiveInfinity;
    private int _badEpochs;
    private int _cooldownLeft;
    private double _last = double.NaN;

    /// <summary>Creates the schedule (PyTorch's defaults).</summary>
    /// <param name="factor">The factor of a reduction, in (0, 1).</param>
    /// <param name="patience">Epochs without improvement tolerated before a reduction, &gt;= 0.</param>
    /// <param name="threshold">The improvement that counts, &gt;= 0.</param>
    /// <param name="thresholdMode">Relative or absolute <paramref name="threshold"/>.</param>
    /// <param name="cooldown">Epochs after a reduction during which bad epochs are not counted, &gt;= 0.</param>
    /// <param name="minRate">The lower bound of the rate, &gt;= 0.</param>
    /// <param name="eps">A reduction smaller than this is skipped.</param>
    /// <param name="inner">The schedule being scaled; null for the constant initial rate.</param>
    public ReduceLROnPlateau(double factor = 0.1, int patience = 10, double threshold = 1e-4, PlateauThreshold thresholdMode = PlateauThreshold.Relative, int cooldown = 0, double minRate = 0, double eps = 1e-8, LearningRateSchedule? inner = null)
    {
        Finite(factor, nameof(factor), 0, false, 1, false);
        Finite(threshold, nameof(threshold), 0, true, double.PositiveInfinity, false);
        Finite(minRate, nameof(minRate), 0, true, double.PositiveInfinity, false);
        Finite(eps, nameof(eps), 0, true, double.PositiveInfinity, false);
        if (patience < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(patience), patience, "patience must be >= 0.");
        }

        if (cooldown < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(cooldown), cooldown, "cooldown must be >= 0.");
        }

        Factor = factor;
        Patience = patience;
        Threshold = threshold;
        ThresholdMode = thresholdMode;
        Cooldown = cooldown;
        MinRate = minRate;
        Eps = eps;
        _inner = inner;
    }

    /// <summary>The factor of a reduction.</summary>
    public double Factor { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>The improvement that counts.</summary>
    public double Threshold { get; }

    /// <summary>Relative or absolute threshold.</summary>
    public PlateauThreshold ThresholdMode { get; }

    /// <summary>Cool-down epochs after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>The lower bound of the rate.</summary>
    public double MinRate { get; }

    /// <summary>The smallest reduction applied.</summary>
    public double Eps { get; }

    /// <summary>The number of reductions so far.</summary>
    public int Reductions { get; private set; }

    /// <summary>The best loss observed so far (+inf before the first).</summary>
    public double Best => _best;

    /// <inheritdoc/>
    public override double LearningRate(double initialRate, int epoch, long examplesSeen)
    {
        double inner = _inner is null ? initialRate : _inner.LearningRate(initialRate, epoch, examplesSeen);
        _last = Math.Max(inner * _scale, MinRate);
        return _last;
    }

    /// <inheritdoc/>
    public override void Observe(double loss)
    {
        _inner?.Observe(loss);
        bool better = ThresholdMode == PlateauThreshold.Relative ? loss < _best * (1 - Threshold) : loss < _best - Threshold;
        if (better)
        {
            _best = loss;
            _badEpochs = 0;
        }
        else
        {
            _badEpochs++;
        }

        if (_cooldownLeft > 0)
        {
            _cooldownLeft--;
            _badEpochs = 0;
        }

        if (_badEpochs > Patience)
        {
            // PyTorch: new_lr = max(old_lr * factor, min_lr), applied only if old_lr - new_lr > eps.
            double old = double.IsNaN(_last) ? double.NaN : _last;
            if (double.IsNaN(old) || old - Math.Max(old * Factor, MinRate) > Eps)
            {
                _scale *= Factor;
                Reductions++;
            }

            _cooldownLeft = Cooldown;
            _badEpochs = 0;
        }
    }

    /// <inheritdoc/>
    public override void Reset()
    {
        base.Reset();
        _inner?.Reset();
    }

    /// <inheritdoc/>
    public override void Restart()
    {
        _inner?.Restart();
        _scale = 1;
        _best = double.PositiveInfinity;
        _badEpochs = 0;
        _cooldownLeft = 0;
        _last = double.NaN;
        Reductions = 0;
    }
}
