using System;
using System.Linq;
using System.Numerics;
using Backprop.Generated.Compute;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// Runs one internal kernel core of <see cref="Dense"/> with an explicit ops type and compares it with
/// <see cref="DenseReference"/> (double precision) for blocks of 1, 5, 16, 33 and 64 rows.
/// </summary>
/// <remarks>
/// <para>
/// Tolerances are worst-case rounding bounds, not fitted numbers. A sum of n products computed in precision u
/// (u = 2^-24 for float, 2^-53 for double) in any order, fused or not, differs from the exact sum by at most
/// gamma_{n+1} sum |x_j w_j| ~ (n + 2) u sum |x_j w_j| (the inner-product bound of Higham, Accuracy and
/// Stability of Numerical Algorithms, 2nd ed., chapter 3; gamma_k = k u / (1 - k u)); the tests allow exactly that
/// for Z, dA = dZ W^T and dW = A^T dZ. An activation adds its own
/// relative error, at most 2e-6 in single precision (the polynomial exp, sigmoid, tanh and e^x - 1 of
/// <see cref="LaneMath"/> are specified below 1e-6, and SiLU, ELU and softplus compose at most two such steps) and
/// 1e-13 in double precision (System.Math), plus the error of Z times the largest slope of g (1, or 1.1 for
/// SiLU). g' is computed by the kernels from the rounded A = g(Z); its error is allowed as 4e-6 (1 + |z|)
/// (double: 1e-13 (1 + |z|)) absolute, which covers a rounded a in a (1 - a), 1 - a^2, a + 1 and the z (1 - s)
/// of SiLU.
/// </para>
/// <para>
/// Unused parameter slots and the lanes past the block's rows hold NaN, so a kernel that reads outside
/// W[l], b[l] or its rows turns a checked value into NaN and fails.
/// </para>
/// </remarks>
public static class KernelCoreChecks
{
    private const int B = Dense.LaneStride;

    public static readonly int[] RowCounts = { 1, 5, 16, 33, 64 };

    private static double U<T>() => typeof(T) == typeof(float) ? Math.Pow(2, -24) : Math.Pow(2, -53);

    private static double ActivationError<T>() => typeof(T) == typeof(float) ? 2e-6 : 1e-13;

    private static double DerivativeError<T>() => typeof(T) == typeof(float) ? 4e-6 : 1e-13;

    /// <summary>Smallest absolute difference always allowed (results that underflow to subnormals).</summary>
    private static double Floor<T>() => typeof(T) == typeof(float) ? 1e-37 : 1e-300;

    private static T From<T>(double value) where T : IFloatingPointIeee754<T> => T.CreateTruncating(value);

    private static double To<T>(T value) where T : IFloatingPointIeee754<T> => double.CreateTruncating(value);

    private static T[] Filled<T>(int length) where T : IFloatingPointIeee754<T> => Enumerable.Repeat(T.NaN, length).ToArray();

    /// <summary>Uniform values in [-scale, scale], exactly representable in float (so also in double).</summary>
    private static double[] Uniform(Random random, int length, double scale) =>
        Enumerable.Range(0, length).Select(_ => (double)(float)(((random.NextDouble() * 2) - 1) * scale)).ToArray();

    /// <summary>A parameter vector for <typeparamref name="TLayer"/>: NaN except W[l] and b[l].</summary>
    private static (T[] P, double[] W, double[] Bias) Parameters<T, TLayer>(Random random)
        where T : IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        double[] w = Uniform(random, TLayer.Inputs * TLayer.Units, 1);
        double[] b = Uniform(random, TLayer.Units, 1);
        T[] p = Filled<T>(TLayer.BiasOffset + TLayer.Units + 5);
        for (int i = 0; i < w.Length; i++)
        {
            p[TLayer.WeightOffset + i] = From<T>(w[i]);
        }

        for (int k = 0; k < b.Length; k++)
        {
            p[TLayer.BiasOffset + k] = From<T>(b[k]);
        }

