using System;
using Backprop.Generated.Compute;
using CsCheck;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>9 inputs into 3 tanh units (four chains of rows), then 3 into 2 sigmoid units (one chain): both in one register.</summary>
[Network(9, 3, 2, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
public partial class TinyNineThreeTwo { }

/// <summary>40 inputs into 2 sigmoid units (four chains), 2 into 3 tanh units, 3 into 1 sigmoid unit (scalar code).</summary>
[Network(40, 2, 3, 1, Activations = new[] { Activation.Sigmoid, Activation.Tanh, Activation.Sigmoid })]
public partial class TinyFortyTwoThreeOne { }

/// <summary>
/// The one-example pass of a layer of two or three sigmoid or tanh units sums Z[l] = b[l] + sum_j x_j W[l][j, :] in the
/// lanes of one 128-bit register, reading each row of W[l] (and b[l]) as four values: the lanes past n_l hold the next
/// row's weights, the next bias or the slack past the parameters, and are computed and dropped. Checked here against
/// a double-precision forward pass written out in this test (Z = A W + b, g, layer by layer, from the network's
/// parameters in the layout of <see cref="INetwork{T}.Parameters"/>), for random parameters and inputs, some of them
/// large, so that a dropped lane that leaked into a kept one (an overflowing sigmoid or tanh of a large neighbour)
/// would show. Also on the fallback runs of .ci/run (EnableHWIntrinsic=0: the scalar straight-line code).
/// </summary>
public class TinyLayerInOneRegisterTests
{
    [Fact]
    public void Nine_three_two_matches_a_double_precision_forward_pass() =>
        Check(() => new TinyNineThreeTwo(), new[] { 9, 3, 2 }, new[] { Activation.Tanh, Activation.Sigmoid });

    [Fact]
    public void Forty_two_three_one_matches_a_double_precision_forward_pass() =>
        Check(() => new TinyFortyTwoThreeOne(), new[] { 40, 2, 3, 1 }, new[] { Activation.Sigmoid, Activation.Tanh, Activation.Sigmoid });

    [Fact]
    public void Aligned64_returns_the_first_64_byte_aligned_elements_of_the_space()
    {
        Gen.Int[0, 15].Sample(skip =>
        {
            Span<float> floats = stackalloc float[64 + 15];
            Span<float> space = floats.Slice(skip, 32 + 15);
            Span<float> aligned = RegisterMath.Aligned64(space, 32);
            Assert.Equal(32, aligned.Length);
            Assert.Equal(0, AddressOf(ref aligned[0]) % 64);
            long offset = (AddressOf(ref aligned[0]) - AddressOf(ref space[0])) / sizeof(float);
            Assert.InRange(offset, 0, 15);

            Span<double> doubles = stackalloc double[32 + 7];
            Span<double> doubleSpace = doubles.Slice(skip % 8, 16 + 7);
            Span<double> alignedDoubles = RegisterMath.Aligned64(doubleSpace, 16);
            Assert.Equal(16, alignedDoubles.Length);
            Assert.Equal(0, AddressOf(ref alignedDoubles[0]) % 64);
        });
    }

    private static unsafe long AddressOf<T>(ref T value)
        where T : unmanaged
    {
        fixed (T* pointer = &value)
        {
            return (long)pointer;
        }
    }

    /// <summary>Each sample on a network of its own: CsCheck runs samples on several threads at once.</summary>
    private static void Check(Func<INetwork<float>> create, int[] sizes, Activation[] activations)
    {
        Gen<float> value = Gen.OneOf(Gen.Float[-3f, 3f], Gen.Float[-60f, 60f]);
        Gen.Select(value.Array[create().ParameterCount], value.Array[sizes[0]]).Sample((parameters, x) =>
        {
            INetwork<float> net = create();
            net.LoadParameters(parameters);
            var y = new float[net.OutputSize];
            net.Forward(x, y);
            (double[] expected, double[] bound) = Reference(parameters, x, sizes, activations);
            for (int k = 0; k < y.Length; k++)
            {
                Assert.True(
                    Math.Abs(y[k] - expected[k]) <= bound[k],
                    $"output {k}: {y[k]:R}, expected {expected[k]:R} within {bound[k]:R}");
            }
        });
    }

    /// <summary>
    /// A[l] = g(A[l-1] W[l] + b[l]) in double precision (W[l] is n_{l-1} x n_l row-major, followed by b[l]), with a bound
    /// on the single-precision result's error: each sum's rounding, at most 3e-6 of the sum of its terms' magnitudes
    /// (a few dozen roundings of 6e-8 each), plus the previous layer's error times |W[l]| (g' &lt;= 1 for sigmoid and
    /// tanh), plus 1e-6 for each g (docs/performance.md's accuracy bound).
    /// </summary>
    private static (double[] Values, double[] Bounds) Reference(float[] parameters, float[] x, int[] sizes, Activation[] activations)
    {
        double[] a = Array.ConvertAll(x, v => (double)v);
        double[] error = new double[a.Length];
        int offset = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            int nIn = sizes[l - 1], nOut = sizes[l];
            var next = new double[nOut];
            var nextError = new double[nOut];
            for (int k = 0; k < nOut; k++)
            {
                double b = parameters[offset + (nIn * nOut) + k];
                double sum = b, magnitude = Math.Abs(b), carried = 0;
                for (int j = 0; j < nIn; j++)
                {
                    double w = parameters[offset + (j * nOut) + k];
                    sum += a[j] * w;
                    magnitude += Math.Abs(a[j] * w);
                    carried += error[j] * Math.Abs(w);
                }

                next[k] = activations[l - 1] switch
                {
                    Activation.Sigmoid => 1 / (1 + Math.Exp(-sum)),
                    Activation.Tanh => Math.Tanh(sum),
                    _ => throw new NotSupportedException(activations[l - 1].ToString()),
                };
                nextError[k] = (3e-6 * magnitude) + carried + 1e-6;
            }

            offset += (nIn * nOut) + nOut;
            a = next;
            error = nextError;
        }

        return (a, error);
    }
}
