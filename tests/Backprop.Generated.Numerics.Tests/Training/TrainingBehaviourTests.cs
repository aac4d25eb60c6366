using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Backprop.Generated;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>TrainStep, Fit and the optimizers: allocation, error handling, reproducibility, progress and cancellation.</summary>
public class TrainingBehaviourTests
{
    private static (T[] X, T[] Y) Batch<T>(INetwork<T> network, Loss loss, int rows, ulong seed)
        where T : unmanaged
    {
        var random = new SplitMix64(seed);
        return (TestData.Uniform<T>(rows * network.InputSize, 1, ref random), TestData.Targets<T>(loss, rows, network.OutputSize, ref random));
    }

    [Fact]
    public void TrainStep_allocates_nothing_in_steady_state()
    {
        AssertTrainStepAllocatesNothing(new TorchStudent(), Loss.MeanSquaredError);
        AssertTrainStepAllocatesNothing(new Net8x16x16x4(), Loss.MeanSquaredError);
        AssertTrainStepAllocatesNothing(new DigitsClassifier(), Loss.CrossEntropy);
        AssertTrainStepAllocatesNothing(new TorchDoubleWideMse(), Loss.MeanSquaredError);
        AssertTrainStepAllocatesNothing(new TorchDoubleMixedPlan(), Loss.CrossEntropy);
    }

    private static void AssertTrainStepAllocatesNothing<T>(INetwork<T> network, Loss loss)
        where T : unmanaged
    {
        network.InitializeParameters(1);
        (T[] x, T[] y) = Batch(network, loss, 32, 3);
        var sgd = new Sgd(1e-3, momentum: 0.9);
        var adam = new Adam(1e-4);
        var gradients = new T[network.ParameterCount];
        Assert.Equal(0, ForwardAllocationTests.AllocatedBytes(() => network.TrainStep(x, y, sgd), calls: 500));
        Assert.Equal(0, ForwardAllocationTests.AllocatedBytes(() => network.TrainStep(x, y, adam), calls: 500));
        Assert.Equal(0, ForwardAllocationTests.AllocatedBytes(() => network.ComputeGradients(x, y, gradients), calls: 500));
    }

    [Fact]
    public void Fit_allocates_only_its_buffers_and_history_not_per_step()
    {
        var net = new DigitsClassifier();
        net.InitializeParameters(0);
        (float[] x, float[] y) = Batch<float>(net, Loss.CrossEntropy, 200, 9);
        var sgd = new Sgd(0.01);
        net.Fit(x, y, sgd, epochs: 2, batchSize: 16); // warm up
        long one = ForwardAllocationTests.AllocatedBytes(() => net.Fit(x, y, sgd, epochs: 1, batchSize: 16), calls: 1);
        long eleven = ForwardAllocationTests.AllocatedBytes(() => net.Fit(x, y, sgd, epochs: 11, batchSize: 16), calls: 1);

        // 10 more epochs of 13 steps each cost only 10 more doubles of loss history.
        Assert.Equal(10 * sizeof(double), eleven - one);
    }

    [Fact]
    public void TrainStep_returns_the_cost_before_the_update_and_changes_the_parameters()
    {
        var net = new TorchMixed4();
        TestData.Initialize(net, 4);
        (float[] x, float[] y) = Batch<float>(net, Loss.CrossEntropy, 8, 4);
        var gradients = new float[TorchMixed4.ParameterCount];
        float before = net.ComputeGradients(x, y, gradients);
        float[] parameters = net.Parameters.ToArray();

        float reported = net.TrainStep(x, y, new Sgd(0.1));

        Assert.Equal(before, reported);
        float[] expected = parameters.Zip(gradients, (p, g) => p - (0.1f * g)).ToArray();
        Assert.Equal(expected, net.Parameters.ToArray());
        Assert.True(net.ComputeGradients(x, y, gradients) < before);
    }

    [Theory]
    [InlineData(float.NaN, false)]
    [InlineData(float.PositiveInfinity, false)]
    [InlineData(float.NaN, true)]
    [InlineData(float.NegativeInfinity, true)]
    public void A_non_finite_batch_throws_and_leaves_the_parameters_unchanged(float bad, bool inTargets)
    {
        var net = new TorchStudent();
        net.InitializeParameters(2);
        (float[] x, float[] y) = Batch<float>(net, Loss.MeanSquaredError, 4, 5);
        (inTargets ? y : x)[1] = bad;
        var adam = new Adam();
        float[] before = net.Parameters.ToArray();

        var exception = Assert.Throws<TrainingDivergedException>(() => net.TrainStep(x, y, adam));

        Assert.Equal(before, net.Parameters.ToArray());
        Assert.Equal(0, adam.StepCount);
        Assert.Contains("parameters were left unchanged", exception.Message);
    }

