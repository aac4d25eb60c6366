using System;
using System.Collections.Generic;
using Backprop.Generated;
using Backprop.Generated.Numerics.Tests.Training.Checked;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>
/// ComputeGradients against central finite differences of the cost (GradientCheck, fourth-order stencil)
/// in double precision: every activation, every loss, 1 to 5 layers, unrolled and vector-loop layers.
/// </summary>
public class GradientCheckTests
{
    private const double Tolerance = 1e-6;

    // A step of 1e-3 moves a pre-activation by well under this (|A| and |theta| are O(1) here).
    private const double KinkMargin = 0.05;
    private readonly ITestOutputHelper _output;

    public GradientCheckTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Networks()
    {
        yield return Case(new HiddenIdentity(), Loss.MeanSquaredError);
        yield return Case(new HiddenSigmoid(), Loss.MeanSquaredError);
        yield return Case(new HiddenTanh(), Loss.MeanSquaredError);
        yield return Case(new HiddenReLU(), Loss.MeanSquaredError);
        yield return Case(new HiddenLeakyReLU(), Loss.MeanSquaredError);
        yield return Case(new HiddenELU(), Loss.MeanSquaredError);
        yield return Case(new HiddenSiLU(), Loss.MeanSquaredError);
        yield return Case(new HiddenSoftplus(), Loss.MeanSquaredError);
        yield return Case(new HiddenSoftmax(), Loss.MeanSquaredError);
        yield return Case(new OutputIdentity(), Loss.MeanSquaredError);
        yield return Case(new OutputSigmoid(), Loss.MeanSquaredError);
        yield return Case(new OutputTanh(), Loss.MeanSquaredError);
        yield return Case(new OutputReLU(), Loss.MeanSquaredError);
        yield return Case(new OutputLeakyReLU(), Loss.MeanSquaredError);
        yield return Case(new OutputELU(), Loss.MeanSquaredError);
        yield return Case(new OutputSiLU(), Loss.MeanSquaredError);
        yield return Case(new OutputSoftplus(), Loss.MeanSquaredError);
        yield return Case(new OutputSoftmax(), Loss.MeanSquaredError);
        yield return Case(new LossBce(), Loss.BinaryCrossEntropy);
        yield return Case(new LossCe(), Loss.CrossEntropy);
        yield return Case(new Depth1(), Loss.MeanSquaredError);
        yield return Case(new Depth2(), Loss.BinaryCrossEntropy);
        yield return Case(new Depth3(), Loss.CrossEntropy);
        yield return Case(new Depth4(), Loss.CrossEntropy);
        yield return Case(new Depth5(), Loss.BinaryCrossEntropy);
        yield return Case(new WideSoftmaxCe(), Loss.CrossEntropy);
        yield return Case(new WideSiluBce(), Loss.BinaryCrossEntropy);
        yield return Case(new WideIdentityMse(), Loss.MeanSquaredError);
        yield return Case(new UnrolledLoopUnrolledMse(), Loss.MeanSquaredError);
        yield return Case(new LoopThenUnrolledCe(), Loss.CrossEntropy);
        yield return Case(new TrainingBudgetSplit(), Loss.CrossEntropy);
    }

    private static object[] Case(INetwork<double> network, Loss loss) => new object[] { network.GetType().Name, network, loss };

    [Theory]
    [MemberData(nameof(Networks))]
    public void Analytic_gradients_match_finite_differences(string name, INetwork<double> network, Loss loss)
    {
        for (int seed = 1; seed <= 3; seed++)
        {
            TestData.Initialize(network, seed);
            var random = new SplitMix64((ulong)(seed * 7919));
            const int rows = 5;
            double[] x = KinkGuard.Rows(network, rows, 1.5, KinkMargin, ref random);
            double[] y = TestData.Targets<double>(loss, rows, network.OutputSize, ref random);
            double[] before = network.Parameters.ToArray();

            GradientCheckResult result = GradientCheck.Run(network, x, y);
            _output.WriteLine($"{name} seed {seed}: {result}");

            Assert.True(result.WorstRelativeError < Tolerance, $"{name} seed {seed}: {result}");
            Assert.Equal(before, network.Parameters.ToArray()); // the check restores every parameter exactly
        }
    }

