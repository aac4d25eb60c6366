using System;
using System.Runtime.InteropServices;

namespace Backprop.Generated;

/// <summary>
/// Where a network's training run stands between <c>Fit</c> calls: the epochs completed, the examples seen, the
/// position of the shuffling stream and the early-stopping memory (best validation loss, its epoch and parameters,
/// epochs without improvement). Each network instance has one, returned by
/// <see cref="Trainer.GetTrainingState{T}(INetwork{T})"/>; <c>Fit</c> reads it at the start and updates it after every
/// epoch, so <c>Fit(3 epochs)</c> then <c>Fit(3 epochs)</c> with the same optimizer and options trains exactly as one
/// <c>Fit(6 epochs)</c> (same learning rates, same row orders, same early-stopping decisions).
/// </summary>
/// <remarks>
/// <para>
/// A call continues the run when it starts from the parameters the previous <c>Fit</c> on this network left (compared
/// by a 64-bit hash of their bits). When the parameters were replaced since (<c>InitializeParameters</c>, <c>Load</c>,
/// a hand-written <c>TrainStep</c>, a copy into <see cref="INetwork{T}.Parameters"/>) the call starts a new run at
/// epoch 0, so a fresh or re-initialised network with the same seed trains to the same bits. <see cref="ResumeAt"/>
/// says where the next call starts whatever the parameters are: Keras's <c>initial_epoch</c>, e.g. after loading a
/// checkpoint written at the end of epoch 10.
/// </para>
/// <para>
/// The count lives with the network because the network is what a sequence of <c>Fit</c> calls trains: a new network
/// starts a new run, and a continued run may change optimizer or options between calls. The optimizer keeps only its
/// own per-step state (momentum, Adam's moments and step count t), which continues with the same instance and starts
/// over with a new one; the dropout masks' stream is the network's <see cref="IDropoutNetwork.DropoutRandom"/>.
/// Use a network, and so its training state, from one thread at a time.
/// </para>
/// </remarks>
public sealed class TrainingState
{
    private int _resumeAt = -1;
    private bool _hasRun;
    private ulong _fingerprint;

    // The shuffled row order after _shuffles Fisher-Yates passes of the stream seeded with _orderSeed.
    private int[]? _order;
    private SplitMix64 _orderRandom;
    private int _orderSeed;
    private int _shuffles;

    // The parameters of BestEpoch (a T[]), when a Fit that restores the best parameters saw that epoch.
    private Array? _bestParameters;
    private int _bestParametersEpoch;

    internal TrainingState()
    {
    }

    /// <summary>The epochs completed in this run: the 0-based index of the epoch the next <c>Fit</c> runs first.</summary>
    public int Epoch { get; private set; }

    /// <summary>
    /// The training examples processed in this run's completed epochs (the sum of n over them; e x n after
    /// <see cref="ResumeAt"/>(e) and a call on n rows): what <see cref="InverseScaling"/> reads as t.
    /// </summary>
    public long ExamplesSeen { get; private set; }

    /// <summary>The 1-based epoch of the lowest validation loss in this run so far (by the early-stopping rule when one is set), or 0.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>The validation loss of <see cref="BestEpoch"/> (+infinity before the first validated epoch).</summary>
    public double BestValidationLoss { get; private set; } = double.PositiveInfinity;

    /// <summary>Validated epochs in a row without improvement since <see cref="BestEpoch"/> (Keras's <c>wait</c>).</summary>
    public int EpochsWithoutImprovement { get; private set; }

    /// <summary>
    /// Makes the next <c>Fit</c> on this network start at 0-based epoch <paramref name="epoch"/> whatever its
    /// parameters are, as Keras's <c>initial_epoch</c>: the schedule at epoch <paramref name="epoch"/> with
    /// <paramref name="epoch"/> x n examples seen, the row order of that epoch of the seed's stream, progress
    /// numbered from <paramref name="epoch"/> + 1, and no early-stopping memory (the first epoch run is the best so
    /// far) and no schedule observations (<see cref="LearningRateSchedule.Restart"/>).
    /// </summary>
    /// <param name="epoch">The epochs counted as done, &gt;= 0 (0 starts a new run on the current parameters).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="epoch"/> is negative.</exception>
    public void ResumeAt(int epoch)
    {
        if (epoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "The epoch to resume at must be >= 0.");
        }

