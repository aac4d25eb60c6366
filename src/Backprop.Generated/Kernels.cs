using System;
#if NET8_0_OR_GREATER
using System.Numerics;
using System.Runtime.InteropServices;
#endif

namespace Backprop.Generated;

/// <summary>
/// The vector kernels that generated code calls for layers too wide to unroll. Row-major W[l] makes
/// both of them walk contiguous memory: row j of W[l] holds the n_l weights leaving input j.
/// </summary>
public static class Kernels
{
    /// <summary>y[k] += a * x[k] for every k (an "axpy").</summary>
    public static void MultiplyAdd(float a, ReadOnlySpan<float> x, Span<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"Expected {y.Length} elements but got {x.Length}.", nameof(x));
        }

        int k = 0;
#if NET8_0_OR_GREATER
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            var av = new Vector<float>(a);
            ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            Span<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            for (int v = 0; v < xv.Length; v++)
            {
                yv[v] += av * xv[v];
            }

            k = xv.Length * Vector<float>.Count;
        }
#endif
        for (; k < x.Length; k++)
        {
            y[k] += a * x[k];
        }
    }

    /// <inheritdoc cref="MultiplyAdd(float, ReadOnlySpan{float}, Span{float})"/>
    public static void MultiplyAdd(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"Expected {y.Length} elements but got {x.Length}.", nameof(x));
        }

        int k = 0;
#if NET8_0_OR_GREATER
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            var av = new Vector<double>(a);
            ReadOnlySpan<Vector<double>> xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            Span<Vector<double>> yv = MemoryMarshal.Cast<double, Vector<double>>(y);
            for (int v = 0; v < xv.Length; v++)
            {
                yv[v] += av * xv[v];
            }

            k = xv.Length * Vector<double>.Count;
        }
#endif
        for (; k < x.Length; k++)
        {
            y[k] += a * x[k];
        }
    }

    /// <summary>sum_k x[k] * y[k].</summary>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"Expected {x.Length} elements but got {y.Length}.", nameof(y));
        }

        float sum = 0f;
        int k = 0;
#if NET8_0_OR_GREATER
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<float>.Count)
        {
            ReadOnlySpan<Vector<float>> xv = MemoryMarshal.Cast<float, Vector<float>>(x);
            ReadOnlySpan<Vector<float>> yv = MemoryMarshal.Cast<float, Vector<float>>(y);
            Vector<float> acc = Vector<float>.Zero;
            for (int v = 0; v < xv.Length; v++)
            {
                acc += xv[v] * yv[v];
            }

            sum = Vector.Sum(acc);
            k = xv.Length * Vector<float>.Count;
        }
#endif
        for (; k < x.Length; k++)
        {
            sum += x[k] * y[k];
        }

        return sum;
    }

    /// <inheritdoc cref="Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static double Dot(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"Expected {x.Length} elements but got {y.Length}.", nameof(y));
        }

        double sum = 0d;
        int k = 0;
#if NET8_0_OR_GREATER
        if (Vector.IsHardwareAccelerated && x.Length >= Vector<double>.Count)
        {
            ReadOnlySpan<Vector<double>> xv = MemoryMarshal.Cast<double, Vector<double>>(x);
            ReadOnlySpan<Vector<double>> yv = MemoryMarshal.Cast<double, Vector<double>>(y);
            Vector<double> acc = Vector<double>.Zero;
            for (int v = 0; v < xv.Length; v++)
            {
                acc += xv[v] * yv[v];
            }

            sum = Vector.Sum(acc);
            k = xv.Length * Vector<double>.Count;
        }
#endif
        for (; k < x.Length; k++)
        {
            sum += x[k] * y[k];
        }

        return sum;
    }
}
