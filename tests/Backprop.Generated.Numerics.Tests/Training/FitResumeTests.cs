using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Backprop.Generated;
using Backprop.Generated.Numerics.Tests.Training.Dropout;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>
/// Repeated <c>Fit</c> calls continue one run (issue 20 item 1): the schedule's position, the shuffling stream, the
/// optimizer's step count, the dropout stream and the early-stopping memory carry over, so split calls train bit for
/// bit as one call; and however <c>Fit</c> ends, restoring early stopping ends with the best epoch's parameters
/// (issue 20 item 3).
/// </summary>
public class FitResumeTests
{
    private const int Rows = 20;

    private static (float[] X, float[] Y) Data(ulong seed)
    {
        var random = new SplitMix64(seed);
        return (TestData.Uniform<float>(Rows * 8, 1, ref random), TestData.Uniform<float>(Rows * 4, 1, ref random));
    }

    private static Net8x16x16x4 Fresh()
    {
        var net = new Net8x16x16x4();
        net.InitializeParameters(7);
        return net;
    }

    /// <summary>The optimizer and options of one training set-up, made anew for each run compared.</summary>
    public static TheoryData<string> SetUps() => new() { "sgd-momentum-steplr", "adam-plateau", "adamw-invscaling-l2-clip", "rmsprop-cosine-warmup" };

    private static (IOptimizer Optimizer, TrainingOptions? Options) SetUp(string name) => name switch
    {
        "sgd-momentum-steplr" => (new Sgd(0.05, momentum: 0.9), new TrainingOptions { Schedule = new StepLR(2, 0.5) }),

        // Adam's bias correction reads its step count t: a restarted t would change every update of the second call.
        "adam-plateau" => (new Adam(0.01), new TrainingOptions { Schedule = new ReduceLROnPlateau(factor: 0.5, patience: 0) }),

        // InverseScaling reads the examples seen before the epoch.
        "adamw-invscaling-l2-clip" => (new AdamW(0.01, weightDecay: 0.1), new TrainingOptions { Schedule = new InverseScaling(0.5), L2 = 0.01, MaxGradientNorm = 0.5 }),
        "rmsprop-cosine-warmup" => (new RMSprop(0.005), new TrainingOptions { Schedule = new CosineAnnealingLR(4, warmupEpochs: 2) }),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Fact]
    public void StepLR_continues_across_calls_as_one_Fit_of_six_epochs()
    {
        // The case: StepLR(2, 0.5) from lr 0.2. One 6-epoch Fit gives 0.2, 0.2, 0.1, 0.1, 0.05, 0.05 (PyTorch's
        // StepLR, held against torch by TorchComparisonTests); 3 + 3 epochs and six 1-epoch calls must give the same.
        double[] expected = { 0.2, 0.2, 0.1, 0.1, 0.05, 0.05 };
        (float[] x, float[] y) = Data(1);
        foreach (int[] calls in new[] { new[] { 6 }, new[] { 3, 3 }, new[] { 1, 1, 1, 1, 1, 1 } })
        {
            Net8x16x16x4 net = Fresh();
            var sgd = new Sgd(0.2);
            var options = new TrainingOptions { Schedule = new StepLR(2, 0.5) };
            var progress = new Recorder();
            foreach (int epochs in calls)
            {
                net.Fit(x, y, sgd, epochs, batchSize: 8, progress: progress, options: options);
            }

            Assert.Equal(expected, progress.Reports.Select(r => r.LearningRate));
            Assert.Equal(Enumerable.Range(1, 6), progress.Reports.Select(r => r.Epoch));
            Assert.Equal(6, net.GetTrainingState().Epoch);
            Assert.Equal(6L * Rows, net.GetTrainingState().ExamplesSeen);
        }
    }

