using System;
using System.Runtime.CompilerServices;
using Backprop.Generated.Serialization;
#if NET8_0_OR_GREATER
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif

namespace Backprop.Generated.Quantized;

/// <summary>
/// Softmax for the int8 networks' output layer: y_k = e^(z_k - max z) / sum_j e^(z_j - max z), with its own e^x for
/// x &lt;= 0 evaluated with separate multiplies and adds in one fixed order, so the 8-lane form and the scalar form give
/// the same bits on every instruction set (MathF.Exp, which the float networks' scalar softmax calls, is the C
/// library's, and vectorised float kernels fuse multiply-adds where the CPU has FMA).
/// </summary>
/// <remarks>
/// e^x: Cody-Waite reduction x = n ln 2 + r (n = round(x log2 e) by the 1.5 * 2^23 shift, ln 2 in two parts), Cephes'
/// degree-7 polynomial for e^r (expf.c, S. L. Moshier; the constants of Compute/LaneMath.cs), times 2^n built from its
/// exponent bits. x below -87 (e^x below 1.7e-38) gives 0, which moves a probability by less than 2e-38; x = 0 gives
/// exactly 1. The sum runs over k in order in both forms. A row holding a NaN takes the scalar form whole (NaN outputs,
/// as <see cref="Internals.ActivationFunctions.Softmax(Span{float})"/> gives).
/// </remarks>
internal static class Int8Softmax
{
    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float RoundingShift = 12582912f;
    private const float Lowest = -87f;
    private const float P0 = 1.9875691500E-4f;
    private const float P1 = 1.3981999507E-3f;
    private const float P2 = 8.3334519073E-3f;
    private const float P3 = 4.1665795894E-2f;
    private const float P4 = 1.6666665459E-1f;
    private const float P5 = 5.0000001201E-1f;

    public static void InPlace(Span<float> z) => InPlace(z, Int8Kernels.CurrentPath);

    /// <summary>Softmax of <paramref name="z"/> in place; the 8-lane form unless <paramref name="path"/> is scalar.</summary>
    [MethodImpl(Int8Scheme.Optimized)]
    public static void InPlace(Span<float> z, Int8Path path)
    {
#if NET8_0_OR_GREATER
        if (Avx.IsSupported && path != Int8Path.Scalar && z.Length >= Vector256<float>.Count && Lanes(z))
        {
            return;
        }
#endif
        float max = float.NegativeInfinity;
        for (int k = 0; k < z.Length; k++)
        {
            max = Math.Max(max, z[k]);
        }

        for (int k = 0; k < z.Length; k++)
        {
            z[k] = Exp(z[k] - max);
        }

        Normalise(z);
    }

    /// <summary>e^x for x &lt;= 0 (see the remarks); NaN gives NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x)
    {
        float n = ((x * Log2E) + RoundingShift) - RoundingShift;
        float r = x - (n * Ln2High);
        r -= n * Ln2Low;
        float p = (P0 * r) + P1;
        p = (p * r) + P2;
        p = (p * r) + P3;
        p = (p * r) + P4;
        p = (p * r) + P5;
        float e = ((p * (r * r)) + r) + 1f;

        // n is an integer in [-126, 0] here (x >= -87); for NaN the conversion's value does not matter (e is NaN).
        float power = HalfPrecision.Int32BitsToSingle(((int)n + 127) << 23);
        return Lowest > x ? 0f : e * power;
    }

    /// <summary>y_k = e_k * (1 / sum), the sum taken over k in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Normalise(Span<float> e)
    {
        float sum = 0f;
        for (int k = 0; k < e.Length; k++)
        {
            sum += e[k];
        }

        float inverse = 1f / sum;
        for (int k = 0; k < e.Length; k++)
        {
            e[k] *= inverse;
        }
    }

#if NET8_0_OR_GREATER
    /// <summary>The 8-lane form; false (nothing written) when the row holds a NaN.</summary>
    /// <remarks>With no NaN in the row, vmaxps gives the maximum (of +0 and -0 it may keep either, and both give the same
    /// e^(z - max)); Math.Max's NaN and signed-zero handling (vrangeps and two vfixupimmps on AVX-512) would put about
    /// ten cycles per step on the reduction's chain.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool Lanes(Span<float> z)
    {
        ref float start = ref MemoryMarshal.GetReference(z);
        int n = z.Length;
        Vector256<float> maxima = Vector256.Create(float.NegativeInfinity);
        Vector256<float> ordered = Vector256<float>.AllBitsSet;
        int j = 0;
        for (; j + 8 <= n; j += 8)
        {
            Vector256<float> v = Vector256.LoadUnsafe(ref start, (nuint)j);
            ordered = Avx.And(ordered, Avx.CompareEqual(v, v));
            maxima = Avx.Max(maxima, v);
        }

        float max = float.NegativeInfinity;
        bool allOrdered = Avx.MoveMask(ordered) == 0xFF;
        for (int k = j; k < n; k++)
        {
            float v = z[k];
            allOrdered &= !float.IsNaN(v);
            max = v > max ? v : max;
        }

        if (!allOrdered)
        {
            return false;
        }

        Vector128<float> h = Sse.Max(Sse.Max(maxima.GetLower(), maxima.GetUpper()), Vector128.Create(max));
        h = Sse.Max(h, Sse.Shuffle(h, h, 0b_01_00_11_10));
        h = Sse.Max(h, Sse.Shuffle(h, h, 0b_10_11_00_01));
        max = h.ToScalar();

        Vector256<float> m = Vector256.Create(max);
        for (j = 0; j + 8 <= n; j += 8)
        {
            ExpLanes(Vector256.LoadUnsafe(ref start, (nuint)j) - m).StoreUnsafe(ref start, (nuint)j);
        }

        for (; j < n; j++)
        {
            z[j] = Exp(z[j] - max);
        }

        Normalise(z);
        return true;
    }

    /// <summary><see cref="Exp"/> on 8 lanes, the same operations in the same order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> ExpLanes(Vector256<float> x)
    {
        Vector256<float> shift = Vector256.Create(RoundingShift);
        Vector256<float> n = ((x * Vector256.Create(Log2E)) + shift) - shift;
        Vector256<float> r = x - (n * Vector256.Create(Ln2High));
        r -= n * Vector256.Create(Ln2Low);
        Vector256<float> p = (Vector256.Create(P0) * r) + Vector256.Create(P1);
        p = (p * r) + Vector256.Create(P2);
        p = (p * r) + Vector256.Create(P3);
        p = (p * r) + Vector256.Create(P4);
        p = (p * r) + Vector256.Create(P5);
        Vector256<float> e = ((p * (r * r)) + r) + Vector256.Create(1f);
        Vector256<float> power = ((Vector256.ConvertToInt32(n) + Vector256.Create(127)) << 23).AsSingle();
        return Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Create(Lowest), x), Vector256<float>.Zero, e * power);
    }
#endif
}
