using System;
using System.Linq;
using System.Reflection;
using Backprop.Generated;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>
/// Keeps finite-difference data away from the kinks of ReLU and leaky ReLU (and the curvature jump of ELU): a plain re-implementation of
/// the forward pass (reading the [Network] attribute of the generated type) finds every pre-activation
/// of those layers, and rows that come within a margin of 0 are rejected.
/// </summary>
internal static class KinkGuard
{
    public static Activation[] Activations(Type networkType)
    {
        NetworkAttribute attribute = networkType.GetCustomAttribute<NetworkAttribute>()!;
        int layers = attribute.LayerSizes.Length - 1;
        return attribute.Activations ?? Enumerable.Repeat(attribute.Hidden, layers - 1).Append(attribute.Output).ToArray();
    }

    /// <summary>Draws rows of inputs uniform on [-scale, scale) until <paramref name="rows"/> are clear of every kink.</summary>
    public static double[] Rows(INetwork<double> network, int rows, double scale, double margin, ref SplitMix64 random)
    {
        Activation[] activations = Activations(network.GetType());
        int[] sizes = network.LayerSizes.ToArray();
        double[] parameters = network.Parameters.ToArray();
        var result = new double[rows * sizes[0]];
        int kept = 0;
        for (int attempt = 0; kept < rows; attempt++)
        {
            if (attempt > 10_000)
            {
                throw new InvalidOperationException("No rows clear of the kinks; change the seed or the margin.");
            }

            double[] x = TestData.Uniform<double>(sizes[0], scale, ref random);
            if (MinimumKinkDistance(parameters, sizes, activations, x) > margin)
            {
                x.CopyTo(result, kept * sizes[0]);
                kept++;
            }
        }

        return result;
    }

    /// <summary>The smallest |z| over the units of ReLU, leaky-ReLU and ELU layers (ELU'' jumps at 0) for one example.</summary>
    public static double MinimumKinkDistance(double[] parameters, int[] sizes, Activation[] activations, double[] x)
    {
        double minimum = double.PositiveInfinity;
        double[] a = x;
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int nIn = sizes[l - 1];
            int nOut = sizes[l];
            var z = new double[nOut];
            for (int k = 0; k < nOut; k++)
            {
                double sum = parameters[offset + (nIn * nOut) + k];
                for (int j = 0; j < nIn; j++)
                {
                    sum += a[j] * parameters[offset + (j * nOut) + k];
                }

                z[k] = sum;
            }

            offset += (nIn * nOut) + nOut;
            Activation g = activations[l - 1];
            if (g is Activation.ReLU or Activation.LeakyReLU or Activation.ELU)
            {
                minimum = Math.Min(minimum, z.Min(Math.Abs));
            }

            a = Apply(g, z);
        }

        return minimum;
    }

    private static double[] Apply(Activation g, double[] z)
    {
        if (g == Activation.Softmax)
        {
            double max = z.Max();
            double[] e = z.Select(v => Math.Exp(v - max)).ToArray();
            double sum = e.Sum();
            return e.Select(v => v / sum).ToArray();
        }

        return z.Select(v => g switch
        {
            Activation.Identity => v,
            Activation.Sigmoid => 1 / (1 + Math.Exp(-v)),
            Activation.Tanh => Math.Tanh(v),
            Activation.ReLU => Math.Max(v, 0),
            Activation.LeakyReLU => v > 0 ? v : 0.01 * v,
            Activation.ELU => v > 0 ? v : Math.Exp(v) - 1,
            Activation.SiLU => v / (1 + Math.Exp(-v)),
            Activation.Softplus => Math.Log(1 + Math.Exp(v)),
            _ => throw new ArgumentOutOfRangeException(nameof(g)),
        }).ToArray();
    }
}
