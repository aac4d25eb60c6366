using System;
using System.Diagnostics;
using Backprop.Generated;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>The generated class learns: XOR's truth table and the digits data set.</summary>
public class LearningTests
{
    private readonly ITestOutputHelper _output;

    public LearningTests(ITestOutputHelper output) => _output = output;

    internal static readonly float[] XorInputs = { 0, 0, 0, 1, 1, 0, 1, 1 };
    internal static readonly float[] XorTargets = { 0, 1, 1, 0 };

    [Fact]
    public void Xor_learns_its_truth_table_from_a_fixed_seed()
    {
        var net = new Xor();
        net.InitializeParameters(seed: 1);
        double[] history = net.Fit(XorInputs, XorTargets, new Sgd(0.5, momentum: 0.9), epochs: 300, batchSize: 4, seed: 1);

        Span<float> y = stackalloc float[1];
        for (int i = 0; i < 4; i++)
        {
            net.Forward(XorInputs.AsSpan(i * 2, 2), y);
            _output.WriteLine($"{XorInputs[i * 2]} xor {XorInputs[(i * 2) + 1]} -> {y[0]:F4}");
            Assert.True(Math.Abs(y[0] - XorTargets[i]) < 0.1, $"row {i}: {y[0]}");
        }

        _output.WriteLine($"loss {history[0]:G4} -> {history[^1]:G4}");
        Assert.True(history[^1] < 0.05 * history[0]);
    }

    [Fact]
    public void Digits_reach_at_least_97_percent_test_accuracy()
    {
        // The setting (scikit-learn's reference point): 64-32-10 tanh + softmax cross-entropy,
        // SGD lr 0.1 without momentum, batch 32, 50 epochs, inputs / 16, sklearn's stratified split.
        DigitsData data = DigitsData.Instance;
        var net = new DigitsClassifier();
        net.InitializeParameters(seed: 0);
        var stopwatch = Stopwatch.StartNew();
        double[] history = net.Fit(data.TrainInputs, data.TrainTargets, new Sgd(0.1), epochs: 50, batchSize: 32, seed: 0);
        stopwatch.Stop();
        double accuracy = net.Accuracy(data.TestInputs, data.TestTargets);
        _output.WriteLine($"DIGITS test accuracy {accuracy:P2}, final loss {history[^1]:G4}, {stopwatch.Elapsed.TotalMilliseconds / 50:F2} ms per epoch (test build, shared machine)");
        Assert.True(accuracy >= 0.97, $"test accuracy {accuracy:P2}");
    }

    [Fact]
    public void Digits_accuracy_holds_across_seeds()
    {
        DigitsData data = DigitsData.Instance;
        for (int seed = 1; seed <= 3; seed++)
        {
            var net = new DigitsClassifier();
            net.InitializeParameters(seed);
            net.Fit(data.TrainInputs, data.TrainTargets, new Sgd(0.1), epochs: 50, batchSize: 32, seed: seed);
            double accuracy = net.Accuracy(data.TestInputs, data.TestTargets);
            _output.WriteLine($"DIGITS seed {seed}: test accuracy {accuracy:P2}");
            Assert.True(accuracy >= 0.965, $"seed {seed}: test accuracy {accuracy:P2}");
        }
    }
}
