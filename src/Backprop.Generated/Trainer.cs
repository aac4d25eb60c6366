using System;
using System.Diagnostics;
using System.Threading;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>Mini-batch training of any generated network over an in-memory data set.</summary>
public static class Trainer
{
    /// <summary>
    /// Trains <paramref name="network"/> for <paramref name="epochs"/> passes over the data set, one
    /// <c>TrainStep</c> per mini-batch of <paramref name="batchSize"/> rows (the last batch of an epoch may be
    /// smaller). The rows are shuffled at the start of every epoch by a <see cref="SplitMix64"/> stream seeded
    /// with <paramref name="seed"/>, so a run is reproducible. Each step is a <see cref="TrainingStep{T}"/> with
    /// <paramref name="options"/> (L2 penalty, gradient clipping); before each epoch the options' schedule sets the
    /// optimizer's learning rate (with epoch x n examples seen), and after it the schedule observes the epoch's loss.
    /// After the batch buffers, the gradient buffer and the row order (allocated once per call), no step allocates.
    /// </summary>
    /// <typeparam name="T">float or double, the network's precision.</typeparam>
    /// <param name="network">The network; its parameters are updated in place.</param>
    /// <param name="inputs">X, n x n_0 row-major.</param>
    /// <param name="targets">Y, n x n_L row-major.</param>
    /// <param name="optimizer">The update rule.</param>
    /// <param name="epochs">The number of passes over the data, &gt;= 0.</param>
    /// <param name="batchSize">Rows per step, &gt;= 1.</param>
    /// <param name="seed">Seed of the shuffling stream.</param>
    /// <param name="shuffle">Whether to shuffle the rows every epoch (otherwise they are taken in order).</param>
    /// <param name="progress">Receives an <see cref="EpochProgress"/> after each epoch.</param>
    /// <param name="cancellationToken">Checked before every step; the parameters keep the completed steps.</param>
    /// <param name="options">L2 penalty, gradient clipping and learning-rate schedule; null for none.</param>
    /// <returns>The mean loss of each epoch, L2 penalty included (see <see cref="EpochProgress.Loss"/>).</returns>
    /// <exception cref="ArgumentException">The data set's shapes do not match the network or are empty.</exception>
    /// <exception cref="TrainingDivergedException">A step's cost or gradients were not finite; the parameters are those before that step.</exception>
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
        ShapeGuard.Length(targets.Length, n * outputSize, nameof(targets));
        TrainingGuard.NotEmpty(n, nameof(inputs));

        int capacity = Math.Min(batchSize, n);
        var batchInputs = new T[capacity * inputSize];
        var batchTargets = new T[capacity * outputSize];
        var order = new int[n];
        for (int i = 0; i < n; i++)
        {
            order[i] = i;
        }

        var step = new TrainingStep<T>(network, optimizer, options);
        LearningRateSchedule? schedule = options?.Schedule;
        var history = new double[epochs];
        SplitMix64 random = Initialization.CreateStream(seed);
        for (int epoch = 0; epoch < epochs; epoch++)
        {
            long started = Stopwatch.GetTimestamp();
            double learningRate = schedule is null ? optimizer.LearningRate : schedule.Apply(optimizer, epoch, (long)epoch * n);
            if (shuffle)
            {
                // Fisher-Yates, driven by the integer stream: the same order on every platform.
                for (int i = n - 1; i > 0; i--)
                {
                    int j = random.NextInt(i + 1);
                    (order[i], order[j]) = (order[j], order[i]);
                }
            }

            double total = 0;
            for (int start = 0; start < n; start += batchSize)
            {
                cancellationToken.ThrowIfCancellationRequested();
                int m = Math.Min(batchSize, n - start);
                ReadOnlySpan<T> x;
                ReadOnlySpan<T> y;
                if (shuffle)
                {
                    for (int r = 0; r < m; r++)
                    {
                        int row = order[start + r];
                        inputs.Slice(row * inputSize, inputSize).CopyTo(batchInputs.AsSpan(r * inputSize, inputSize));
                        targets.Slice(row * outputSize, outputSize).CopyTo(batchTargets.AsSpan(r * outputSize, outputSize));
                    }

                    x = batchInputs.AsSpan(0, m * inputSize);
                    y = batchTargets.AsSpan(0, m * outputSize);
                }
                else
                {
                    x = inputs.Slice(start * inputSize, m * inputSize);
                    y = targets.Slice(start * outputSize, m * outputSize);
                }

                total += step.Run(x, y).Cost * m;
            }

            history[epoch] = total / n;
            schedule?.Observe(history[epoch]);
            long elapsedTicks = Stopwatch.GetTimestamp() - started;
            progress?.Report(new EpochProgress(epoch + 1, epochs, history[epoch], TimeSpan.FromTicks((long)(elapsedTicks * ((double)TimeSpan.TicksPerSecond / Stopwatch.Frequency))), learningRate));
        }

        return history;
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
        ShapeGuard.Length(targets.Length, n * outputSize, nameof(targets));
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