        _resumeAt = epoch;
    }

    /// <summary>The epoch the next <c>Fit</c> will start at, if set by <see cref="ResumeAt"/>; otherwise null (continue, or start at 0 on new parameters).</summary>
    public int? PendingResume => _resumeAt >= 0 ? _resumeAt : null;

    /// <summary>
    /// Decides where a <c>Fit</c> over <paramref name="n"/> rows starts: at the pending <see cref="ResumeAt"/>, else
    /// where the last <c>Fit</c> stopped if the parameters are the ones it left, else at epoch 0.
    /// </summary>
    /// <returns>Whether the call starts a new run (the schedule's observations must be forgotten).</returns>
    internal bool Begin<T>(ReadOnlySpan<T> parameters, int n)
        where T : unmanaged
    {
        bool restart;
        if (_resumeAt >= 0)
        {
            Epoch = _resumeAt;
            ExamplesSeen = (long)_resumeAt * n;
            _resumeAt = -1;
            restart = true;
        }
        else if (!_hasRun || _fingerprint != Fingerprint(parameters))
        {
            Epoch = 0;
            ExamplesSeen = 0;
            restart = true;
        }
        else
        {
            restart = false;
        }

        if (restart)
        {
            ForgetBest();
        }

        return restart;
    }

    /// <summary>Records the end of a call: the parameters it leaves (after any restore) identify the run.</summary>
    internal void End<T>(ReadOnlySpan<T> parameters)
        where T : unmanaged
    {
        _fingerprint = Fingerprint(parameters);
        _hasRun = true;
    }

    /// <summary>Counts one completed epoch of <paramref name="n"/> rows.</summary>
    internal void CompleteEpoch(int n)
    {
        Epoch++;
        ExamplesSeen += n;
    }

    /// <summary>
    /// The row order of 0-based epoch <paramref name="epoch"/>: the identity permuted by epoch + 1 Fisher-Yates passes
    /// of the SplitMix64 stream seeded with <paramref name="seed"/>, one per epoch. Continuing a run costs one pass;
    /// a change of seed or row count, or a resume elsewhere, replays the passes from the start.
    /// </summary>
    internal int[] OrderFor(int epoch, int n, int seed)
    {
        int needed = epoch + 1;
        if (_order is null || _order.Length != n || _orderSeed != seed || _shuffles > needed)
        {
            if (_order is null || _order.Length != n)
            {
                _order = new int[n];
            }

            for (int i = 0; i < n; i++)
            {
                _order[i] = i;
            }

            _orderRandom = Internals.Initialization.CreateStream(seed);
            _orderSeed = seed;
            _shuffles = 0;
        }

        while (_shuffles < needed)
        {
            // Fisher-Yates, driven by the integer stream: the same order on every platform.
            for (int i = n - 1; i > 0; i--)
            {
                int j = _orderRandom.NextInt(i + 1);
                (_order[i], _order[j]) = (_order[j], _order[i]);
            }

            _shuffles++;
        }

        return _order;
    }

    /// <summary>
    /// Called before a validating call: when this call restores the best parameters but the best epoch's parameters
    /// were not kept (an earlier call did not restore), the early-stopping memory starts over.
    /// </summary>
    internal void PrepareBest(bool restoring)
    {
        if (restoring && BestEpoch > 0 && _bestParametersEpoch != BestEpoch)
        {
            ForgetBest();
        }
    }

    /// <summary>
    /// Applies the early-stopping rule to one validated epoch: an improvement when <paramref name="loss"/> &lt; best -
    /// <paramref name="minDelta"/> (the first validated epoch always improves), else one more epoch without improvement.
    /// </summary>
    /// <returns>Whether the epoch improved.</returns>
    internal bool Observe<T>(double loss, double minDelta, int epoch, ReadOnlySpan<T> parameters, bool keepParameters)
        where T : unmanaged
    {
        if (loss < BestValidationLoss - minDelta)
        {
            BestValidationLoss = loss;
            BestEpoch = epoch;
            EpochsWithoutImprovement = 0;
            if (keepParameters)
            {
                if (_bestParameters is not T[] best || best.Length != parameters.Length)
                {
                    best = new T[parameters.Length];
                    _bestParameters = best;
                }

                parameters.CopyTo(best);
                _bestParametersEpoch = epoch;
            }

            return true;
        }

        EpochsWithoutImprovement++;
        return false;
    }

    /// <summary>Copies the best epoch's parameters into <paramref name="parameters"/> when they were kept.</summary>
    /// <returns>The epoch restored, or 0.</returns>
    internal int RestoreBest<T>(Span<T> parameters)
        where T : unmanaged
    {
        if (BestEpoch > 0 && _bestParametersEpoch == BestEpoch && _bestParameters is T[] best && best.Length == parameters.Length)
        {
            best.AsSpan().CopyTo(parameters);
            return BestEpoch;
        }

        return 0;
    }

    private void ForgetBest()
    {
        BestEpoch = 0;
        BestValidationLoss = double.PositiveInfinity;
        EpochsWithoutImprovement = 0;
        _bestParametersEpoch = 0;
    }

    /// <summary>A 64-bit hash of the parameters' bits (a multiply-xorshift over 8-byte words, then the tail bytes).</summary>
    private static ulong Fingerprint<T>(ReadOnlySpan<T> parameters)
        where T : unmanaged
    {
        ReadOnlySpan<byte> bytes = MemoryMarshal.AsBytes(parameters);
        ReadOnlySpan<ulong> words = MemoryMarshal.Cast<byte, ulong>(bytes);
        ulong hash = 0x9E3779B97F4A7C15UL ^ (ulong)bytes.Length;
        for (int i = 0; i < words.Length; i++)
        {
            hash = Mix(hash ^ words[i]);
        }

        for (int i = words.Length * sizeof(ulong); i < bytes.Length; i++)
        {
            hash = Mix(hash ^ bytes[i]);
        }

        return hash;
    }

    private static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
