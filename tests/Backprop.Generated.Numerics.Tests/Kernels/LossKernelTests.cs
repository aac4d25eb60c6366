using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generated.Compute;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// The loss kernels of <see cref="Dense"/> (squared error with each output activation, binary cross-entropy from
/// logits, softmax cross-entropy) against the double-precision formulas, for blocks of 1, 5, 16, 33 and 64 rows.
/// The loss kernel structs are private, so these run through the public dispatcher, i.e. the instruction set of
/// the machine; .ci/run repeats them with AVX-512, AVX2 and all hardware intrinsics switched off.
/// Tolerances: rounding bounds as in <see cref="KernelCoreChecks"/>: (terms + 6) u times the sum of the
/// magnitudes of the terms, plus 2e-6 relative for each polynomial exp/log1p in single precision.
/// </summary>
public class LossKernelTests
{
    private const int B = Dense.LaneStride;
    private const double U = 5.9604644775390625e-8; // 2^-24

    public static IEnumerable<object[]> Cases =>
        from units in new[] { 1, 3, 10, 17 }
        from loss in new[] { "MSE Identity", "MSE Sigmoid", "MSE Tanh", "MSE Softmax", "MSE ELU", "BCE", "CE" }
        select new object[] { loss, units };

    private static float[] Lanes(double[] rowMajor, int rows, int width)
    {
        float[] lanes = Enumerable.Repeat(float.NaN, width * B).ToArray();
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < width; k++)
            {
                lanes[(k * B) + i] = (float)rowMajor[(i * width) + k];
            }
        }

        return lanes;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Loss_and_output_delta_match_the_double_formulas(string loss, int units)
    {
        foreach (int rows in KernelCoreChecks.RowCounts)
        {
            var random = new Random((rows * 31) + units);
            string activation = loss switch { "BCE" => "Sigmoid", "CE" => "Softmax", _ => loss[4..] };
            double[] z = Enumerable.Range(0, rows * units).Select(_ => (double)(float)((random.NextDouble() * 8) - 4)).ToArray();
            double[] a = new double[rows * units];
            double[] y = new double[rows * units];
            for (int i = 0; i < rows; i++)
            {
                double[] zi = z.Skip(i * units).Take(units).ToArray();
                double[] ai = activation == "Softmax" ? DenseReference.Softmax(zi) : zi.Select(v => DenseReference.Apply(activation, v)).ToArray();
                int hot = random.Next(units);
                for (int k = 0; k < units; k++)
                {
                    a[(i * units) + k] = (float)ai[k];

                    // one-hot targets for cross-entropy; targets in [0, 1] otherwise
                    y[(i * units) + k] = loss == "CE" ? (k == hot ? 1 : 0) : (float)random.NextDouble();
                }
            }

            float[] zl = Lanes(z, rows, units), al = Lanes(a, rows, units), yl = Lanes(y, rows, units);
            float[] dz = Enumerable.Repeat(float.NaN, units * B).ToArray();
            float[] lossLanes = new float[B];
            float total = loss switch
            {
                "MSE Identity" => Dense.MeanSquaredErrorDelta<Activations.Identity, float>(units, zl, al, yl, dz, lossLanes, rows),
                "MSE Sigmoid" => Dense.MeanSquaredErrorDelta<Activations.Sigmoid, float>(units, zl, al, yl, dz, lossLanes, rows),
                "MSE Tanh" => Dense.MeanSquaredErrorDelta<Activations.Tanh, float>(units, zl, al, yl, dz, lossLanes, rows),
                "MSE Softmax" => Dense.MeanSquaredErrorDelta<Activations.Softmax, float>(units, zl, al, yl, dz, lossLanes, rows),
                "MSE ELU" => Dense.MeanSquaredErrorDelta<Activations.ELU, float>(units, zl, al, yl, dz, lossLanes, rows),
                "BCE" => Dense.BinaryCrossEntropyDelta(units, zl, al, yl, dz, lossLanes, rows),
                "CE" => Dense.CrossEntropyDelta(units, zl, al, yl, dz, lossLanes, rows),
                _ => throw new ArgumentException(loss),
            };

            double expectedTotal = 0, magnitude = 0, polynomialError = 0;
            for (int i = 0; i < rows; i++)
            {
                int o = i * units;
                double[] expectedDz = new double[units];
                double[] dzTolerance = new double[units];
                if (loss.StartsWith("MSE", StringComparison.Ordinal))
                {
                    // L_i = 1/2 sum_k (A_k - Y_k)^2; dZ = (A - Y) g'(Z) (softmax: A * (dA - sum_k dA_k A_k))
                    double dot = 0;
                    for (int k = 0; k < units; k++)
                    {
                        double da = a[o + k] - y[o + k];
                        expectedTotal += 0.5 * da * da;
                        magnitude += 0.5 * da * da;
                        dot += da * a[o + k];
                    }

                    for (int k = 0; k < units; k++)
                    {
                        double da = a[o + k] - y[o + k];
                        if (activation == "Softmax")
                        {
                            expectedDz[k] = a[o + k] * (da - dot);
                            dzTolerance[k] = (units + 6) * U * (Math.Abs(a[o + k] * da) + units * a[o + k]) + 1e-37;
                        }
                        else
                        {
                            double g = DenseReference.Derivative(activation, z[o + k]);
                            expectedDz[k] = da * g;

                            // g' from the rounded A (see KernelCoreChecks): 4e-6 (1 + |z|) absolute
                            dzTolerance[k] = (4 * U * Math.Abs(da * g)) + (Math.Abs(da) * 4e-6 * (1 + Math.Abs(z[o + k]))) + 1e-37;
                        }
                    }
                }
                else if (loss == "BCE")
                {
                    // L_i = sum_k max(Z_k, 0) - Y_k Z_k + log(1 + e^-|Z_k|); dZ = A - Y
                    for (int k = 0; k < units; k++)
                    {
                        double zk = z[o + k], yk = y[o + k];
                        double log1p = DenseReference.Log1P(Math.Exp(-Math.Abs(zk)));
                        expectedTotal += Math.Max(zk, 0) - (yk * zk) + log1p;
                        magnitude += Math.Max(zk, 0) + Math.Abs(yk * zk) + log1p;
                        polynomialError += 2e-6 * log1p;
                        expectedDz[k] = a[o + k] - yk;
                        dzTolerance[k] = 2 * U * Math.Abs(expectedDz[k]);
                    }
                }
                else
                {
                    // L_i = sum_k Y_k (logsumexp(Z) - Z_k); dZ = A sum_k Y_k - Y
                    double max = z.Skip(o).Take(units).Max();
                    double lse = max + Math.Log(z.Skip(o).Take(units).Sum(v => Math.Exp(v - max)));
                    double targetSum = y.Skip(o).Take(units).Sum();
                    for (int k = 0; k < units; k++)
                    {
                        expectedTotal += y[o + k] * (lse - z[o + k]);
                        magnitude += Math.Abs(y[o + k]) * (Math.Abs(lse) + Math.Abs(z[o + k]));
                        expectedDz[k] = (a[o + k] * targetSum) - y[o + k];
                        dzTolerance[k] = 3 * U * (Math.Abs(a[o + k] * targetSum) + Math.Abs(y[o + k]));
                    }

                    polynomialError += 2e-6 * targetSum;
                }

                for (int k = 0; k < units; k++)
                {
                    double actual = dz[(k * B) + i];
                    Assert.True(
                        Math.Abs(actual - expectedDz[k]) <= dzTolerance[k],
                        $"{loss} units={units} rows={rows} dZ[row {i}, unit {k}]: got {actual:R}, reference {expectedDz[k]:R}, tolerance {dzTolerance[k]:E3}");
                }
            }

            double tolerance = ((units + rows + 6) * U * magnitude * 2) + polynomialError + 1e-37;
            Assert.True(
                Math.Abs(total - expectedTotal) <= tolerance,
                $"{loss} units={units} rows={rows}: loss sum {total:R}, reference {expectedTotal:R}, tolerance {tolerance:E3}");
        }
    }
}
