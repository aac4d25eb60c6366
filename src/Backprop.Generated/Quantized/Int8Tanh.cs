using System;
using System.Runtime.CompilerServices;
#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;
#endif

namespace Backprop.Generated.Quantized;

/// <summary>
/// tanh for the int8 networks' hidden layers: the rational approximation the float kernels use (Eigen 3.4's
/// <c>generic_fast_tanh_float</c>, z P(z^2) / Q(z^2), +-1 above |z| = 7.9988, z below 0.0004; constants in
/// Compute/LaneMath.cs), evaluated with separate multiplies and adds in one fixed order, so the 8-lane form and the
/// scalar form give the same bits on every instruction set (the float kernels fuse multiply-adds where the CPU has FMA).
/// </summary>
internal static class Int8Tanh
{
    // The constants of Compute/LaneMath.cs (net8.0 only; this type is in both builds). Keep them equal.
    private const float TanhClamp = 7.99881172180175781f;
    private const float TanhTiny = 0.0004f;
    private const float TanhA1 = 4.89352455891786e-03f;
    private const float TanhA3 = 6.37261928875436e-04f;
    private const float TanhA5 = 1.48572235717979e-05f;
    private const float TanhA7 = 5.12229709037114e-08f;
    private const float TanhA9 = -8.60467152213735e-11f;
    private const float TanhA11 = 2.00018790482477e-13f;
    private const float TanhA13 = -2.76076847742355e-16f;
    private const float TanhB0 = 4.89352518554385e-03f;
    private const float TanhB2 = 2.26843463243900e-03f;
    private const float TanhB4 = 1.18534705686654e-04f;
    private const float TanhB6 = 1.19825839466702e-06f;

    public static void InPlace(Span<float> z) => InPlace(z, Int8Kernels.CurrentPath);

    [MethodImpl(Int8Scheme.Optimized)]
    public static void InPlace(Span<float> z, Int8Path path)
    {
        int j = 0;
#if NET8_0_OR_GREATER
        if (Vector256.IsHardwareAccelerated && path != Int8Path.Scalar)
        {
            ref float start = ref System.Runtime.InteropServices.MemoryMarshal.GetReference(z);
            for (; j + 8 <= z.Length; j += 8)
            {
                Lanes(Vector256.LoadUnsafe(ref start, (nuint)j)).StoreUnsafe(ref start, (nuint)j);
            }
        }
#endif
        for (; j < z.Length; j++)
        {
            z[j] = Scalar(z[j]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Scalar(float z)
    {
        float y = z * z;
        float y2 = y * y;
        float y4 = y2 * y2;
        float p01 = (TanhA3 * y) + TanhA1;
        float p23 = (TanhA7 * y) + TanhA5;
        float p45 = (TanhA11 * y) + TanhA9;
        float p = ((((TanhA13 * y2) + p45) * y4) + ((p23 * y2) + p01));
        float q = ((((TanhB6 * y) + TanhB4) * y2) + ((TanhB2 * y) + TanhB0));
        float t = (z * p) / q;
        float a = Math.Abs(z);
        if (a > TanhClamp)
        {
            t = 0f > z ? -1f : 1f;
        }

        return TanhTiny > a ? z : t;
    }

#if NET8_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Lanes(Vector256<float> z)
    {
        Vector256<float> y = z * z;
        Vector256<float> y2 = y * y;
        Vector256<float> y4 = y2 * y2;
        Vector256<float> p01 = (Vector256.Create(TanhA3) * y) + Vector256.Create(TanhA1);
        Vector256<float> p23 = (Vector256.Create(TanhA7) * y) + Vector256.Create(TanhA5);
        Vector256<float> p45 = (Vector256.Create(TanhA11) * y) + Vector256.Create(TanhA9);
        Vector256<float> p = (((Vector256.Create(TanhA13) * y2) + p45) * y4) + ((p23 * y2) + p01);
        Vector256<float> q = (((Vector256.Create(TanhB6) * y) + Vector256.Create(TanhB4)) * y2)
            + ((Vector256.Create(TanhB2) * y) + Vector256.Create(TanhB0));
        Vector256<float> t = (z * p) / q;
        Vector256<float> a = Vector256.Abs(z);
        Vector256<float> saturated = Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256<float>.Zero, z), Vector256.Create(-1f), Vector256.Create(1f));
        t = Vector256.ConditionalSelect(Vector256.GreaterThan(a, Vector256.Create(TanhClamp)), saturated, t);
        return Vector256.ConditionalSelect(Vector256.GreaterThan(Vector256.Create(TanhTiny), a), z, t);
    }
#endif
}