    [Fact]
    public void A_continued_call_numbers_its_epochs_in_the_run()
    {
        (float[] x, float[] y) = Data(2);
        Net8x16x16x4 net = Fresh();
        var sgd = new Sgd(0.05);
        net.Fit(x, y, sgd, epochs: 3, batchSize: 8);
        var progress = new Recorder();
        net.Fit(x, y, sgd, epochs: 3, batchSize: 8, progress: progress);

        Assert.Equal(new[] { 4, 5, 6 }, progress.Reports.Select(r => r.Epoch));
        Assert.All(progress.Reports, r => Assert.Equal(6, r.Epochs));
        Assert.All(progress.Reports, r => Assert.Equal(3, r.InitialEpoch));
        Assert.StartsWith("epoch 4/6  loss", ConsoleProgress.Format(progress.Reports[0]));

        // ConsoleProgress writes a continued call's first epoch, as it writes epoch 1 of a new run.
        var writer = new System.IO.StringWriter();
        var console = new ConsoleProgress(writer, every: 10);
        net.Fit(x, y, sgd, epochs: 2, batchSize: 8, progress: console);
        Assert.StartsWith("epoch 7/8", writer.ToString());
        Assert.Contains("epoch 8/8", writer.ToString());
    }

    [Theory]
    [MemberData(nameof(SetUps))]
    public void Split_calls_train_bit_for_bit_as_one_call(string setUp)
    {
        (float[] x, float[] y) = Data(3);
        (float[] Parameters, double[] History) Train(int[] calls, int seed)
        {
            Net8x16x16x4 net = Fresh();
            (IOptimizer optimizer, TrainingOptions? options) = SetUp(setUp);
            var history = new List<double>();
            foreach (int epochs in calls)
            {
                history.AddRange(net.Fit(x, y, optimizer, epochs, batchSize: 6, seed: seed, options: options));
            }

            return (net.Parameters.ToArray(), history.ToArray());
        }

        foreach (int seed in new[] { 0, 11 })
        {
            (float[] one, double[] oneHistory) = Train(new[] { 6 }, seed);
            (float[] split, double[] splitHistory) = Train(new[] { 3, 3 }, seed);
            (float[] each, double[] eachHistory) = Train(new[] { 1, 1, 1, 1, 1, 1 }, seed);
            (float[] uneven, double[] unevenHistory) = Train(new[] { 2, 0, 4 }, seed);

            Assert.Equal(one, split);
            Assert.Equal(oneHistory, splitHistory);
            Assert.Equal(one, each);
            Assert.Equal(oneHistory, eachHistory);
            Assert.Equal(one, uneven);
            Assert.Equal(oneHistory, unevenHistory);
        }
    }

    [Fact]
    public void Each_call_of_a_per_epoch_loop_sees_the_next_row_order()
    {
        // Restarting the stream at every call (the old behaviour) gives every epoch the order of epoch 1: the same
        // parameters as six calls that each resume at epoch 0.
        (float[] x, float[] y) = Data(4);
        Net8x16x16x4 continued = Fresh();
        Net8x16x16x4 restarted = Fresh();
        Net8x16x16x4 once = Fresh();
        var sgdA = new Sgd(0.05);
        var sgdB = new Sgd(0.05);
        for (int epoch = 0; epoch < 6; epoch++)
        {
            continued.Fit(x, y, sgdA, epochs: 1, batchSize: 6);
            restarted.GetTrainingState().ResumeAt(0);
            restarted.Fit(x, y, sgdB, epochs: 1, batchSize: 6);
        }

        once.Fit(x, y, new Sgd(0.05), epochs: 6, batchSize: 6);
        Assert.Equal(once.Parameters.ToArray(), continued.Parameters.ToArray());
        Assert.NotEqual(once.Parameters.ToArray(), restarted.Parameters.ToArray());
    }

    [Fact]
    public void The_dropout_stream_continues_across_calls()
    {
        var random = new SplitMix64(5);
        double[] x = TestData.Uniform<double>(12 * 6, 1, ref random);
        int[] labels = Enumerable.Range(0, 12).Select(i => i % 3).ToArray();
        double[] Train(int[] calls)
        {
            var net = new DropoutTanh();
            net.InitializeParameters(3);
            var adam = new Adam(0.01);
            foreach (int epochs in calls)
            {
                net.Fit(x, labels, adam, epochs, batchSize: 5);
            }

            return net.Parameters.ToArray();
        }

        Assert.Equal(Train(new[] { 4 }), Train(new[] { 2, 2 }));
        Assert.Equal(Train(new[] { 4 }), Train(new[] { 1, 1, 1, 1 }));
    }

