using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>Mini-batch training of any generated network over an in-memory data set.</summary>
public static class Trainer
{
    private static readonly ConditionalWeakTable<object, TrainingState> States = new();

    /// <summary>
    /// The training state of <paramref name="network"/>: where its run stands between <c>Fit</c> calls (epochs
    /// completed, examples seen, early-stopping memory), and <see cref="TrainingState.ResumeAt"/> to say where the next
    /// <c>Fit</c> starts (Keras's <c>initial_epoch</c>). One per network instance, created on first use and held no
    /// longer than the network.
    /// </summary>
    /// <typeparam name="T">float or double, the network's precision.</typeparam>
    /// <param name="network">The network.</param>
    /// <returns>The network's state (the same object on every call).</returns>
    /// <exception cref="ArgumentNullException"><paramref name="network"/> is null.</exception>
    public static TrainingState GetTrainingState<T>(this INetwork<T> network)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        return States.GetValue(network, static _ => new TrainingState());
    }

    /// <summary>
    /// Trains <paramref name="network"/> for <paramref name="epochs"/> passes over the data set, one
    /// <c>TrainStep</c> per mini-batch of <paramref name="batchSize"/> rows (the last batch of an epoch may be
    /// smaller). The rows are shuffled at the start of every epoch by a <see cref="SplitMix64"/> stream seeded
    /// with <paramref name="seed"/>, so a run is reproducible. Repeated calls continue one run (see
    /// <see cref="TrainingState"/>): a call on the parameters the previous <c>Fit</c> left starts at the next epoch of
    /// the run, with that epoch's learning rate and row order, so <c>Fit(3)</c> then <c>Fit(3)</c> with the same
    /// optimizer and options is bit for bit one <c>Fit(6)</c>; new parameters start a new run at epoch 0, and
    /// <see cref="TrainingState.ResumeAt"/> (through <see cref="GetTrainingState{T}(INetwork{T})"/>) says where to
    /// start. Each step is a <see cref="TrainingStep{T}"/> with
    /// <paramref name="options"/> (L2 penalty, gradient clipping), or the network's own <c>TrainStep</c> when the options
    /// add neither (the same update); before each epoch the options' schedule sets the
    /// optimizer's learning rate (at the run's epoch, with the run's examples seen), and after it the schedule observes
    /// the epoch's loss.
    /// After the returned history and, where needed, the batch buffers (when shuffling), the row order (when shuffling)
    /// and a gradient buffer (with L2 or clipping), all allocated once per call, nothing allocates.
    /// </summary>
    /// <typeparam name="T">float or double, the network's precision.</typeparam>
    /// <param name="network">The network; its parameters are updated in place.</param>
    /// <param name="inputs">X, n x n_0 row-major.</param>
    /// <param name="targets">Y, n x n_L row-major.</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="epochs">The number of passes over the data this call runs, &gt;= 0.</param>
    /// <param name="batchSize">Rows per step, &gt;= 1.</param>
    /// <param name="seed">Seed of the run's shuffling stream: epoch e of the run takes the stream's (e+1)-th permutation, whichever call runs it.</param>
    /// <param name="shuffle">Whether to shuffle the rows every epoch (otherwise they are taken in order).</param>
    /// <param name="progress">Receives an <see cref="EpochProgress"/> after each epoch.</param>
    /// <param name="cancellationToken">Checked before every step; the parameters keep the completed steps (the best epoch's when restoring).</param>
    /// <param name="options">L2 penalty, gradient clipping and learning-rate schedule; null for none.</param>
    /// <returns>The mean loss of each epoch, L2 penalty included (see <see cref="EpochProgress.Loss"/>).</returns>
    /// <exception cref="ArgumentException">The data set's shapes do not match the network or are empty.</exception>
    /// <exception cref="TrainingDivergedException">A step's cost or gradients were not finite; the parameters are those before that step, or the best epoch's when early stopping restores them; the exception carries the epochs' losses (<see cref="TrainingDivergedException.History"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static double[] Fit<T>(
        this INetwork<T> network,
        ReadOnlySpan<T> inputs,
        ReadOnlySpan<T> targets,
        IOptimizer optimizer,
        int epochs,
        int batchSize,
        int seed = 0,
        bool shuffle = true,
        IProgress<EpochProgress>? progress = null,
        CancellationToken cancellationToken = default,
        TrainingOptions? options = null)
        where T : unmanaged =>
        FitCore(network, inputs, new Targets<T>(targets), optimizer, epochs, batchSize, seed, shuffle, progress, cancellationToken, options, default, default);

    /// <summary>
    /// Trains as <see cref="Fit{T}(INetwork{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, IOptimizer, int, int, int, bool, IProgress{EpochProgress}?, CancellationToken, TrainingOptions?)"/>
    /// does and, after each epoch, evaluates the validation rows with the epoch's final parameters: J
    /// (<see cref="EpochProgress.ValidationLoss"/>, Keras's <c>val_loss</c>) and, with
    /// <see cref="TrainingOptions.ComputeAccuracy"/>, the accuracies. With <see cref="TrainingOptions.EarlyStopping"/>
    /// training stops when the validation loss stops improving and (by default) ends with the best epoch's parameters,
    /// however it ends: all epochs run, stopped early, diverged, cancelled, or the progress callback threw.
    /// Allocates per call, besides the batch buffers: a gradient buffer for the validation cost, an output buffer for
    /// the accuracies and, with early stopping, one copy of the parameters.
    /// </summary>
    /// <typeparam name="T">float or double, the network's precision.</typeparam>
    /// <param name="network">The network; its parameters are updated in place.</param>
    /// <param name="inputs">X, n x n_0 row-major.</param>
    /// <param name="targets">Y, n x n_L row-major (one-hot rows for a classifier).</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="epochs">The largest number of passes over the data this call runs, &gt;= 0.</param>
    /// <param name="batchSize">Rows per step, &gt;= 1.</param>
    /// <param name="validationInputs">Validation X, n_v x n_0 (empty for none).</param>
    /// <param name="validationTargets">Validation Y, n_v x n_L.</param>
    /// <param name="seed">Seed of the run's shuffling stream: epoch e of the run takes the stream's (e+1)-th permutation, whichever call runs it.</param>
    /// <param name="shuffle">Whether to shuffle the rows every epoch.</param>
    /// <param name="progress">Receives an <see cref="EpochProgress"/> after each epoch (see <see cref="ConsoleProgress"/>).</param>
    /// <param name="cancellationToken">Checked before every step; the parameters keep the completed steps (the best epoch's when restoring).</param>
    /// <param name="options">L2, clipping, schedule, early stopping, accuracy; null for none.</param>
    /// <returns>The mean training loss of each epoch run (fewer than <paramref name="epochs"/> when stopped early).</returns>
    /// <exception cref="ArgumentException">A shape does not match the network, or early stopping has no validation data.</exception>
    /// <exception cref="NotSupportedException">Validation data for a network with dropout (its <c>ComputeGradients</c> drops units, so it cannot give the validation loss).</exception>
    /// <exception cref="TrainingDivergedException">A step's cost or gradients were not finite; the parameters are those before that step, or the best epoch's when early stopping restores them; the exception carries the epochs' losses (<see cref="TrainingDivergedException.History"/>).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static double[] Fit<T>(
        this INetwork<T> network,
        ReadOnlySpan<T> inputs,
        ReadOnlySpan<T> targets,
        IOptimizer optimizer,
        int epochs,
        int batchSize,
        ReadOnlySpan<T> validationInputs,
        ReadOnlySpan<T> validationTargets,
        int seed = 0,
        bool shuffle = true,
        IProgress<EpochProgress>? progress = null,
        CancellationToken cancellationToken = default,
        TrainingOptions? options = null)
        where T : unmanaged =>
        FitCore(network, inputs, new Targets<T>(targets), optimizer, epochs, batchSize, seed, shuffle, progress, cancellationToken, options, validationInputs, new Targets<T>(validationTargets));

    /// <summary>
    /// Trains a classifier from integer class labels: each label y_i in [0, OutputSize) stands for the one-hot row
    /// e_{y_i} (0 or 1 itself for one output, see <see cref="OneHot"/>), expanded into the batch buffer, so the
    /// parameters are bit-identical to <c>Fit</c> with those one-hot rows. Reports the training accuracy of each epoch.
    /// Otherwise as <see cref="Fit{T}(INetwork{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, IOptimizer, int, int, int, bool, IProgress{EpochProgress}?, CancellationToken, TrainingOptions?)"/>.
    /// </summary>
    /// <typeparam name="T">float or double, the network's precision.</typeparam>
    /// <param name="network">The network; its parameters are updated in place.</param>
    /// <param name="inputs">X, n x n_0 row-major.</param>
    /// <param name="labels">n class indices in [0, OutputSize).</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="epochs">The number of passes over the data this call runs, &gt;= 0.</param>
    /// <param name="batchSize">Rows per step, &gt;= 1.</param>
    /// <param name="seed">Seed of the run's shuffling stream: epoch e of the run takes the stream's (e+1)-th permutation, whichever call runs it.</param>
    /// <param name="shuffle">Whether to shuffle the rows every epoch.</param>
    /// <param name="progress">Receives an <see cref="EpochProgress"/> after each epoch.</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <param name="options">L2, clipping and schedule; null for none.</param>
    /// <returns>The mean loss of each epoch.</returns>
    /// <exception cref="ArgumentException">A shape does not match, or a label is out of range (the message names it).</exception>
    /// <exception cref="TrainingDivergedException">A step's cost or gradients were not finite (as above).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static double[] Fit<T>(
        this INetwork<T> network,
        ReadOnlySpan<T> inputs,
        ReadOnlySpan<int> labels,
        IOptimizer optimizer,
        int epochs,
        int batchSize,
        int seed = 0,
        bool shuffle = true,
        IProgress<EpochProgress>? progress = null,
        CancellationToken cancellationToken = default,
        TrainingOptions? options = null)
        where T : unmanaged =>
        FitCore(network, inputs, new Targets<T>(labels), optimizer, epochs, batchSize, seed, shuffle, progress, cancellationToken, options, default, default);

    /// <summary>
    /// Trains a classifier from integer class labels with validation rows: the labelled form of
    /// <see cref="Fit{T}(INetwork{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, IOptimizer, int, int, ReadOnlySpan{T}, ReadOnlySpan{T}, int, bool, IProgress{EpochProgress}?, CancellationToken, TrainingOptions?)"/>,
    /// reporting training and validation loss and accuracy each epoch, with optional early stopping.
    /// </summary>
    /// <typeparam name="T">float or double, the network's precision.</typeparam>
    /// <param name="network">The network; its parameters are updated in place.</param>
    /// <param name="inputs">X, n x n_0 row-major.</param>
    /// <param name="labels">n class indices in [0, OutputSize).</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="epochs">The largest number of passes over the data this call runs, &gt;= 0.</param>
    /// <param name="batchSize">Rows per step, &gt;= 1.</param>
    /// <param name="validationInputs">Validation X, n_v x n_0 (empty for none).</param>
    /// <param name="validationLabels">n_v class indices.</param>
    /// <param name="seed">Seed of the run's shuffling stream: epoch e of the run takes the stream's (e+1)-th permutation, whichever call runs it.</param>
    /// <param name="shuffle">Whether to shuffle the rows every epoch.</param>
    /// <param name="progress">Receives an <see cref="EpochProgress"/> after each epoch (see <see cref="ConsoleProgress"/>).</param>
    /// <param name="cancellationToken">Checked before every step.</param>
    /// <param name="options">L2, clipping, schedule, early stopping; null for none.</param>
    /// <returns>The mean training loss of each epoch run (fewer than <paramref name="epochs"/> when stopped early).</returns>
    /// <exception cref="ArgumentException">A shape does not match, a label is out of range, or early stopping has no validation data.</exception>
    /// <exception cref="NotSupportedException">Validation data for a network with dropout.</exception>
    /// <exception cref="TrainingDivergedException">A step's cost or gradients were not finite (as above).</exception>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public static double[] Fit<T>(
        this INetwork<T> network,
        ReadOnlySpan<T> inputs,
        ReadOnlySpan<int> labels,
        IOptimizer optimizer,
        int epochs,
        int batchSize,
        ReadOnlySpan<T> validationInputs,
        ReadOnlySpan<int> validationLabels,
        int seed = 0,
        bool shuffle = true,
        IProgress<EpochProgress>? progress = null,
        CancellationToken cancellationToken = default,
        TrainingOptions? options = null)
        where T : unmanaged =>
        FitCore(network, inputs, new Targets<T>(labels), optimizer, epochs, batchSize, seed, shuffle, progress, cancellationToken, options, validationInputs, new Targets<T>(validationLabels));

    private static double[] FitCore<T>(
        INetwork<T> network,
        ReadOnlySpan<T> inputs,
        Targets<T> targets,
        IOptimizer optimizer,
        int epochs,
        int batchSize,
        int seed,
        bool shuffle,
        IProgress<EpochProgress>? progress,
        CancellationToken cancellationToken,
        TrainingOptions? options,
        ReadOnlySpan<T> validationInputs,
        Targets<T> validationTargets)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        if (optimizer is null)
        {
            throw new ArgumentNullException(nameof(optimizer));
        }

        if (epochs < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epochs), epochs, "The number of epochs must be >= 0.");
        }

        if (batchSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, "The batch size must be >= 1.");
        }

        int inputSize = network.InputSize;
        int outputSize = network.OutputSize;
        int n = ShapeGuard.Rows(inputs.Length, inputSize, nameof(inputs));
        targets.Check(n, outputSize, "targets", "labels");
        TrainingGuard.NotEmpty(n, nameof(inputs));

        int nv = ShapeGuard.Rows(validationInputs.Length, inputSize, nameof(validationInputs));
        validationTargets.Check(nv, outputSize, "validationTargets", "validationLabels");
        bool validating = nv > 0;
        EarlyStopping? earlyStopping = options?.EarlyStopping;
        if (earlyStopping is not null && !validating)
        {
            throw new ArgumentException("TrainingOptions.EarlyStopping monitors the validation loss: pass validation inputs and targets (or labels) to Fit.", nameof(options));
        }

        if (validating && network is IDropoutNetwork)
        {
            throw new NotSupportedException("Validation loss is not available for a network with dropout: its ComputeGradients drops units. Evaluate the validation rows with Forward (e.g. Accuracy) in a progress callback instead.");
        }

        bool accuracy = targets.IsLabels || options?.ComputeAccuracy == true;
        int capacity = Math.Min(batchSize, n);

        // Batch buffers only where a batch is not a slice of the caller's rows: shuffled rows, or labels to expand.
        T[]? batchInputs = shuffle ? new T[capacity * inputSize] : null;
        T[]? batchTargets = shuffle || targets.IsLabels ? new T[capacity * outputSize] : null;

        // Validation: one-hot rows (from labels), a gradient buffer for ComputeGradients' J, and outputs for accuracy.
        T[]? validationOneHot = validating && validationTargets.IsLabels ? OneHot.Encode<T>(validationTargets.Labels, outputSize) : null;
        T[]? validationGradients = validating ? new T[network.ParameterCount] : null;
        T[]? outputs = accuracy ? new T[capacity * outputSize] : null;
        bool restoring = earlyStopping?.RestoreBestParameters == true;

        // Without L2 and clipping a TrainingStep adds nothing to the network's own TrainStep (the same gradients, the
        // same finiteness check, the same optimizer.Step), so Fit calls TrainStep itself: its gradient buffer is
        // aligned, its finiteness check is fused into the gradient kernels rather than a second pass, and no norm is
        // computed. With L2 or clipping each step is a TrainingStep (without the norm unless clipping reads it).
        TrainingStep<T>? step = options is null || (options.L2 == 0 && double.IsPositiveInfinity(options.MaxGradientNorm))
            ? null
            : new TrainingStep<T>(network, optimizer, options);
        LearningRateSchedule? schedule = options?.Schedule;

        // The run continues where the last Fit on this network stopped (epoch count, examples seen, shuffling stream,
        // early-stopping memory) unless the parameters were replaced since or ResumeAt says otherwise.
        TrainingState state = GetTrainingState(network);
        if (state.Begin<T>(network.Parameters, n))
        {
            schedule?.Restart();
        }

        if (validating)
        {
            state.PrepareBest(restoring);
        }

        int initialEpoch = state.Epoch;
        int lastEpoch = initialEpoch + epochs;
        var history = new double[epochs];
        int run = 0;
        try
        {
            for (int e = 0; e < epochs; e++)
            {
                int epoch = initialEpoch + e; // 0-based within the run
                long started = Stopwatch.GetTimestamp();
                double learningRate = schedule is null ? optimizer.LearningRate : schedule.Apply(optimizer, epoch, state.ExamplesSeen);
                int[]? order = shuffle ? state.OrderFor(epoch, n, seed) : null;
                double total = 0;
                for (int start = 0; start < n; start += batchSize)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    int m = Math.Min(batchSize, n - start);
                    ReadOnlySpan<T> x;
                    ReadOnlySpan<T> y;
                    if (order is not null)
                    {
                        for (int r = 0; r < m; r++)
                        {
                            int row = order[start + r];
                            inputs.Slice(row * inputSize, inputSize).CopyTo(batchInputs.AsSpan(r * inputSize, inputSize));
                            targets.CopyRow(row, outputSize, batchTargets.AsSpan(r * outputSize, outputSize));
                        }

                        x = batchInputs.AsSpan(0, m * inputSize);
                        y = batchTargets.AsSpan(0, m * outputSize);
                    }
                    else
                    {
                        x = inputs.Slice(start * inputSize, m * inputSize);
                        if (targets.IsLabels)
                        {
                            for (int r = 0; r < m; r++)
                            {
                                targets.CopyRow(start + r, outputSize, batchTargets.AsSpan(r * outputSize, outputSize));
                            }

                            y = batchTargets.AsSpan(0, m * outputSize);
                        }
                        else
                        {
                            y = targets.Rows.Slice(start * outputSize, m * outputSize);
                        }
                    }

                    double cost = step is null ? Scalar.ToDouble(network.TrainStep(x, y, optimizer)) : step.RunWithoutNorm(x, y).Cost;
                    total += cost * m;
                }

                history[e] = total / n;
                run = e + 1;
                state.CompleteEpoch(n);
                schedule?.Observe(history[e]);

                // Evaluation with the epoch's final parameters.
                double? trainAccuracy = accuracy ? AccuracyOf(network, inputs, targets, outputs!, capacity) : null;
                double? validationLoss = null;
                double? validationAccuracy = null;
                bool stopping = false;
                if (validating)
                {
                    ReadOnlySpan<T> validationY = validationOneHot ?? validationTargets.Rows;

                    // J = (1/n_v) sum_i L_i over the validation rows, from the network's own cost (its gradients are discarded).
                    double loss = Scalar.ToDouble(network.ComputeGradients(validationInputs, validationY, validationGradients!));
                    validationLoss = loss;
                    validationAccuracy = accuracy ? AccuracyOf(network, validationInputs, validationTargets, outputs!, capacity) : null;

                    // Keras: an improvement when loss < best - min_delta; otherwise wait += 1, stop once wait >= patience.
                    bool improved = state.Observe<T>(loss, earlyStopping?.MinDelta ?? 0, epoch + 1, network.Parameters, restoring);
                    stopping = !improved && earlyStopping is not null && state.EpochsWithoutImprovement >= earlyStopping.Patience;
                }

                long elapsedTicks = Stopwatch.GetTimestamp() - started;
                TimeSpan elapsed = TimeSpan.FromTicks((long)(elapsedTicks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency)));
                progress?.Report(new EpochProgress(epoch + 1, lastEpoch, history[e], elapsed, learningRate, trainAccuracy, validationLoss, validationAccuracy, state.BestEpoch, stopping, initialEpoch));
                if (stopping)
                {
                    break;
                }
            }
        }
        catch (TrainingDivergedException diverged)
        {
            // However training ends, a Fit that restores the best parameters ends with them (keras-team/keras#12511);
            // the exception keeps what the caller would otherwise lose: the losses of the epochs completed.
            int restored = restoring ? state.RestoreBest(network.Parameters) : 0;
            diverged.SetFitContext(initialEpoch + run + 1, history.AsSpan(0, run).ToArray(), restored);
            state.End<T>(network.Parameters);
            throw;
        }
        catch
        {
            // Cancellation, or an exception from the progress callback: the same restore.
            if (restoring)
            {
                state.RestoreBest(network.Parameters);
            }

            state.End<T>(network.Parameters);
            throw;
        }

        if (restoring)
        {
            state.RestoreBest(network.Parameters);
        }

        state.End<T>(network.Parameters);
        if (run < epochs)
        {
            Array.Resize(ref history, run);
        }

        return history;
    }

    /// <summary>The fraction of rows whose class (arg-max of A[L]) is their label or one-hot target's class, in chunks through <c>ForwardBatch</c>.</summary>
    private static double AccuracyOf<T>(INetwork<T> network, ReadOnlySpan<T> inputs, Targets<T> targets, T[] outputs, int capacity)
        where T : unmanaged
    {
        int inputSize = network.InputSize;
        int k = network.OutputSize;
        int n = inputs.Length / inputSize;
        int correct = 0;
        for (int start = 0; start < n; start += capacity)
        {
            int m = Math.Min(capacity, n - start);
            Span<T> a = outputs.AsSpan(0, m * k);
            network.ForwardBatch(inputs.Slice(start * inputSize, m * inputSize), a);
            for (int r = 0; r < m; r++)
            {
                if (OneHot.ClassOf<T>(a.Slice(r * k, k)) == targets.ClassOf(start + r, k))
                {
                    correct++;
                }
            }
        }

        return (double)correct / n;
    }

    /// <summary>Training targets: one-hot (or real-valued) rows, or integer labels expanded on demand.</summary>
    private readonly ref struct Targets<T>
        where T : unmanaged
    {
        public Targets(ReadOnlySpan<T> rows)
        {
            Rows = rows;
            Labels = default;
            IsLabels = false;
        }

        public Targets(ReadOnlySpan<int> labels)
        {
            Rows = default;
            Labels = labels;
            IsLabels = true;
        }

        public ReadOnlySpan<T> Rows { get; }

        public ReadOnlySpan<int> Labels { get; }

        public bool IsLabels { get; }

        public void Check(int n, int outputSize, string rowsName, string labelsName)
        {
            if (IsLabels)
            {
                TargetShape.Labels(Labels.Length, n, outputSize, labelsName);
                OneHot.Validate(Labels, outputSize, labelsName);
            }
            else
            {
                TargetShape.Rows(Rows.Length, n, outputSize, rowsName);
            }
        }

        public void CopyRow(int row, int outputSize, Span<T> destination)
        {
            if (IsLabels)
            {
                OneHot.Encode<T>(Labels.Slice(row, 1), outputSize, destination);
            }
            else
            {
                Rows.Slice(row * outputSize, outputSize).CopyTo(destination);
            }
        }

        public int ClassOf(int row, int outputSize) =>
            IsLabels ? Labels[row] : OneHot.ClassOf(Rows.Slice(row * outputSize, outputSize));
    }

    /// <summary>
    /// Runs <paramref name="inputs"/> through the network and returns the fraction of rows whose
    /// largest output is at the index of the largest target (classification accuracy for one-hot targets).
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, n x n_0.</param>
    /// <param name="targets">Y, n x n_L (one-hot).</param>
    /// <returns>The accuracy in [0, 1].</returns>
    public static double Accuracy<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        int n = ShapeGuard.Rows(inputs.Length, network.InputSize, nameof(inputs));
        int outputSize = network.OutputSize;
        TargetShape.Rows(targets.Length, n, outputSize, nameof(targets));
        TrainingGuard.NotEmpty(n, nameof(inputs));
        var output = new T[outputSize];
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            network.Forward(inputs.Slice(i * network.InputSize, network.InputSize), output);
            if (ArgMax<T>(output) == ArgMax(targets.Slice(i * outputSize, outputSize)))
            {
                correct++;
            }
        }

        return (double)correct / n;
    }

    /// <summary>The index of the largest of float values (the first one on ties): <see cref="ArgMax{T}(ReadOnlySpan{T})"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>Trainer.ArgMax(values)</c> compile there.</remarks>
    /// <inheritdoc cref="ArgMax{T}(ReadOnlySpan{T})"/>
    public static int ArgMax(ReadOnlySpan<float> values) => ArgMax<float>(values);

    /// <summary>The index of the largest of double values (the first one on ties): <see cref="ArgMax{T}(ReadOnlySpan{T})"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>Trainer.ArgMax(values)</c> compile there.</remarks>
    /// <inheritdoc cref="ArgMax{T}(ReadOnlySpan{T})"/>
    public static int ArgMax(ReadOnlySpan<double> values) => ArgMax<double>(values);

    /// <summary>The index of the largest value (the first one on ties).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="values">A non-empty span.</param>
    /// <returns>The index.</returns>
    public static int ArgMax<T>(ReadOnlySpan<T> values)
        where T : unmanaged
    {
        int best = 0;
        double bestValue = Scalar.ToDouble(values[0]);
        for (int k = 1; k < values.Length; k++)
        {
            double value = Scalar.ToDouble(values[k]);
            if (value > bestValue)
            {
                best = k;
                bestValue = value;
            }
        }

        return best;
    }
}
