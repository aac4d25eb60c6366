using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Backprop.Generated.Internals;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Reliability;

/// <summary>
/// The activations, softmax and the loss pieces stay finite and accurate for |z| up to 1e4 (and for
/// tiny and underflowing probabilities), checked against 60-digit mpmath values committed in
/// Reference/extreme_activations.json (written by Reference/extreme_activations.py); then the generated
/// forward and training code on inputs that drive the pre-activations to about 1e4.
/// </summary>
public class ExtremeValueTests
{
    private static readonly JsonElement Root = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Reference", "extreme_activations.json"))).RootElement;

    private static void Close(double expected, double actual, double relative, double absolute, string what)
    {
        Assert.True(double.IsFinite(actual), $"{what}: {actual} is not finite");
        Assert.True(Math.Abs(actual - expected) <= absolute + (relative * Math.Abs(expected)), $"{what}: {actual:R}, exact {expected:R}");
    }

    [Fact]
    public void Scalar_activations_and_binary_cross_entropy_match_mpmath_in_double()
    {
        int checkedValues = 0;
        foreach (JsonElement row in Root.GetProperty("scalars").EnumerateArray())
        {
            double z = row.GetProperty("z").GetDouble();
            (string Name, double Actual)[] values =
            {
                ("sigmoid", ActivationFunctions.Sigmoid(z)),
                ("tanh", ActivationFunctions.Tanh(z)),
                ("softplus", ActivationFunctions.Softplus(z)),
                ("elu", ActivationFunctions.ELU(z)),
                ("silu", ActivationFunctions.SiLU(z)),
                ("bce_y0", RuntimeLoss.BinaryCrossEntropy(z, 0d)),
                ("bce_y1", RuntimeLoss.BinaryCrossEntropy(z, 1d)),
                ("bce_y025", RuntimeLoss.BinaryCrossEntropy(z, 0.25d)),
            };
            foreach ((string name, double actual) in values)
            {
                // A few ulps, and the smallest subnormal for results that underflow.
                Close(row.GetProperty(name).GetDouble(), actual, 1e-14, 5e-324, $"{name}({z:R})");
                checkedValues++;
            }
        }

        Assert.Equal(43 * 8, checkedValues);
    }

    [Fact]
    public void Scalar_activations_and_binary_cross_entropy_match_mpmath_in_single()
    {
        foreach (JsonElement row in Root.GetProperty("scalars").EnumerateArray())
        {
            double z = row.GetProperty("z").GetDouble();
            float zf = (float)z;
            if (zf != z && Math.Abs(z) > 1e-30)
            {
                continue; // not representable in single precision (all values here are, except the 1e-300s)
            }

            (string Name, float Actual)[] values =
            {
                ("sigmoid", ActivationFunctions.Sigmoid(zf)),
                ("tanh", ActivationFunctions.Tanh(zf)),
                ("softplus", ActivationFunctions.Softplus(zf)),
                ("elu", ActivationFunctions.ELU(zf)),
                ("silu", ActivationFunctions.SiLU(zf)),
                ("bce_y0", RuntimeLoss.BinaryCrossEntropy(zf, 0f)),
                ("bce_y1", RuntimeLoss.BinaryCrossEntropy(zf, 1f)),
            };
            foreach ((string name, float actual) in values)
            {
                // The exact value at the single-precision argument; the expected values are at the double
                // argument, equal here. Underflow to zero in single (|result| < 1.4e-45) is allowed.
                Close(row.GetProperty(name).GetDouble(), actual, 4e-7, 1.5e-45, $"{name}({zf:R}f)");
            }
        }
    }