    [Fact]
    public void Fit_reports_divergence_with_the_parameters_of_the_last_good_step()
    {
        var net = new TorchStudent();
        net.InitializeParameters(2);
        (float[] x, float[] y) = Batch<float>(net, Loss.MeanSquaredError, 8, 5);
        x[^1] = float.NaN; // the last row poisons the last batch of the first epoch
        float[] afterFirstBatch;
        {
            var reference = new TorchStudent();
            reference.InitializeParameters(2);
            reference.TrainStep(x.AsSpan(0, 4 * 3), y.AsSpan(0, 4), new Sgd(0.1));
            afterFirstBatch = reference.Parameters.ToArray();
        }

        Assert.Throws<TrainingDivergedException>(() => net.Fit(x, y, new Sgd(0.1), epochs: 3, batchSize: 4, shuffle: false));
        Assert.Equal(afterFirstBatch, net.Parameters.ToArray());
    }

    [Fact]
    public void Fit_is_reproducible_bit_for_bit_for_a_seed()
    {
        float[] Train(int seed)
        {
            var net = new Net8x16x16x4();
            net.InitializeParameters(seed);
            (float[] x, float[] y) = Batch<float>(net, Loss.MeanSquaredError, 100, 11);
            net.Fit(x, y, new Adam(0.01), epochs: 5, batchSize: 8, seed: seed);
            return net.Parameters.ToArray();
        }

        Assert.Equal(Train(3), Train(3));
        Assert.NotEqual(Train(3), Train(4));
    }

    [Fact]
    public void Fit_epoch_loss_is_the_row_weighted_mean_of_the_step_costs()
    {
        // 10 rows in batches of 4: steps of 4, 4 and 2 rows, taken in order.
        var fitted = new TorchXor();
        var manual = new TorchXor();
        fitted.InitializeParameters(5);
        manual.InitializeParameters(5);
        (float[] x, float[] y) = Batch<float>(fitted, Loss.BinaryCrossEntropy, 10, 12);
        var sgdA = new Sgd(0.3, momentum: 0.5);
        var sgdB = new Sgd(0.3, momentum: 0.5);

        double[] history = fitted.Fit(x, y, sgdA, epochs: 2, batchSize: 4, shuffle: false);

        for (int epoch = 0; epoch < 2; epoch++)
        {
            double total = (4.0 * manual.TrainStep(x.AsSpan(0, 8), y.AsSpan(0, 4), sgdB))
                + (4.0 * manual.TrainStep(x.AsSpan(8, 8), y.AsSpan(4, 4), sgdB))
                + (2.0 * manual.TrainStep(x.AsSpan(16, 4), y.AsSpan(8, 2), sgdB));
            Assert.Equal(total / 10, history[epoch], 12);
        }

        Assert.Equal(manual.Parameters.ToArray(), fitted.Parameters.ToArray());
    }

    [Fact]
    public void Fit_reports_progress_every_epoch_and_returns_the_history()
    {
        var net = new Xor();
        net.InitializeParameters(1);
        var progress = new Recorder();
        double[] history = net.Fit(LearningTests.XorInputs, LearningTests.XorTargets, new Sgd(0.5), epochs: 7, batchSize: 2, seed: 3, progress: progress);

        Assert.Equal(7, history.Length);
        Assert.Equal(Enumerable.Range(1, 7), progress.Reports.Select(r => r.Epoch));
        Assert.All(progress.Reports, r => Assert.Equal(7, r.Epochs));
        Assert.Equal(history, progress.Reports.Select(r => r.Loss));
        Assert.All(progress.Reports, r => Assert.True(r.Elapsed >= TimeSpan.Zero));
    }

    [Fact]
    public void Fit_stops_when_cancelled()
    {
        var net = new Xor();
        net.InitializeParameters(1);
        using var cancellation = new CancellationTokenSource();
        var progress = new Recorder(onReport: r =>
        {
            if (r.Epoch == 3)
            {
                cancellation.Cancel();
            }
        });

        Assert.ThrowsAny<OperationCanceledException>(() =>
            net.Fit(LearningTests.XorInputs, LearningTests.XorTargets, new Sgd(0.5), epochs: 100, batchSize: 4, progress: progress, cancellationToken: cancellation.Token));
        Assert.Equal(3, progress.Reports.Count);
    }