    [Fact]
    public void Early_stopping_memory_continues_across_calls()
    {
        (float[] x, float[] y) = Data(6);
        (float[] vx, float[] vy) = Data(16);
        (float[] Parameters, double[] History, EpochProgress[] Reports) Train(int[] calls)
        {
            Net8x16x16x4 net = Fresh();
            var sgd = new Sgd(0.1, momentum: 0.9);
            var options = new TrainingOptions { EarlyStopping = new EarlyStopping(patience: 10, restoreBestParameters: false) };
            var progress = new Recorder();
            var history = new List<double>();
            foreach (int epochs in calls)
            {
                history.AddRange(net.Fit(x, y, sgd, epochs, batchSize: 6, vx, vy, progress: progress, options: options));
            }

            return (net.Parameters.ToArray(), history.ToArray(), progress.Reports.ToArray());
        }

        var one = Train(new[] { 8 });
        var split = Train(new[] { 4, 4 });
        Assert.Equal(one.Parameters, split.Parameters);
        Assert.Equal(one.History, split.History);
        Assert.Equal(one.Reports.Select(r => (r.Epoch, r.BestEpoch, r.ValidationLoss, r.Stopping)), split.Reports.Select(r => (r.Epoch, r.BestEpoch, r.ValidationLoss, r.Stopping)));

        // The set-up must exercise the memory: an epoch of the second call that does not improve on the first call's best.
        Assert.Contains(split.Reports.Skip(4), r => r.BestEpoch <= 4);
    }

    [Fact]
    public void Early_stopping_stops_a_per_epoch_loop()
    {
        // Validation targets are the negated training targets: the better the fit, the worse the validation loss, so
        // epoch 1 stays the best and patience 2 stops after epoch 3, whether one call or one call per epoch.
        (float[] x, float[] y) = Data(7);
        float[] vy = y.Select(v => -v).ToArray();
        Net8x16x16x4 net = Fresh();
        var sgd = new Sgd(0.05);
        var options = new TrainingOptions { EarlyStopping = new EarlyStopping(patience: 2) };
        var progress = new Recorder();
        float[]? bestParameters = null;
        for (int call = 0; call < 5 && !progress.Reports.Any(r => r.Stopping); call++)
        {
            net.Fit(x, y, sgd, epochs: 1, batchSize: 6, x, vy, progress: progress, options: options);
            if (call == 0)
            {
                bestParameters = net.Parameters.ToArray();
            }
        }

        Assert.Equal(new[] { 1, 2, 3 }, progress.Reports.Select(r => r.Epoch));
        Assert.All(progress.Reports, r => Assert.Equal(1, r.BestEpoch));
        Assert.True(progress.Reports[2].Stopping);
        Assert.Equal(bestParameters, net.Parameters.ToArray());
        TrainingState state = net.GetTrainingState();
        Assert.Equal(2, state.EpochsWithoutImprovement);

        // ResumeAt(Epoch) keeps the count and forgets the memory: the next epoch is the best so far.
        state.ResumeAt(state.Epoch);
        net.Fit(x, y, sgd, epochs: 1, batchSize: 6, x, vy, progress: progress, options: options);
        Assert.Equal((4, 4, false), (progress.Reports[3].Epoch, progress.Reports[3].BestEpoch, progress.Reports[3].Stopping));
        Assert.Equal(0, state.EpochsWithoutImprovement);
    }

    [Fact]
    public void An_explicit_seed_reproduces_on_a_fresh_or_reinitialised_network()
    {
        (float[] x, float[] y) = Data(8);

        // One options object reused across runs: its ReduceLROnPlateau's counters must start over with each run.
        // (threshold 0.5: an epoch improves only by halving the loss, so it reduces the rate within the run).
        var options = new TrainingOptions { Schedule = new ReduceLROnPlateau(factor: 0.5, patience: 0, threshold: 0.5) };
        float[] Run(Net8x16x16x4 net)
        {
            net.Fit(x, y, new Adam(0.02), epochs: 5, batchSize: 6, seed: 9, options: options);
            return net.Parameters.ToArray();
        }

        Net8x16x16x4 reused = Fresh();
        float[] first = Run(reused);
        Assert.True(((ReduceLROnPlateau)options.Schedule).Reductions > 0);
        Assert.Equal(first, Run(Fresh()));

        reused.InitializeParameters(7); // new parameters: a new run at epoch 0
        Assert.Equal(first, Run(reused));
        Assert.Equal(5, reused.GetTrainingState().Epoch);
    }