    [Fact]
    public void Softmax_log_sum_exp_and_cross_entropy_match_mpmath()
    {
        foreach (JsonElement row in Root.GetProperty("vectors").EnumerateArray())
        {
            double[] z = row.GetProperty("z").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            double[] expected = row.GetProperty("softmax").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            double[] crossEntropy = row.GetProperty("cross_entropy").EnumerateArray().Select(e => e.GetDouble()).ToArray();
            double lse = row.GetProperty("logsumexp").GetDouble();

            double[] a = z.ToArray();
            ActivationFunctions.Softmax(a);
            for (int k = 0; k < z.Length; k++)
            {
                Close(expected[k], a[k], 1e-14, 5e-324, $"softmax([{string.Join(", ", z)}])[{k}]");
            }

            for (int k = 0; k < z.Length; k++)
            {
                // -log softmax_k = logsumexp(z) - z_k: finite even where softmax_k underflows to 0.
                double[] oneHot = new double[z.Length];
                oneHot[k] = 1;
                double actual = RuntimeLoss.CrossEntropy(z, oneHot);
                Close(crossEntropy[k], actual, 1e-12, 1e-12, $"cross-entropy of class {k}");
                Close(lse, actual + z[k], 1e-12, 1e-12, $"logsumexp from the cross-entropy of class {k}");
            }

            float[] af = z.Select(v => (float)v).ToArray();
            ActivationFunctions.Softmax(af);
            for (int k = 0; k < z.Length; k++)
            {
                Assert.True(float.IsFinite(af[k]) && af[k] >= 0 && af[k] <= 1, $"single softmax {af[k]}");
            }

            Assert.Equal(1f, af.Sum(), 5);
        }
    }

    /// <summary>Weights of 1e4 / n_0-scale and inputs of +-1 drive every pre-activation to about +-1e4.</summary>
    private static float[] Extreme<T>(INetwork<T> net, int seed)
        where T : unmanaged
    {
        var random = new Random(seed);
        return Enumerable.Range(0, net.ParameterCount).Select(_ => (float)((random.Next(2) * 2 - 1) * 5e3)).ToArray();
    }

    [Fact]
    public void Generated_forward_stays_finite_when_pre_activations_reach_1e4()
    {
        foreach (INetwork<float> net in new INetwork<float>[] { new ExtremeSoftmax(), new ExtremeSigmoid(), new ExtremeTanh() })
        {
            for (int seed = 0; seed < 20; seed++)
            {
                Extreme(net, seed).CopyTo(net.Parameters);
                float[] x = { seed % 2 == 0 ? 1f : -1f, seed % 3 == 0 ? -1f : 1f };
                float[] y = new float[net.OutputSize];
                net.Forward(x, y);
                Assert.All(y, v => Assert.True(float.IsFinite(v), $"{net.GetType().Name}: {string.Join(", ", y)}"));
                if (net is ExtremeSoftmax)
                {
                    Assert.Equal(1f, y.Sum(), 5);
                    Assert.All(y, v => Assert.InRange(v, 0f, 1f));
                }
                else if (net is ExtremeSigmoid)
                {
                    Assert.InRange(y[0], 0f, 1f);
                }
            }
        }
    }

    [Fact]
    public void Cross_entropy_losses_stay_finite_for_saturated_outputs()
    {
        // The output pre-activations are about +-1e4: the target class gets probability e^-1e4 (0 in floating
        // point) half of the time, yet the loss computed from the logits is finite (about 1e4) and so are the gradients.
        var softmax = new ExtremeSoftmax();
        var sigmoid = new ExtremeSigmoid();
        for (int seed = 0; seed < 20; seed++)
        {
            Extreme(softmax, seed).CopyTo(softmax.Parameters);
            Extreme(sigmoid, seed).CopyTo(sigmoid.Parameters);
            float[] x = { 1f, -1f, -1f, 1f };
            float[] gradients = new float[ExtremeSoftmax.ParameterCount];
            float cost = softmax.ComputeGradients(x, new float[] { 1, 0, 0, 0, 0, 0, 0, 1 }, gradients);
            Assert.True(float.IsFinite(cost) && cost >= 0, $"softmax cost {cost}");
            Assert.All(gradients, g => Assert.True(float.IsFinite(g)));

            float[] sigmoidGradients = new float[ExtremeSigmoid.ParameterCount];
            cost = sigmoid.ComputeGradients(x, new float[] { 1, 0 }, sigmoidGradients);
            Assert.True(float.IsFinite(cost) && cost >= 0, $"sigmoid cost {cost}");
            Assert.All(sigmoidGradients, g => Assert.True(float.IsFinite(g)));
        }
    }
}
