using System;
using System.Linq;
using Backprop.Generated;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Training.Dropout;

[Network(6, 40, 30, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double, Dropout = 0.3)]
public partial class DropoutTanh { }

[Network(6, 40, 30, 3, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double)]
public partial class NoDropoutTanh { }

[Layer(5, 12, Activation.Sigmoid, Dropout = 0.5)]
[Layer(12, 7, Activation.Softmax)]
[Layer(7, 2, Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy, Precision = Precision.Double)]
public partial class DropoutSigmoidThenSoftmax { }

[Network(4, 200, 1, Hidden = Activation.ReLU, Dropout = 0.25)]
public partial class DropoutStatistics { }

/// <summary>
/// Inverted dropout in training (docs/dropout.md): gradients are the exact derivative of the masked cost, the masks
/// keep 1 - p of the units at scale 1 / (1 - p), and inference never drops anything.
/// </summary>
public class DropoutTests
{
    private readonly ITestOutputHelper _output;

    public DropoutTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void Gradients_match_finite_differences_of_the_masked_cost()
    {
        // GradientCheck restores the dropout stream before every evaluation of J, so all of them see one mask.
        foreach (INetwork<double> network in new INetwork<double>[] { new DropoutTanh(), new DropoutSigmoidThenSoftmax() })
        {
            TestData.Initialize(network, 3);
            var random = new SplitMix64(11);
            double[] x = TestData.Uniform<double>(7 * network.InputSize, 1, ref random);
            double[] y = TestData.Targets<double>(network.OutputSize == 2 ? Loss.BinaryCrossEntropy : Loss.CrossEntropy, 7, network.OutputSize, ref random);
            GradientCheckResult result = GradientCheck.Run(network, x, y);
            _output.WriteLine($"{network.GetType().Name}: {result}");
            Assert.True(result.WorstRelativeError < 1e-6, result.ToString());
        }
    }

    [Fact]
    public void The_mask_changes_the_gradient_and_the_same_stream_reproduces_it()
    {
        var network = new DropoutTanh();
        network.InitializeParameters(4);
        var random = new SplitMix64(3);
        double[] x = TestData.Uniform<double>(9 * DropoutTanh.InputSize, 1, ref random);
        double[] y = TestData.Targets<double>(Loss.CrossEntropy, 9, DropoutTanh.OutputSize, ref random);

        SplitMix64 stream = network.DropoutRandom;
        double[] first = new double[DropoutTanh.ParameterCount];
        double j1 = network.ComputeGradients(x, y, first);
        double[] second = new double[DropoutTanh.ParameterCount];
        double j2 = network.ComputeGradients(x, y, second);
        Assert.NotEqual(j1, j2); // a new mask for the second call

        network.DropoutRandom = stream;
        double[] replay = new double[DropoutTanh.ParameterCount];
        Assert.Equal(j1, network.ComputeGradients(x, y, replay));
        Assert.Equal(first, replay);

        // Without dropout the same parameters give yet another cost (p = 0.3 really drops units).
        var plain = new NoDropoutTanh();
        network.Parameters.CopyTo(plain.Parameters);
        Assert.NotEqual(j1, plain.ComputeGradients(x, y, new double[NoDropoutTanh.ParameterCount]));
    }

    [Fact]
    public void Inference_never_drops_units()
    {
        var network = new DropoutTanh();
        var plain = new NoDropoutTanh();
        network.InitializeParameters(8);
        network.Parameters.CopyTo(plain.Parameters);
        var random = new SplitMix64(5);
        double[] x = TestData.Uniform<double>(20 * DropoutTanh.InputSize, 1, ref random);
        double[] a = new double[20 * DropoutTanh.OutputSize];
        double[] b = new double[a.Length];
        network.ForwardBatch(x, a);
        plain.ForwardBatch(x, b);
        Assert.Equal(b, a);
        for (int i = 0; i < 20; i++)
        {
            double[] one = new double[DropoutTanh.OutputSize];
            network.Forward(x.AsSpan(i * DropoutTanh.InputSize, DropoutTanh.InputSize), one);
            double[] reference = new double[DropoutTanh.OutputSize];
            plain.Forward(x.AsSpan(i * DropoutTanh.InputSize, DropoutTanh.InputSize), reference);
            Assert.Equal(reference, one);
        }
    }

    [Fact]
    public void Kept_fraction_and_scale_match_the_rate()
    {
        // dW1 = (1/m) X^T dZ1, and dZ1 is 0 exactly where a unit was dropped (ReLU' of a positive Z is 1): with
        // all-positive inputs and weights every unit is active, so the zero columns of the per-example dW1 count drops.
        var network = new DropoutStatistics();
        network.Parameters.Fill(0.01f);
        const int units = 200;
        const double p = 0.25;
        int kept = 0;
        int total = 0;
        float[] g = new float[DropoutStatistics.ParameterCount];
        float[] x = { 1f, 1f, 1f, 1f };
        float[] y = { -1f };
        for (int trial = 0; trial < 100; trial++)
        {
            network.ComputeGradients(x, y, g);

            // db1_k = dZ1_k = dA1_k * D_k with dA1_k = dZ2 W2_k: equal for every kept unit, 0 for a dropped one.
            float[] db1 = g.AsSpan(4 * units, units).ToArray();
            float keptValue = db1.First(v => v != 0);
            Assert.All(db1, v => Assert.True(v == 0 || Math.Abs(v - keptValue) <= 1e-6 * Math.Abs(keptValue)));
            kept += db1.Count(v => v != 0);
            total += units;
        }

        // Binomial: mean (1 - p) n, standard deviation sqrt(n p (1 - p)); allow 5 sigma.
        double expected = (1 - p) * total;
        double sigma = Math.Sqrt(total * p * (1 - p));
        _output.WriteLine($"kept {kept} of {total}, expected {expected:F0} +- {sigma:F1}");
        Assert.InRange(kept, expected - (5 * sigma), expected + (5 * sigma));

        // The kept units are scaled by 1 / (1 - p): against the same step without dropout, dZ1 of a kept unit is 1 / (1 - p) times larger.
        var reference = new DropoutStatistics();
        reference.Parameters.Fill(0.01f);
        reference.DropoutRandom = new SplitMix64(0);
        float[] gKept = new float[DropoutStatistics.ParameterCount];
        reference.ComputeGradients(x, y, gKept);
        float[] db = gKept.AsSpan(4 * units, units).ToArray();
        float scaled = db.First(v => v != 0);

        // The output sees the dropped activations: Z2 = b2 + sum_k W2_k A~1_k, so rebuild it from the mask to get dZ2.
        int keptUnits = db.Count(v => v != 0);
        double a1 = 0.01 * 4 + 0.01; // every hidden Z1 = 4 * 0.01 + 0.01, ReLU keeps it
        double z2 = 0.01 + (keptUnits * 0.01 * a1 / (1 - p));
        double dz2 = z2 - (-1); // MSE: dZ2 = A2 - Y with an identity output
        double expectedDb1 = dz2 * 0.01 / (1 - p);
        Assert.True(Math.Abs(scaled - expectedDb1) <= 1e-5 * Math.Abs(expectedDb1), $"db1 of a kept unit {scaled}, expected {expectedDb1}");
    }
}