    [Fact]
    public void New_parameters_start_a_new_run()
    {
        (float[] x, float[] y) = Data(9);
        Net8x16x16x4 net = Fresh();
        var sgd = new Sgd(0.05);
        net.Fit(x, y, sgd, epochs: 2, batchSize: 6);
        Assert.Equal(2, net.GetTrainingState().Epoch);

        // A hand-written step between calls changes the parameters: the next Fit does not continue the run.
        net.TrainStep(x.AsSpan(0, 8), y.AsSpan(0, 4), sgd);
        var progress = new Recorder();
        net.Fit(x, y, sgd, epochs: 1, batchSize: 6, progress: progress);
        Assert.Equal(1, progress.Reports.Single().Epoch);
        Assert.Equal(1, net.GetTrainingState().Epoch);

        // Loading parameters (here copied in) likewise.
        Fresh().Parameters.CopyTo(net.Parameters);
        net.Fit(x, y, sgd, epochs: 1, batchSize: 6);
        Assert.Equal(1, net.GetTrainingState().Epoch);
    }

    [Fact]
    public void ResumeAt_trains_as_the_rest_of_the_run()
    {
        // Keras's initial_epoch: a checkpoint of epoch 3 loaded into a new network and resumed at epoch 3 trains as
        // epochs 4-6 of the whole run (plain SGD has no state to carry; the schedule and the row orders are the run's).
        (float[] x, float[] y) = Data(10);
        Net8x16x16x4 whole = Fresh();
        var wholeProgress = new Recorder();
        whole.Fit(x, y, new Sgd(0.2), epochs: 6, batchSize: 6, seed: 4, progress: wholeProgress, options: new TrainingOptions { Schedule = new StepLR(2, 0.5) });

        Net8x16x16x4 first = Fresh();
        first.Fit(x, y, new Sgd(0.2), epochs: 3, batchSize: 6, seed: 4, options: new TrainingOptions { Schedule = new StepLR(2, 0.5) });
        var resumed = new Net8x16x16x4();
        first.Parameters.CopyTo(resumed.Parameters);
        TrainingState state = resumed.GetTrainingState();
        state.ResumeAt(3);
        Assert.Equal(3, state.PendingResume);
        var progress = new Recorder();
        double[] history = resumed.Fit(x, y, new Sgd(0.2), epochs: 3, batchSize: 6, seed: 4, progress: progress, options: new TrainingOptions { Schedule = new StepLR(2, 0.5) });

        Assert.Null(state.PendingResume);
        Assert.Equal(whole.Parameters.ToArray(), resumed.Parameters.ToArray());
        Assert.Equal(wholeProgress.Reports.Skip(3).Select(r => r.Loss), history);
        Assert.Equal(wholeProgress.Reports.Skip(3).Select(r => (r.Epoch, r.LearningRate)), progress.Reports.Select(r => (r.Epoch, r.LearningRate)));
        Assert.Equal(6L * Rows, state.ExamplesSeen);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.ResumeAt(-1));
    }

    [Fact]
    public void A_new_optimizer_keeps_its_own_initial_rate()
    {
        // The same options (one StepLR) with a second optimizer: lr_0 is the new optimizer's rate, at the run's epoch.
        (float[] x, float[] y) = Data(11);
        Net8x16x16x4 net = Fresh();
        var options = new TrainingOptions { Schedule = new StepLR(2, 0.5) };
        var progress = new Recorder();
        net.Fit(x, y, new Sgd(0.2), epochs: 2, batchSize: 6, progress: progress, options: options);
        net.Fit(x, y, new Sgd(0.08), epochs: 2, batchSize: 6, progress: progress, options: options);
        Assert.Equal(new[] { 0.2, 0.2, 0.04, 0.04 }, progress.Reports.Select(r => r.LearningRate));
    }

    private static (Net8x16x16x4 Net, Sgd Sgd, float[] X, float[] Y, float[] ValidationY) Diverging()
    {
        // Validation targets are the negated training targets, so epoch 1 is the best; after epoch 3 the callback
        // below sets lr = 1e30, and epoch 4's second step overflows (identity output, squared error).
        (float[] x, float[] y) = Data(12);
        return (Fresh(), new Sgd(0.05), x, y, y.Select(v => -v).ToArray());
    }

    [Fact]
    public void Divergence_after_the_best_epoch_restores_it_and_keeps_the_history()
    {
        (Net8x16x16x4 net, Sgd sgd, float[] x, float[] y, float[] vy) = Diverging();
        var snapshots = new Dictionary<int, float[]>();
        var progress = new Recorder(r =>
        {
            snapshots[r.Epoch] = net.Parameters.ToArray();
            if (r.Epoch == 3)
            {
                sgd.LearningRate = 1e30;
            }
        });

        TrainingDivergedException diverged = Assert.Throws<TrainingDivergedException>(() =>
            net.Fit(x, y, sgd, epochs: 10, batchSize: 6, x, vy, progress: progress, options: new TrainingOptions { EarlyStopping = new EarlyStopping(patience: 10) }));

        Assert.Equal(new[] { 1, 1, 1 }, progress.Reports.Select(r => r.BestEpoch));
        Assert.Equal(1, diverged.RestoredEpoch);
        Assert.Equal(4, diverged.Epoch);
        Assert.Equal(progress.Reports.Select(r => r.Loss), diverged.History);
        Assert.Equal(snapshots[1], net.Parameters.ToArray());
        Assert.NotEqual(snapshots[1], snapshots[3]);
        Assert.Equal(3, net.GetTrainingState().Epoch);
    }

    [Fact]
    public void Divergence_without_restoring_leaves_the_parameters_before_the_failing_step()
    {
        foreach (TrainingOptions? options in new[] { null, new TrainingOptions { EarlyStopping = new EarlyStopping(patience: 10, restoreBestParameters: false) } })
        {
            (Net8x16x16x4 net, Sgd sgd, float[] x, float[] y, float[] vy) = Diverging();
            var progress = new Recorder(r =>
            {
                if (r.Epoch == 3)
                {
                    sgd.LearningRate = 1e30;
                }
            });

            TrainingDivergedException diverged = Assert.Throws<TrainingDivergedException>(() =>
                net.Fit(x, y, sgd, epochs: 10, batchSize: 6, x, vy, shuffle: false, progress: progress, options: options));

            // Epoch 4 in order: the first step (rows 0-5) at lr 1e30 is taken, the second (rows 6-11) diverges.
            Net8x16x16x4 reference = Fresh();
            var referenceSgd = new Sgd(0.05);
            reference.Fit(x, y, referenceSgd, epochs: 3, batchSize: 6, shuffle: false);
            referenceSgd.LearningRate = 1e30;
            reference.TrainStep(x.AsSpan(0, 6 * 8), y.AsSpan(0, 6 * 4), referenceSgd);
            float[] beforeFailingStep = reference.Parameters.ToArray();

            Assert.Equal(0, diverged.RestoredEpoch);
            Assert.Equal(4, diverged.Epoch);
            Assert.Equal(3, diverged.History.Count);
            Assert.Equal(beforeFailingStep, net.Parameters.ToArray());
        }
    }

    [Fact]
    public void Cancellation_restores_the_best_epoch_when_restoring_and_keeps_the_completed_steps_otherwise()
    {
        foreach (bool restore in new[] { true, false })
        {
            (Net8x16x16x4 net, Sgd sgd, float[] x, float[] y, float[] vy) = Diverging();
            using var cancellation = new CancellationTokenSource();
            var snapshots = new Dictionary<int, float[]>();
            var progress = new Recorder(r =>
            {
                snapshots[r.Epoch] = net.Parameters.ToArray();
                if (r.Epoch == 3)
                {
                    cancellation.Cancel();
                }
            });

            Assert.ThrowsAny<OperationCanceledException>(() =>
                net.Fit(x, y, sgd, epochs: 10, batchSize: 6, x, vy, progress: progress, cancellationToken: cancellation.Token, options: new TrainingOptions { EarlyStopping = new EarlyStopping(patience: 10, restoreBestParameters: restore) }));

            Assert.Equal(restore ? snapshots[1] : snapshots[3], net.Parameters.ToArray());
            Assert.NotEqual(snapshots[1], snapshots[3]);
            Assert.Equal(3, net.GetTrainingState().Epoch);
        }
    }

    [Fact]
    public void An_exception_from_the_progress_callback_restores_the_best_epoch_when_restoring()
    {
        foreach (bool restore in new[] { true, false })
        {
            (Net8x16x16x4 net, Sgd sgd, float[] x, float[] y, float[] vy) = Diverging();
            var snapshots = new Dictionary<int, float[]>();
            var progress = new Recorder(r =>
            {
                snapshots[r.Epoch] = net.Parameters.ToArray();
                if (r.Epoch == 3)
                {
                    throw new InvalidOperationException("callback failed");
                }
            });

            InvalidOperationException thrown = Assert.Throws<InvalidOperationException>(() =>
                net.Fit(x, y, sgd, epochs: 10, batchSize: 6, x, vy, progress: progress, options: new TrainingOptions { EarlyStopping = new EarlyStopping(patience: 10, restoreBestParameters: restore) }));

            Assert.Equal("callback failed", thrown.Message);
            Assert.Equal(restore ? snapshots[1] : snapshots[3], net.Parameters.ToArray());
        }
    }

    [Fact]
    public void A_call_after_an_interrupted_one_continues_the_run()
    {
        // Cancelled after the first step of epoch 3: the next call runs epoch 3 again, at its rate and row order, from
        // the parameters the cancelled call left.
        (float[] x, float[] y) = Data(13);
        Net8x16x16x4 net = Fresh();
        var options = new TrainingOptions { Schedule = new StepLR(1, 0.5) };
        using var cancellation = new CancellationTokenSource();
        var cancelling = new CancellingOptimizer(new Sgd(0.05), cancellation, afterSteps: 9); // 4 steps per epoch
        net.Fit(x, y, cancelling, epochs: 0, batchSize: 6, options: options); // no epochs: nothing changes
        Assert.Equal(0, net.GetTrainingState().Epoch);
        Assert.ThrowsAny<OperationCanceledException>(() => net.Fit(x, y, cancelling, epochs: 4, batchSize: 6, cancellationToken: cancellation.Token, options: options));
        Assert.Equal(2, net.GetTrainingState().Epoch);

        var progress = new Recorder();
        net.Fit(x, y, cancelling, epochs: 1, batchSize: 6, progress: progress, options: options);
        Assert.Equal(3, progress.Reports.Single().Epoch);
        Assert.Equal(0.0125, progress.Reports.Single().LearningRate);
        Assert.Equal(3, net.GetTrainingState().Epoch);
    }

    private sealed class CancellingOptimizer : IOptimizer
    {
        private readonly Sgd _inner;
        private readonly CancellationTokenSource _cancellation;
        private readonly int _afterSteps;
        private int _steps;

        public CancellingOptimizer(Sgd inner, CancellationTokenSource cancellation, int afterSteps)
        {
            _inner = inner;
            _cancellation = cancellation;
            _afterSteps = afterSteps;
        }

        public double LearningRate
        {
            get => _inner.LearningRate;
            set => _inner.LearningRate = value;
        }

        public void Step(Span<float> parameters, ReadOnlySpan<float> gradients)
        {
            _inner.Step(parameters, gradients);
            if (++_steps == _afterSteps)
            {
                _cancellation.Cancel();
            }
        }

        public void Step(Span<double> parameters, ReadOnlySpan<double> gradients) => throw new NotSupportedException();

        public void Reset() => _inner.Reset();
    }

    private sealed class Recorder : IProgress<EpochProgress>
    {
        private readonly Action<EpochProgress>? _onReport;

        public Recorder(Action<EpochProgress>? onReport = null) => _onReport = onReport;

        public List<EpochProgress> Reports { get; } = new();

        public void Report(EpochProgress value)
        {
            Reports.Add(value);
            _onReport?.Invoke(value);
        }
    }
}