        return (p, w, b);
    }

    /// <summary>Row-major rows x width values into lanes (width x BlockRows), NaN past the rows.</summary>
    private static T[] Lanes<T>(double[] rowMajor, int rows, int width) where T : IFloatingPointIeee754<T>
    {
        T[] lanes = Filled<T>(width * B);
        for (int i = 0; i < rows; i++)
        {
            for (int k = 0; k < width; k++)
            {
                lanes[(k * B) + i] = From<T>(rowMajor[(i * width) + k]);
            }
        }

        return lanes;
    }

    private static void Near(double expected, double actual, double tolerance, string what)
    {
        if (!(Math.Abs(actual - expected) <= tolerance))
        {
            Assert.Fail($"{what}: got {actual:R}, reference {expected:R}, |difference| {Math.Abs(actual - expected):E3} > tolerance {tolerance:E3}");
        }
    }

    /// <summary>The allowed error of A = g(Z) given the allowed error of Z (elementwise g).</summary>
    private static double ActivationTolerance<T>(string activation, double a, double zTolerance) =>
        (DenseReference.Lipschitz(activation) * zTolerance) + (ActivationError<T>() * (Math.Abs(a) + zTolerance)) + Floor<T>();

    public static void ForwardExample<TOps, TV, T, TLayer, TActivation>(string activation, string label)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        var random = new Random(1000 + TLayer.Inputs + (31 * TLayer.Units));
        (T[] p, double[] w, double[] b) = Parameters<T, TLayer>(random);
        double[] x = Uniform(random, TLayer.Inputs, 1);
        T[] xs = x.Select(From<T>).ToArray();
        T[] y = Filled<T>(TLayer.Units);

        Dense.ForwardExample<TOps, TV, T, TLayer, TActivation>(ref p[0], ref xs[0], ref y[0]);

        CheckForwardRow<T>(activation, x, w, b, TLayer.Inputs, TLayer.Units, k => To(y[k]), $"{label} ForwardExample");
    }

    /// <summary>
    /// RegisterLanes' core for <typeparamref name="TOps"/> (the scalar loop for <see cref="Scalar{T}"/>): the parameters
    /// get one register of NaN after them, which the partly filled last register reads and must discard.
    /// </summary>
    public static void RegisterLanes<TOps, TV, T, TLayer, TActivation>(string activation, string label)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        var random = new Random(2000 + TLayer.Inputs + (31 * TLayer.Units));
        (T[] exact, double[] w, double[] b) = Parameters<T, TLayer>(random);
        T[] p = Filled<T>(exact.Length + 16);
        exact.CopyTo(p, 0);
        double[] x = Uniform(random, TLayer.Inputs, 1);
        T[] xs = x.Select(From<T>).ToArray();
        T[] y = Filled<T>(Compute.RegisterLanes.BufferLength<T>(TLayer.Units));

        if (typeof(TOps) == typeof(Scalar<T>))
        {
            Compute.RegisterLanes.ForwardScalar<T, TLayer, TActivation>(ref p[0], ref xs[0], ref y[0]);
        }
        else
        {
            Compute.RegisterLanes.Forward<TOps, TV, T, TLayer, TActivation>(ref p[0], ref xs[0], ref y[0]);
        }

        CheckForwardRow<T>(activation, x, w, b, TLayer.Inputs, TLayer.Units, k => To(y[k]), $"{label} RegisterLanes");
    }

    private static void CheckForwardRow<T>(string activation, double[] x, double[] w, double[] b, int inputs, int units, Func<int, double> actual, string label)
        where T : IFloatingPointIeee754<T>
    {
        (double[] z, double[] a, double[] magnitude) = DenseReference.Forward(activation, x, w, b, 1, inputs, units);
        double u = U<T>();
        double largestZError = Enumerable.Range(0, units).Max(k => (inputs + 2) * u * magnitude[k]);
        for (int k = 0; k < units; k++)
        {
            double zTolerance = (inputs + 2) * u * magnitude[k];
            double tolerance = activation == "Softmax"
                ? (a[k] * ((2 * largestZError) + (2 * ActivationError<T>()) + ((units + 2) * u)) * 1.01) + Floor<T>()
                : ActivationTolerance<T>(activation, a[k], zTolerance);
            Near(a[k], actual(k), tolerance, $"{label} A[unit {k}] (z = {z[k]:R})");
        }
    }

    public static void ForwardBlock<TOps, TV, T, TLayer, TActivation>(string activation, string label)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int n = TLayer.Units, inputs = TLayer.Inputs;
        double u = U<T>();
        foreach (int rows in RowCounts)
        {
            var random = new Random((rows * 7919) + inputs + (31 * n));
            (T[] p, double[] w, double[] b) = Parameters<T, TLayer>(random);
            double[] x = Uniform(random, rows * inputs, 1);
            T[] xLanes = Lanes<T>(x, rows, inputs);
            T[] z = Filled<T>(n * B);
            T[] a = Filled<T>(n * B);
            Dense.ForwardBlock<TOps, TV, T, TLayer, TActivation>(ref p[0], ref xLanes[0], ref z[0], true, ref a[0], rows);

            // Without Z: the same A, and Z untouched.
            T[] zUnused = Filled<T>(n * B);
            T[] a2 = Filled<T>(n * B);
            Dense.ForwardBlock<TOps, TV, T, TLayer, TActivation>(ref p[0], ref xLanes[0], ref zUnused[0], false, ref a2[0], rows);

            (double[] zRef, double[] aRef, double[] magnitude) = DenseReference.Forward(activation, x, w, b, rows, inputs, n);
            for (int i = 0; i < rows; i++)
            {
                double largestZError = Enumerable.Range(0, n).Max(k => (inputs + 2) * u * magnitude[(i * n) + k]);
                for (int k = 0; k < n; k++)
                {
                    int r = (i * n) + k, l = (k * B) + i;
                    string at = $"{label} ForwardBlock rows={rows} [row {i}, unit {k}]";
                    double zTolerance = (inputs + 2) * u * magnitude[r];
                    Near(zRef[r], To(z[l]), zTolerance, at + " Z");
                    double tolerance = activation == "Softmax"
                        ? (aRef[r] * ((2 * largestZError) + (2 * ActivationError<T>()) + ((n + 2) * u)) * 1.01) + Floor<T>()
                        : ActivationTolerance<T>(activation, aRef[r], zTolerance);
                    Near(aRef[r], To(a[l]), tolerance, at + $" A (z = {zRef[r]:R})");
                    Assert.True(a[l].Equals(a2[l]), $"{at}: A differs when Z is not kept ({a[l]} vs {a2[l]})");
                }
            }

            Assert.True(zUnused.All(T.IsNaN), $"{label} ForwardBlock rows={rows}: Z written although keepZ is false");
        }
    }

    public static void BackwardBlock<TOps, TV, T, TLayer, TActivation>(string activation, string label)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int n = TLayer.Units, inputs = TLayer.Inputs;
        double u = U<T>();
        foreach (int rows in RowCounts)
        {
            foreach (bool dropped in new[] { false, true })
            {
                BackwardBlockWithMask<TOps, TV, T, TLayer, TActivation>(activation, label, rows, dropped);
            }
        }
    }

    /// <summary>
    /// One block: dZ[l-1] = (dZ[l] W[l]^T) [* D] * g'(Z[l-1]), with D the dropout factors of layer l-1 in lanes when
    /// <paramref name="dropped"/> (0 or 2 here, dropout at rate 1/2, so the scaling is exact); without dropout the mask
    /// argument points at NaN, which must not be read.
    /// </summary>
    private static void BackwardBlockWithMask<TOps, TV, T, TLayer, TActivation>(string activation, string label, int rows, bool dropped)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int n = TLayer.Units, inputs = TLayer.Inputs;
        double u = U<T>();
        label += dropped ? " (dropout mask)" : string.Empty;
        {
            var random = new Random((rows * 104729) + inputs + (31 * n) + (dropped ? 1 : 0));
            (T[] p, double[] w, _) = Parameters<T, TLayer>(random);
            double[] dz = Uniform(random, rows * n, 1);
            double[] zPrev = Uniform(random, rows * inputs, 3);

            // A[l-1] = g(Z[l-1]), rounded to T as a forward pass would store it (softmax across the inputs of each row).
            double[] aPrev = new double[rows * inputs];
            for (int i = 0; i < rows; i++)
            {
                double[] zi = zPrev.Skip(i * inputs).Take(inputs).ToArray();
                double[] ai = activation == "Softmax"
                    ? DenseReference.Softmax(zi)
                    : zi.Select(v => DenseReference.Apply(activation, v)).ToArray();
                for (int j = 0; j < inputs; j++)
                {
                    aPrev[(i * inputs) + j] = To(From<T>(ai[j]));
                }
            }

            T[] dzLanes = Lanes<T>(dz, rows, n);
            T[] zLanes = Lanes<T>(zPrev, rows, inputs);
            T[] aLanes = Lanes<T>(aPrev, rows, inputs);
            double[] mask = Enumerable.Range(0, rows * inputs).Select(_ => dropped ? 2.0 * random.Next(2) : 1.0).ToArray();
            T[] maskLanes = dropped ? Lanes<T>(mask, rows, inputs) : Filled<T>(inputs * B);
            T[] result = Filled<T>(inputs * B);
            Dense.BackwardBlock<TOps, TV, T, TLayer, TActivation>(ref p[0], ref dzLanes[0], ref zLanes[0], ref aLanes[0], ref maskLanes[0], dropped, ref result[0], rows);

            for (int i = 0; i < rows; i++)
            {
                // dA = dZ W^T, with its rounding bound
                var da = new double[inputs];
                var daTolerance = new double[inputs];
                for (int j = 0; j < inputs; j++)
                {
                    double sum = 0, abs = 0;
                    for (int k = 0; k < n; k++)
                    {
                        sum += dz[(i * n) + k] * w[(j * n) + k];
                        abs += Math.Abs(dz[(i * n) + k] * w[(j * n) + k]);
                    }

                    // dA = (dZ W^T) * D, exact scaling by 0 or 2
                    da[j] = sum * mask[(i * inputs) + j];
                    daTolerance[j] = (n + 2) * u * abs * mask[(i * inputs) + j];
                }

                double dot = 0, dotTolerance = 0;
                if (activation == "Softmax")
                {
                    double abs = 0;
                    for (int j = 0; j < inputs; j++)
                    {
                        dot += da[j] * aPrev[(i * inputs) + j];
                        abs += Math.Abs(da[j] * aPrev[(i * inputs) + j]);
                        dotTolerance += daTolerance[j] * aPrev[(i * inputs) + j];
                    }

                    dotTolerance += (inputs + 2) * u * abs;
                }

                for (int j = 0; j < inputs; j++)
                {
                    double zj = zPrev[(i * inputs) + j];
                    double aj = aPrev[(i * inputs) + j];
                    double expected, tolerance;
                    if (activation == "Softmax")
                    {
                        // dZ = A * (dA - sum_m dA_m A_m), the softmax Jacobian-vector product
                        expected = aj * (da[j] - dot);
                        tolerance = (aj * (daTolerance[j] + dotTolerance)) + (4 * u * Math.Abs(expected)) + Floor<T>();
                    }
                    else
                    {
                        double gPrime = DenseReference.Derivative(activation, zj);
                        expected = da[j] * gPrime;
                        tolerance = (daTolerance[j] * Math.Abs(gPrime)) + ((Math.Abs(da[j]) + daTolerance[j]) * DerivativeError<T>() * (1 + Math.Abs(zj))) + Floor<T>();
                    }

                    Near(expected, To(result[(j * B) + i]), tolerance, $"{label} BackwardBlock rows={rows} dZ_prev[row {i}, input {j}] (z = {zj:R})");
                }
            }
        }
    }

    public static void AccumulateGradients<TOps, TV, T, TLayer>(string label)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        int n = TLayer.Units, inputs = TLayer.Inputs, stride = Dense.GradientStride(n);
        double u = U<T>();
        foreach (int rows in RowCounts)
        foreach (bool first in new[] { false, true })
        {
            var random = new Random((rows * 15485863) + inputs + (31 * n));
            double[] aPrev = Uniform(random, rows * inputs, 1);
            double[] dz = Uniform(random, rows * n, 1);
            double[] start = Uniform(random, (inputs + 1) * stride, 1);
            T[] aLanes = Lanes<T>(aPrev, rows, inputs);
            T[] dzLanes = Lanes<T>(dz, rows, n);
            T[] dzRows = Filled<T>(B * stride);

            // The first block of a batch stores: whatever the sums held (NaN here) must not reach the result.
            T[] sums = first ? Filled<T>(start.Length) : start.Select(From<T>).ToArray();
            Dense.AccumulateGradients<TOps, TV, T, TLayer>(ref aLanes[0], ref dzLanes[0], ref dzRows[0], ref sums[0], rows, first);

            // dW[j, k] += sum_i A[i, j] dZ[i, k]; db[k] += sum_i dZ[i, k] (first block: = instead of +=)
            for (int k = 0; k < n; k++)
            {
                for (int j = 0; j <= inputs; j++)
                {
                    double sum = first ? 0 : start[(j * stride) + k], abs = Math.Abs(sum);
                    for (int i = 0; i < rows; i++)
                    {
                        double term = (j < inputs ? aPrev[(i * inputs) + j] : 1) * dz[(i * n) + k];
                        sum += term;
                        abs += Math.Abs(term);
                    }

                    string what = j < inputs ? $"dW[{j}, {k}]" : $"db[{k}]";
                    Near(sum, To(sums[(j * stride) + k]), ((rows + 2) * u * abs) + Floor<T>(), $"{label} AccumulateGradients rows={rows} first={first} {what}");
                }
            }
        }
    }

    /// <summary>
    /// The public dispatchers give bit for bit what the explicit core gives for the ops type this machine's
    /// hardware selects (<see cref="KernelTypes.MachineOps{T}"/>): they choose that instruction set.
    /// </summary>
    public static void DispatchersAgree<TOps, TV, T, TLayer, TActivation>(string label)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int n = TLayer.Units, inputs = TLayer.Inputs, stride = Dense.GradientStride(n), rows = 33;
        var random = new Random(inputs + (31 * n));
        (T[] p, _, _) = Parameters<T, TLayer>(random);
        T[] x = Uniform(random, inputs, 1).Select(From<T>).ToArray();
        T[] y1 = Filled<T>(n), y2 = Filled<T>(n);
        Dense.ForwardExample<TOps, TV, T, TLayer, TActivation>(ref p[0], ref x[0], ref y1[0]);
        Dense.ForwardExample<TLayer, TActivation, T>(p, x, y2);
        Assert.Equal(y1, y2);

        T[] xl = Lanes<T>(Uniform(random, rows * inputs, 1), rows, inputs);
        T[] z1 = Filled<T>(n * B), a1 = Filled<T>(n * B), z2 = Filled<T>(n * B), a2 = Filled<T>(n * B);
        Dense.ForwardBlock<TOps, TV, T, TLayer, TActivation>(ref p[0], ref xl[0], ref z1[0], true, ref a1[0], rows);
        Dense.ForwardBlock<TLayer, TActivation, T>(p, xl, z2, a2, rows);
        Assert.True(Same(z1, z2) && Same(a1, a2), $"{label}: ForwardBlock dispatcher differs from the {typeof(TOps).Name} core");

        T[] dz = Lanes<T>(Uniform(random, rows * n, 1), rows, n);
        T[] zp = Lanes<T>(Uniform(random, rows * inputs, 3), rows, inputs);
        T[] ap = Lanes<T>(Uniform(random, rows * inputs, 1), rows, inputs);
        T[] d1 = Filled<T>(inputs * B), d2 = Filled<T>(inputs * B);
        T[] noMask = Filled<T>(1);
        Dense.BackwardBlock<TOps, TV, T, TLayer, TActivation>(ref p[0], ref dz[0], ref zp[0], ref ap[0], ref noMask[0], false, ref d1[0], rows);
        Dense.BackwardBlock<TLayer, TActivation, T>(p, dz, zp, ap, d2, rows);
        Assert.True(Same(d1, d2), $"{label}: BackwardBlock dispatcher differs from the {typeof(TOps).Name} core");

        T[] s1 = Uniform(random, (inputs + 1) * stride, 1).Select(From<T>).ToArray();
        T[] s2 = (T[])s1.Clone();
        T[] r1 = Filled<T>(B * stride), r2 = Filled<T>(B * stride);
        Dense.AccumulateGradients<TOps, TV, T, TLayer>(ref ap[0], ref dz[0], ref r1[0], ref s1[0], rows, false);
        Dense.AccumulateGradients<TLayer, T>(ap, dz, r2, s2, rows);
        Dense.AccumulateGradients<TOps, TV, T, TLayer>(ref ap[0], ref dz[0], ref r1[0], ref s1[0], rows, true);
        Dense.AccumulateGradients<TLayer, T>(ap, dz, r2, s2, rows, first: true);
        Assert.True(Same(s1, s2), $"{label}: AccumulateGradients dispatcher differs from the {typeof(TOps).Name} core");
    }

    /// <summary>Equal bit for bit, NaN equal to NaN (padding lanes).</summary>
    private static bool Same<T>(T[] x, T[] y) where T : IFloatingPointIeee754<T> =>
        x.Length == y.Length && x.Zip(y).All(e => e.First.Equals(e.Second));
}