    [Fact]
    public void Wrong_shapes_and_arguments_are_rejected_before_anything_is_written()
    {
        var net = new TorchStudent();
        net.InitializeParameters(1);
        float[] before = net.Parameters.ToArray();
        var gradients = new float[TorchStudent.ParameterCount];
        var sgd = new Sgd(0.1);

        // The call-site analyzer rejects these lengths at compile time (BPG025-BPG027); the runtime checks are tested here.
#pragma warning disable BPG025, BPG026, BPG027
        Assert.Equal("gradients", Assert.Throws<ArgumentException>(() => net.ComputeGradients(new float[3], new float[1], new float[5])).ParamName);
        Assert.Equal("targets", Assert.Throws<ArgumentException>(() => net.ComputeGradients(new float[6], new float[1], gradients)).ParamName);
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => net.ComputeGradients(new float[4], new float[1], gradients)).ParamName);
#pragma warning restore BPG025, BPG026, BPG027
        Assert.Equal("inputs", Assert.Throws<ArgumentException>(() => net.ComputeGradients(Array.Empty<float>(), Array.Empty<float>(), gradients)).ParamName);
        Assert.Throws<ArgumentNullException>(() => net.TrainStep(new float[3], new float[1], null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => net.Fit(new float[3], new float[1], sgd, epochs: 1, batchSize: 0));
        Assert.Throws<ArgumentException>(() => net.Fit(new float[3], new float[2], sgd, epochs: 1, batchSize: 1));
        Assert.Equal(before, net.Parameters.ToArray());
    }

    [Fact]
    public void Optimizers_validate_their_settings_and_belong_to_one_network()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Sgd(double.NaN));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1, nesterov: true));
        Assert.Throws<ArgumentException>(() => new Sgd(0.1, momentum: 0.9, nesterov: true, dampening: 0.1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta1: 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Adam(beta2: -0.1));

        var adam = new Adam();
        var small = new TorchStudent();
        var other = new TorchXor();
        small.TrainStep(new float[3], new float[1], adam);
        Assert.Throws<ArgumentException>(() => other.TrainStep(new float[2], new float[1], adam));
        Assert.Throws<InvalidOperationException>(() => new TorchDoubleCe().TrainStep(new double[4], new double[3], adam));
        adam.Reset();
        other.TrainStep(new float[2], new float[1], adam);
        Assert.Equal(1, adam.StepCount);
    }

    [Fact]
    public void InitializeParameters_uses_glorot_and_he_limits_and_zero_biases()
    {
        var net = new TorchMixed4(); // ReLU, ELU, SiLU (He), softmax (Glorot)
        net.InitializeParameters(123);
        ReadOnlySpan<int> n = TorchMixed4.LayerSizes;
        double[] limits =
        {
            Math.Sqrt(6.0 / n[0]), Math.Sqrt(6.0 / n[1]), Math.Sqrt(6.0 / n[2]), Math.Sqrt(6.0 / (n[3] + n[4])),
        };
        float[][] weights = { net.W1.ToArray(), net.W2.ToArray(), net.W3.ToArray(), net.W4.ToArray() };
        float[][] biases = { net.b1.ToArray(), net.b2.ToArray(), net.b3.ToArray(), net.b4.ToArray() };
        for (int l = 0; l < 4; l++)
        {
            float max = 0;
            foreach (float w in weights[l])
            {
                max = Math.Max(max, Math.Abs(w));
            }

            Assert.True(max <= limits[l] && max > 0.5 * limits[l], $"layer {l + 1}: max |w| {max}, limit {limits[l]}");
            Assert.All(biases[l], b => Assert.Equal(0f, b));
        }

        var again = new TorchMixed4();
        again.InitializeParameters(123);
        Assert.Equal(net.Parameters.ToArray(), again.Parameters.ToArray());
        again.InitializeParameters(124);
        Assert.NotEqual(net.Parameters.ToArray(), again.Parameters.ToArray());
    }

    [Fact]
    public void GradientCheck_locates_every_parameter_index()
    {
        ReadOnlySpan<int> sizes = new[] { 3, 2, 1 };
        var expected = new List<string> { "W1[0,0]", "W1[0,1]", "W1[1,0]", "W1[1,1]", "W1[2,0]", "W1[2,1]", "b1[0]", "b1[1]", "W2[0,0]", "W2[1,0]", "b2[0]" };
        for (int q = 0; q < expected.Count; q++)
        {
            GradientCheck.Locate(sizes, q, out int layer, out bool isBias, out int row, out int column);
            string name = isBias ? $"b{layer}[{column}]" : $"W{layer}[{row},{column}]";
            Assert.Equal(expected[q], name);
        }

        try
        {
            GradientCheck.Locate(sizes, 11, out _, out _, out _, out _);
            Assert.Fail("index 11 is past the end");
        }
        catch (ArgumentOutOfRangeException)
        {
        }
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