    [Fact]
    public void Cross_entropy_gradient_is_exact_for_targets_that_do_not_sum_to_one()
    {
        // dZ = A sum_j Y_j - Y, not A - Y, when a target row is not a distribution.
        INetwork<double> network = new LossCe();
        TestData.Initialize(network, 5);
        var random = new SplitMix64(99);
        double[] x = TestData.Uniform<double>(3 * network.InputSize, 1, ref random);
        double[] y = TestData.Targets<double>(Loss.BinaryCrossEntropy, 3, network.OutputSize, ref random);
        GradientCheckResult result = GradientCheck.Run(network, x, y);
        Assert.True(result.WorstRelativeError < Tolerance, result.ToString());
    }

    [Fact]
    public void A_wrong_gradient_is_found_and_located()
    {
        // GradientCheck must be able to fail: a network whose analytic gradient of W2[1,0] is off.
        var network = new BrokenGradient(new HiddenTanh());
        Assert.Equal(BrokenGradient.BrokenIndex, (4 * 5) + 5 + (1 * 3) + 0);
        TestData.Initialize(network, 3);
        var random = new SplitMix64(5);
        double[] x = TestData.Uniform<double>(4 * network.InputSize, 1, ref random);
        double[] y = TestData.Targets<double>(Loss.MeanSquaredError, 4, network.OutputSize, ref random);
        GradientCheckResult result = GradientCheck.Run(network, x, y);
        Assert.True(result.WorstRelativeError > 1e-3, result.ToString());
        Assert.Equal(BrokenGradient.BrokenIndex, result.ParameterIndex);
        Assert.Equal(2, result.Layer);
        Assert.False(result.IsBias);
        Assert.Equal((1, 0), (result.Row, result.Column));
        Assert.Equal("W2[1,0]", result.Location);
    }

    [Fact]
    public void Float_networks_can_be_checked_too()
    {
        // Single precision gives J about 7 digits, so the check is coarse; a smooth network avoids kinks.
        INetwork<float> network = new TorchXor();
        TestData.Initialize(network, 2);
        var random = new SplitMix64(17);
        float[] x = TestData.Uniform<float>(6 * network.InputSize, 1, ref random);
        float[] y = TestData.Targets<float>(Loss.BinaryCrossEntropy, 6, network.OutputSize, ref random);
        GradientCheckResult result = GradientCheck.Run(network, x, y);
        _output.WriteLine(result.ToString());
        Assert.True(result.WorstRelativeError < 1e-2, result.ToString());
    }

    /// <summary>Wraps a network and corrupts one gradient, to prove the check detects it.</summary>
    private sealed class BrokenGradient : INetwork<double>
    {
        public const int BrokenIndex = 28;
        private readonly INetwork<double> _inner;

        public BrokenGradient(INetwork<double> inner) => _inner = inner;

        public int InputSize => _inner.InputSize;

        public int OutputSize => _inner.OutputSize;

        public int LayerCount => _inner.LayerCount;

        public int ParameterCount => _inner.ParameterCount;

        public ReadOnlySpan<int> LayerSizes => _inner.LayerSizes;

        public Backprop.Generated.Serialization.NetworkTopology Topology => _inner.Topology;

        public Span<double> Parameters => _inner.Parameters;

        public int MaxDegreeOfParallelism
        {
            get => _inner.MaxDegreeOfParallelism;
            set => _inner.MaxDegreeOfParallelism = value;
        }

        public double ComputeGradients(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, Span<double> gradients)
        {
            double cost = _inner.ComputeGradients(inputs, targets, gradients);
            gradients[BrokenIndex] *= 1.01;
            return cost;
        }

        public void Forward(ReadOnlySpan<double> input, Span<double> output) => _inner.Forward(input, output);

        public void ForwardBatch(ReadOnlySpan<double> inputs, Span<double> outputs) => _inner.ForwardBatch(inputs, outputs);

        public void InitializeParameters(int seed) => _inner.InitializeParameters(seed);

        public double TrainStep(ReadOnlySpan<double> inputs, ReadOnlySpan<double> targets, IOptimizer optimizer) => throw new NotSupportedException();

        public void LoadParameters(ReadOnlySpan<double> values) => _inner.LoadParameters(values);

        public byte[] ToSafeTensors() => _inner.ToSafeTensors();

        public void Save(System.IO.Stream stream) => _inner.Save(stream);

        public void Save(string path) => _inner.Save(path);

        public void Load(ReadOnlySpan<byte> safetensors) => _inner.Load(safetensors);

        public void Load(System.IO.Stream stream) => _inner.Load(stream);

        public void Load(string path) => _inner.Load(path);
    }
}
