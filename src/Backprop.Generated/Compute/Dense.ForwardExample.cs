#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Generated.Compute;

public static partial class Dense
{
    // ------------------------------------------------------------------ one example

    /// <summary>
    /// One example through one layer: <paramref name="output"/> = g(<paramref name="input"/> W + b), units in SIMD lanes,
    /// register-blocked 16 registers of units per pass over the rows of W when W is larger than L1 (then 8, then passes of
    /// up to 4 for the rest; see <see cref="SixteenRegisterPasses{T}(int, int)"/>).
    /// </summary>
    /// <param name="parameters">All parameters of the network.</param>
    /// <param name="input">A[l-1] of the example (n_{l-1} values).</param>
    /// <param name="output">Receives A[l] (n_l values).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardExample<TLayer, TActivation, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> output)
        where TLayer : IDenseLayer
        where TActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T x = ref MemoryMarshal.GetReference(input);
        ref T y = ref MemoryMarshal.GetReference(output);
        Dispatch<ForwardExampleKernel<TLayer, TActivation, T>, T>(ref p, ref x, ref y, ref None<T>(), ref None<T>(), ref None<T>(), 0, 0, false);
    }

    /// <summary><see cref="ForwardExample{TOps, TV, T, TLayer, TActivation}"/> at the width <see cref="Dispatch"/> picks.</summary>
    private readonly struct ForwardExampleKernel<TLayer, TActivation, T> : ILaneKernel<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run<TOps, TV, TElement>(ref TElement p, ref TElement x, ref TElement y, ref TElement unused3, ref TElement unused4, ref TElement unused5, int unused6, int unused7, bool unused8)
            where TOps : ILanes<TV, TElement>
            where TV : struct
            where TElement : unmanaged, IFloatingPointIeee754<TElement> =>
            ForwardExample<TOps, TV, TElement, TLayer, TActivation>(ref p, ref x, ref y);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardExample<TOps, TV, T, TLayer, TActivation>(ref T p, ref T x, ref T y)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int n = TLayer.Units;
        int c = TOps.Count;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref T b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        int k = 0;

        // Z[k..k+16c) = b + sum_j x_j W[j, k..k+16c): sixteen accumulators, one broadcast of x_j per row of W. One pass
        // reads whole 16-register spans of each row, so for a layer like 784 -> 128 (W from L2, 401 KB) the rows stream
        // once, in order, instead of in two halves whose neighbouring lines the prefetcher fetches twice. With 16
        // vector registers (x64 without AVX-512) one accumulator lives on the stack, and its chain through memory
        // costs more than the second pass saves when W is read from L1: only for W larger than an L1 cache (see
        // SixteenRegisterPasses).
        for (; SixteenRegisterPasses<T>(TLayer.Inputs, n) && k + (16 * c) <= n; k += 16 * c)
        {
            ref T bk = ref Unsafe.Add(ref b, k);
            TV z0 = TOps.Load(ref bk), z1 = TOps.Load(ref Unsafe.Add(ref bk, c)), z2 = TOps.Load(ref Unsafe.Add(ref bk, 2 * c)), z3 = TOps.Load(ref Unsafe.Add(ref bk, 3 * c));
            TV z4 = TOps.Load(ref Unsafe.Add(ref bk, 4 * c)), z5 = TOps.Load(ref Unsafe.Add(ref bk, 5 * c)), z6 = TOps.Load(ref Unsafe.Add(ref bk, 6 * c)), z7 = TOps.Load(ref Unsafe.Add(ref bk, 7 * c));
            TV z8 = TOps.Load(ref Unsafe.Add(ref bk, 8 * c)), z9 = TOps.Load(ref Unsafe.Add(ref bk, 9 * c)), z10 = TOps.Load(ref Unsafe.Add(ref bk, 10 * c)), z11 = TOps.Load(ref Unsafe.Add(ref bk, 11 * c));
            TV z12 = TOps.Load(ref Unsafe.Add(ref bk, 12 * c)), z13 = TOps.Load(ref Unsafe.Add(ref bk, 13 * c)), z14 = TOps.Load(ref Unsafe.Add(ref bk, 14 * c)), z15 = TOps.Load(ref Unsafe.Add(ref bk, 15 * c));
            ref T row = ref Unsafe.Add(ref w, k);
            for (int j = 0; j < TLayer.Inputs; j++)
            {
                TV xj = TOps.Broadcast(Unsafe.Add(ref x, j));
                z0 = TOps.MultiplyAdd(xj, TOps.Load(ref row), z0);
                z1 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, c)), z1);
                z2 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 2 * c)), z2);
                z3 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 3 * c)), z3);
                z4 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 4 * c)), z4);
                z5 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 5 * c)), z5);
                z6 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 6 * c)), z6);
                z7 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 7 * c)), z7);
                z8 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 8 * c)), z8);
                z9 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 9 * c)), z9);
                z10 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 10 * c)), z10);
                z11 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 11 * c)), z11);
                z12 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 12 * c)), z12);
                z13 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 13 * c)), z13);
                z14 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 14 * c)), z14);
                z15 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 15 * c)), z15);
                row = ref Unsafe.Add(ref row, n);
            }

            ref T yk = ref Unsafe.Add(ref y, k);
            TOps.Store(z0, ref yk);
            TOps.Store(z1, ref Unsafe.Add(ref yk, c));
            TOps.Store(z2, ref Unsafe.Add(ref yk, 2 * c));
            TOps.Store(z3, ref Unsafe.Add(ref yk, 3 * c));
            TOps.Store(z4, ref Unsafe.Add(ref yk, 4 * c));
            TOps.Store(z5, ref Unsafe.Add(ref yk, 5 * c));
            TOps.Store(z6, ref Unsafe.Add(ref yk, 6 * c));
            TOps.Store(z7, ref Unsafe.Add(ref yk, 7 * c));
            TOps.Store(z8, ref Unsafe.Add(ref yk, 8 * c));
            TOps.Store(z9, ref Unsafe.Add(ref yk, 9 * c));
            TOps.Store(z10, ref Unsafe.Add(ref yk, 10 * c));
            TOps.Store(z11, ref Unsafe.Add(ref yk, 11 * c));
            TOps.Store(z12, ref Unsafe.Add(ref yk, 12 * c));
            TOps.Store(z13, ref Unsafe.Add(ref yk, 13 * c));
            TOps.Store(z14, ref Unsafe.Add(ref yk, 14 * c));
            TOps.Store(z15, ref Unsafe.Add(ref yk, 15 * c));
        }

        // Z[k..k+8c) = b + sum_j x_j W[j, k..k+8c): eight accumulators, one broadcast of x_j per row of W (one pass after
        // the 16-register passes, as many as fit when there were none).
        for (; k + (8 * c) <= n; k += 8 * c)
        {
            ref T bk = ref Unsafe.Add(ref b, k);
            TV z0 = TOps.Load(ref bk), z1 = TOps.Load(ref Unsafe.Add(ref bk, c)), z2 = TOps.Load(ref Unsafe.Add(ref bk, 2 * c)), z3 = TOps.Load(ref Unsafe.Add(ref bk, 3 * c));
            TV z4 = TOps.Load(ref Unsafe.Add(ref bk, 4 * c)), z5 = TOps.Load(ref Unsafe.Add(ref bk, 5 * c)), z6 = TOps.Load(ref Unsafe.Add(ref bk, 6 * c)), z7 = TOps.Load(ref Unsafe.Add(ref bk, 7 * c));
            ref T row = ref Unsafe.Add(ref w, k);
            for (int j = 0; j < TLayer.Inputs; j++)
            {
                TV xj = TOps.Broadcast(Unsafe.Add(ref x, j));
                z0 = TOps.MultiplyAdd(xj, TOps.Load(ref row), z0);
                z1 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, c)), z1);
                z2 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 2 * c)), z2);
                z3 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 3 * c)), z3);
                z4 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 4 * c)), z4);
                z5 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 5 * c)), z5);
                z6 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 6 * c)), z6);
                z7 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 7 * c)), z7);
                row = ref Unsafe.Add(ref row, n);
            }

            ref T yk = ref Unsafe.Add(ref y, k);
            TOps.Store(z0, ref yk);
            TOps.Store(z1, ref Unsafe.Add(ref yk, c));
            TOps.Store(z2, ref Unsafe.Add(ref yk, 2 * c));
            TOps.Store(z3, ref Unsafe.Add(ref yk, 3 * c));
            TOps.Store(z4, ref Unsafe.Add(ref yk, 4 * c));
            TOps.Store(z5, ref Unsafe.Add(ref yk, 5 * c));
            TOps.Store(z6, ref Unsafe.Add(ref yk, 6 * c));
            TOps.Store(z7, ref Unsafe.Add(ref yk, 7 * c));
        }

        // The units left (fewer than 8 registers): up to 4 registers per pass over W's rows, the last possibly partial.
        int registers = (n - k + c - 1) / c;
        if (registers > 4)
        {
            ForwardExampleColumns<TOps, TV, T, TLayer>(ref w, ref b, ref x, ref y, k, 4, 4 * c);
            ForwardExampleColumns<TOps, TV, T, TLayer>(ref w, ref b, ref x, ref y, k + (4 * c), registers - 4, n - k - (4 * c));
        }
        else if (registers > 0)
        {
            ForwardExampleColumns<TOps, TV, T, TLayer>(ref w, ref b, ref x, ref y, k, registers, n - k);
        }

        // A = g(Z), a register at a time, then the units past the last whole register.
        if (TActivation.IsSoftmax)
        {
            SoftmaxExample(ref y, n);
        }
        else if (typeof(TActivation) != typeof(Activations.Identity))
        {
            int vectorUnits = n - (n % c);
            for (int u = 0; u < vectorUnits; u += c)
            {
                ref T cell = ref Unsafe.Add(ref y, u);
                TOps.Store(TActivation.Apply<TOps, TV, T>(TOps.Load(ref cell)), ref cell);
            }

            for (int u = vectorUnits; u < n; u++)
            {
                Unsafe.Add(ref y, u) = TActivation.Apply<Scalar<T>, T, T>(Unsafe.Add(ref y, u));
            }
        }
    }

    /// <summary>
    /// Z of <paramref name="units"/> units from unit <paramref name="k"/> in <paramref name="registers"/> (1 to 4)
    /// registers, the last possibly partial: Z[k..] = b + sum_j x_j W[j, k..], into y. Even and odd rows of W are
    /// summed apart, so two chains per register are in flight (four rows apart, four chains, for one or two
    /// registers). A partial register's loads run past the end of the row's units into the next row (lanes that are
    /// discarded) on every row where that read stays inside W[l]; the last rows, where it would not, are added one
    /// value at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardExampleColumns<TOps, TV, T, TLayer>(ref T w, ref T b, ref T x, ref T y, int k, int registers, int units)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        int n = TLayer.Units;
        int c = TOps.Count;

        // Rows 0..vectorRows-1 read whole registers: row j's last read, j * n + k + registers * c, stays inside W[l].
        int vectorRows = Math.Clamp((((TLayer.Inputs * n) - k - (registers * c)) / n) + 1, 0, TLayer.Inputs);
        TV e0 = TOps.Zero, e1 = TOps.Zero, e2 = TOps.Zero, e3 = TOps.Zero;
        TV o0 = TOps.Zero, o1 = TOps.Zero, o2 = TOps.Zero, o3 = TOps.Zero;
        ref T row = ref Unsafe.Add(ref w, k);
        int j = 0;
        if (registers <= 2)
        {
            // One or two registers: four rows per step (four chains per register), else the FMA latency would bind.
            TV f0 = TOps.Zero, f1 = TOps.Zero, g0 = TOps.Zero, g1 = TOps.Zero;
            for (; j + 4 <= vectorRows; j += 4)
            {
                TV x0 = TOps.Broadcast(Unsafe.Add(ref x, j));
                TV x1 = TOps.Broadcast(Unsafe.Add(ref x, j + 1));
                TV x2 = TOps.Broadcast(Unsafe.Add(ref x, j + 2));
                TV x3 = TOps.Broadcast(Unsafe.Add(ref x, j + 3));
                ref T row1 = ref Unsafe.Add(ref row, n);
                ref T row2 = ref Unsafe.Add(ref row, 2 * n);
                ref T row3 = ref Unsafe.Add(ref row, 3 * n);
                e0 = TOps.MultiplyAdd(x0, TOps.Load(ref row), e0);
                o0 = TOps.MultiplyAdd(x1, TOps.Load(ref row1), o0);
                f0 = TOps.MultiplyAdd(x2, TOps.Load(ref row2), f0);
                g0 = TOps.MultiplyAdd(x3, TOps.Load(ref row3), g0);
                if (registers > 1)
                {
                    e1 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, c)), e1);
                    o1 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref row1, c)), o1);
                    f1 = TOps.MultiplyAdd(x2, TOps.Load(ref Unsafe.Add(ref row2, c)), f1);
                    g1 = TOps.MultiplyAdd(x3, TOps.Load(ref Unsafe.Add(ref row3, c)), g1);
                }

                row = ref Unsafe.Add(ref row, 4 * n);
            }

            e0 = TOps.Add(e0, f0);
            o0 = TOps.Add(o0, g0);
            e1 = TOps.Add(e1, f1);
            o1 = TOps.Add(o1, g1);
        }

        for (; j + 2 <= vectorRows; j += 2)
        {
            TV x0 = TOps.Broadcast(Unsafe.Add(ref x, j));
            TV x1 = TOps.Broadcast(Unsafe.Add(ref x, j + 1));
            ref T next = ref Unsafe.Add(ref row, n);
            e0 = TOps.MultiplyAdd(x0, TOps.Load(ref row), e0);
            o0 = TOps.MultiplyAdd(x1, TOps.Load(ref next), o0);
            if (registers > 1)
            {
                e1 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, c)), e1);
                o1 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref next, c)), o1);
            }

            if (registers > 2)
            {
                e2 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, 2 * c)), e2);
                o2 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref next, 2 * c)), o2);
            }

            if (registers > 3)
            {
                e3 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, 3 * c)), e3);
                o3 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref next, 3 * c)), o3);
            }

            row = ref Unsafe.Add(ref row, 2 * n);
        }

        if (j < vectorRows)
        {
            TV x0 = TOps.Broadcast(Unsafe.Add(ref x, j));
            e0 = TOps.MultiplyAdd(x0, TOps.Load(ref row), e0);
            if (registers > 1)
            {
                e1 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, c)), e1);
            }

            if (registers > 2)
            {
                e2 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, 2 * c)), e2);
            }

            if (registers > 3)
            {
                e3 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, 3 * c)), e3);
            }

            j++;
        }

        if (units == registers * c && vectorRows == TLayer.Inputs)
        {
            // Whole registers, every row summed: add b and store.
            TOps.Store(TOps.Add(TOps.Add(e0, o0), TOps.Load(ref Unsafe.Add(ref b, k))), ref Unsafe.Add(ref y, k));
            if (registers > 1)
            {
                TOps.Store(TOps.Add(TOps.Add(e1, o1), TOps.Load(ref Unsafe.Add(ref b, k + c))), ref Unsafe.Add(ref y, k + c));
            }

            if (registers > 2)
            {
                TOps.Store(TOps.Add(TOps.Add(e2, o2), TOps.Load(ref Unsafe.Add(ref b, k + (2 * c)))), ref Unsafe.Add(ref y, k + (2 * c)));
            }

            if (registers > 3)
            {
                TOps.Store(TOps.Add(TOps.Add(e3, o3), TOps.Load(ref Unsafe.Add(ref b, k + (3 * c)))), ref Unsafe.Add(ref y, k + (3 * c)));
            }

            return;
        }

        // Otherwise through the stack: the rows left one value at a time, then b, then the real units to y.
        // 64-byte aligned: a register store that straddles two cache lines does not forward to the loads after it.
        Span<T> sums = RegisterMath.Aligned64(stackalloc T[(4 * TOps.Count) + 15], 4 * TOps.Count);
        ref T z = ref MemoryMarshal.GetReference(sums);
        TOps.Store(TOps.Add(e0, o0), ref z);
        TOps.Store(TOps.Add(e1, o1), ref Unsafe.Add(ref z, c));
        TOps.Store(TOps.Add(e2, o2), ref Unsafe.Add(ref z, 2 * c));
        TOps.Store(TOps.Add(e3, o3), ref Unsafe.Add(ref z, 3 * c));
        for (; j < TLayer.Inputs; j++)
        {
            T xj = Unsafe.Add(ref x, j);
            ref T weights = ref Unsafe.Add(ref w, (j * n) + k);
            for (int u = 0; u < units; u++)
            {
                Unsafe.Add(ref z, u) += xj * Unsafe.Add(ref weights, u);
            }
        }

        for (int u = 0; u < units; u++)
        {
            Unsafe.Add(ref y, k + u) = Unsafe.Add(ref z, u) + Unsafe.Add(ref b, k + u);
        }
    }

    /// <summary>softmax over the n values at y, in place: e^(z_k - max z) / sum_j e^(z_j - max z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void SoftmaxExample<T>(ref T y, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = y;
        for (int k = 1; k < n; k++)
        {
            max = Scalar<T>.Max(max, Unsafe.Add(ref y, k));
        }

        T sum = T.Zero;
        for (int k = 0; k < n; k++)
        {
            T e = ExpOfDifference<Scalar<T>, T, T>(Unsafe.Add(ref y, k), max);
            Unsafe.Add(ref y, k) = e;
            sum += e;
        }

        T inverse = T.One / sum;
        for (int k = 0; k < n; k++)
        {
            Unsafe.Add(ref y, k) *= inverse;
        }
    }
}
#endif
