using System;
using System.Linq;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// The dense-layer formulas written plainly in double precision from their textbook definitions, with no code
/// shared with the runtime library: Z = A W + b, A = g(Z); dA = dZ W^T, dZ_prev = dA * g'(Z_prev);
/// dW = A^T dZ, db = column sums of dZ. Matrices are row-major (rows x columns).
/// </summary>
public static class DenseReference
{
    /// <summary>g(z) for an elementwise activation (softmax is handled by <see cref="Forward"/>).</summary>
    public static double Apply(string activation, double z) => activation switch
    {
        "Identity" or "Softmax" => z,
        "Sigmoid" => Sigmoid(z),
        "Tanh" => Math.Tanh(z),
        "ReLU" => z > 0 ? z : 0,
        "LeakyReLU" => z > 0 ? z : 0.01 * z,
        "ELU" => z > 0 ? z : ExpM1(z),
        "SiLU" => z * Sigmoid(z),
        "Softplus" => Math.Max(z, 0) + Log1P(Math.Exp(-Math.Abs(z))),
        _ => throw new ArgumentException(activation),
    };

    /// <summary>g'(z), from z alone.</summary>
    public static double Derivative(string activation, double z)
    {
        double s = Sigmoid(z);
        return activation switch
        {
            "Identity" => 1,
            "Sigmoid" => s * (1 - s),
            "Tanh" => 1 - (Math.Tanh(z) * Math.Tanh(z)),
            "ReLU" => z > 0 ? 1 : 0,
            "LeakyReLU" => z > 0 ? 1 : 0.01,
            "ELU" => z > 0 ? 1 : Math.Exp(z),
            "SiLU" => s * (1 + (z * (1 - s))),
            "Softplus" => s,
            _ => throw new ArgumentException(activation),
        };
    }

    /// <summary>The largest |g'| over the reals (a Lipschitz constant for the error of g(Z) from an error in Z).</summary>
    public static double Lipschitz(string activation) => activation == "SiLU" ? 1.1 : 1.0;

    public static double Sigmoid(double z) => z >= 0 ? 1 / (1 + Math.Exp(-z)) : Math.Exp(z) / (1 + Math.Exp(z));

    /// <summary>e^x - 1, with the series near 0 where Math.Exp(x) - 1 would cancel.</summary>
    public static double ExpM1(double x) => Math.Abs(x) < 1e-5 ? x + (x * x / 2) + (x * x * x / 6) : Math.Exp(x) - 1;

    /// <summary>log(1 + x), with the series near 0.</summary>
    public static double Log1P(double x) => Math.Abs(x) < 1e-5 ? x - (x * x / 2) + (x * x * x / 3) : Math.Log(1 + x);

    /// <summary>softmax(z)_k = e^(z_k - max z) / sum_j e^(z_j - max z).</summary>
    public static double[] Softmax(double[] z)
    {
        double max = z.Max();
        double total = z.Sum(v => Math.Exp(v - max));
        return z.Select(v => Math.Exp(v - max) / total).ToArray();
    }

    /// <summary>
    /// Z = X W + b and A = g(Z) for <paramref name="rows"/> rows; also the bound sum_j |x_j w_jk| + |b_k| that
    /// scales the rounding error of each sum.
    /// </summary>
    public static (double[] Z, double[] A, double[] Magnitude) Forward(string activation, double[] x, double[] w, double[] b, int rows, int inputs, int units)
    {
        var z = new double[rows * units];
        var a = new double[rows * units];
        var magnitude = new double[rows * units];
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < units; k++)
            {
                double sum = b[k];
                double abs = Math.Abs(b[k]);
                for (int j = 0; j < inputs; j++)
                {
                    sum += x[(i * inputs) + j] * w[(j * units) + k];
                    abs += Math.Abs(x[(i * inputs) + j] * w[(j * units) + k]);
                }

                z[(i * units) + k] = sum;
                magnitude[(i * units) + k] = abs;
            }

            if (activation == "Softmax")
            {
                Softmax(z.AsSpan(i * units, units).ToArray()).CopyTo(a, i * units);
            }
            else
            {
                for (int k = 0; k < units; k++)
                {
                    a[(i * units) + k] = Apply(activation, z[(i * units) + k]);
                }
            }
        }

        return (z, a, magnitude);
    }
}
