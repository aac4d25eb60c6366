using System;
using System.Linq;
using Backprop.Generated.Numerics.Tests.Training;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Quantized;

/// <summary>
/// Issue 23's accuracy target: samples/Digits' network (64-32-10 tanh + softmax, SGD lr 0.1, batch 32, 50 epochs, the
/// committed scikit-learn split of data/digits.csv.gz, inputs / 16) keeps its test accuracy within 0.5 points after
/// <c>ToInt8()</c>, for four seeds.
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

    private static double Accuracy(float[] outputs, float[] targets, int m)
    {
        int correct = 0;
        for (int r = 0; r < m; r++)
        {
            var row = outputs.AsSpan(r * DigitsData.Classes, DigitsData.Classes);
            var target = targets.AsSpan(r * DigitsData.Classes, DigitsData.Classes);
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
