#if NET8_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Generated.Compute;

/// <summary>
/// Whole-buffer passes of the training step that are bound by memory, not arithmetic: the finiteness scan of the
/// gradients and the plain SGD update. Each keeps four registers in flight, so a pass runs at the cache's bandwidth
/// instead of the latency of one chain of additions.
/// </summary>
internal static class UpdatePasses
{
    /// <summary>
    /// True when every value is finite. g - g is 0 for a finite g and NaN for NaN or an infinity, and a NaN stays NaN
    /// through the sums, so one pass of subtractions and additions answers; no branch per value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool AllFinite<T>(ReadOnlySpan<T> values)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T v = ref MemoryMarshal.GetReference(values);
        int n = values.Length;
        int c = Vector<T>.Count;
        int q = 0;
        if (Vector.IsHardwareAccelerated)
        {
            Vector<T> s0 = Vector<T>.Zero, s1 = Vector<T>.Zero, s2 = Vector<T>.Zero, s3 = Vector<T>.Zero;
            for (; q + (4 * c) <= n; q += 4 * c)
            {
                ref T at = ref Unsafe.Add(ref v, q);
                Vector<T> v0 = Vector.LoadUnsafe(ref at), v1 = Vector.LoadUnsafe(ref Unsafe.Add(ref at, c));
                Vector<T> v2 = Vector.LoadUnsafe(ref Unsafe.Add(ref at, 2 * c)), v3 = Vector.LoadUnsafe(ref Unsafe.Add(ref at, 3 * c));
                s0 += v0 - v0;
                s1 += v1 - v1;
                s2 += v2 - v2;
                s3 += v3 - v3;
            }

            for (; q + c <= n; q += c)
            {
                Vector<T> v0 = Vector.LoadUnsafe(ref Unsafe.Add(ref v, q));
                s0 += v0 - v0;
            }

            if (!Vector.EqualsAll((s0 + s1) + (s2 + s3), Vector<T>.Zero))
            {
                return false;
            }
        }

        T sum = T.Zero;
        for (; q < n; q++)
        {
            T x = Unsafe.Add(ref v, q);
            sum += x - x;
        }

        return sum == T.Zero;
    }

    /// <summary>
    /// theta -= lr (g + decay theta) over the whole buffer, with the same two roundings per value as the scalar
    /// formula (no fused multiply-add), so every width gives the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SgdStep<T>(Span<T> parameters, ReadOnlySpan<T> gradients, T learningRate, T decay)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T g = ref MemoryMarshal.GetReference(gradients);
        int n = parameters.Length;
        int c = Vector<T>.Count;
        int q = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var lr = new Vector<T>(learningRate);
            var d = new Vector<T>(decay);
            for (; q + (2 * c) <= n; q += 2 * c)
            {
                ref T pq = ref Unsafe.Add(ref p, q);
                ref T gq = ref Unsafe.Add(ref g, q);
                Vector<T> p0 = Vector.LoadUnsafe(ref pq), p1 = Vector.LoadUnsafe(ref Unsafe.Add(ref pq, c));
                Vector<T> g0 = Vector.LoadUnsafe(ref gq) + (d * p0);
                Vector<T> g1 = Vector.LoadUnsafe(ref Unsafe.Add(ref gq, c)) + (d * p1);
                Vector.StoreUnsafe(p0 - (lr * g0), ref pq);
                Vector.StoreUnsafe(p1 - (lr * g1), ref Unsafe.Add(ref pq, c));
            }
        }

        for (; q < n; q++)
        {
            ref T pq = ref Unsafe.Add(ref p, q);
            T step = Unsafe.Add(ref g, q) + (decay * pq);
            pq -= learningRate * step;
        }
    }
}
#endif
