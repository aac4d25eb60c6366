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
    // ------------------------------------------------------------------ batch blocks, examples in lanes

    /// <summary>
    /// Z[l] and A[l] of a block: Z^T = W^T A[l-1]^T + b broadcast over lanes, A = g(Z), all in lanes.
    /// </summary>
    /// <param name="parameters">All parameters of the network.</param>
    /// <param name="input">A[l-1] of the block in lanes (n_{l-1} x <see cref="LaneStride"/>).</param>
    /// <param name="z">Receives Z[l] in lanes, or is empty when only A[l] is wanted.</param>
    /// <param name="output">Receives A[l] in lanes (n_l x <see cref="LaneStride"/>).</param>
    /// <param name="rows">The examples in the block (1 to <see cref="LaneStride"/>).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardBlock<TLayer, TActivation, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> z, Span<T> output, int rows)
        where TLayer : IDenseLayer
        where TActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T x = ref MemoryMarshal.GetReference(input);
        ref T zr = ref MemoryMarshal.GetReference(z);
        ref T a = ref MemoryMarshal.GetReference(output);
        bool keepZ = !z.IsEmpty;
        Dispatch<ForwardBlockKernel<TLayer, TActivation, T>, T>(ref p, ref x, ref zr, ref a, ref None<T>(), ref None<T>(), rows, 0, keepZ);
    }

    /// <summary><see cref="ForwardBlock{TOps, TV, T, TLayer, TActivation}"/> at the width <see cref="Dispatch"/> picks.</summary>
    private readonly struct ForwardBlockKernel<TLayer, TActivation, T> : ILaneKernel<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run<TOps, TV, TElement>(ref TElement p, ref TElement x, ref TElement z, ref TElement a, ref TElement unused4, ref TElement unused5, int rows, int unused7, bool keepZ)
            where TOps : ILanes<TV, TElement>
            where TV : struct
            where TElement : unmanaged, IFloatingPointIeee754<TElement> =>
            ForwardBlock<TOps, TV, TElement, TLayer, TActivation>(ref p, ref x, ref z, keepZ, ref a, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardBlock<TOps, TV, T, TLayer, TActivation>(ref T p, ref T x, ref T z, bool keepZ, ref T a, int rows)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        // A layer with tiles of 6 runs every tile inlined (the steady-state path of wide layers). A narrow layer (fewer
        // than six units, or eight: no tile of 6) calls its one or two tiles instead: the JIT compiles a method on its
        // first call only, so a narrow layer's first call compiles the tile it uses rather than all four inlined and
        // then discarded (issue 19, "The first call": XOR's 2-4-1 first Fit 165 -> 103 ms of JIT on this machine).
        if (SixTiles(TLayer.Units) > 0)
        {
            ForwardBlockWide<TOps, TV, T, TLayer, TActivation>(ref p, ref x, ref z, keepZ, ref a, rows);
        }
        else
        {
            ForwardBlockNarrow<TOps, TV, T, TLayer, TActivation>(ref p, ref x, ref z, keepZ, ref a, rows);
        }

        if (TActivation.IsSoftmax)
        {
            int tile = 2 * TOps.Count;
            SoftmaxLanes<TOps, TV, T>(ref a, TLayer.Units, (rows + tile - 1) / tile * tile);
        }
    }

    /// <summary>Z[l] and A[l] of a block for a layer with tiles of 6: units in tiles of 6 (12 accumulators), inlined, then
    /// tiles of 4, 2 and 1 for the rest (see SixTiles), called: each compiled on its first call only.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardBlockWide<TOps, TV, T, TLayer, TActivation>(ref T p, ref T x, ref T z, bool keepZ, ref T a, int rows)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int tile = 2 * TOps.Count;
        int lanes = (rows + tile - 1) / tile * tile;
        int n = TLayer.Units;
        int inputBlock = InputBlock<T>(n);
        int blocks = (TLayer.Inputs + inputBlock - 1) / inputBlock;
        int span = (TLayer.Inputs + blocks - 1) / blocks;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref T b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        int sixes = SixTiles(n);
        for (int j0 = 0; j0 < TLayer.Inputs; j0 += span)
        {
            int count = Math.Min(span, TLayer.Inputs - j0);
            bool first = j0 == 0;
            bool last = j0 + count == TLayer.Inputs;
            for (int i = 0; i < lanes; i += tile)
            {
                int k = 0;
                for (; k < sixes; k += 6)
                {
                    ForwardTile6<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                }

                for (; k + 4 <= n; k += 4)
                {
                    ForwardTile4Alone<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                }

                if (k + 2 <= n)
                {
                    ForwardTile2Alone<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                    k += 2;
                }

                if (k < n)
                {
                    ForwardTile1Alone<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                }
            }
        }
    }

    /// <summary>Z[l] and A[l] of a block for a layer without tiles of 6 (up to 5 units, or 8): the tiles of 4, 2 and 1
    /// as calls (ForwardTile4Alone, ...), so only the ones this layer uses are ever compiled.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardBlockNarrow<TOps, TV, T, TLayer, TActivation>(ref T p, ref T x, ref T z, bool keepZ, ref T a, int rows)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int tile = 2 * TOps.Count;
        int lanes = (rows + tile - 1) / tile * tile;
        int n = TLayer.Units;
        int inputBlock = InputBlock<T>(n);
        int blocks = (TLayer.Inputs + inputBlock - 1) / inputBlock;
        int span = (TLayer.Inputs + blocks - 1) / blocks;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref T b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        for (int j0 = 0; j0 < TLayer.Inputs; j0 += span)
        {
            int count = Math.Min(span, TLayer.Inputs - j0);
            bool first = j0 == 0;
            bool last = j0 + count == TLayer.Inputs;
            for (int i = 0; i < lanes; i += tile)
            {
                int k = 0;
                for (; k + 4 <= n; k += 4)
                {
                    ForwardTile4Alone<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                }

                if (k + 2 <= n)
                {
                    ForwardTile2Alone<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                    k += 2;
                }

                if (k < n)
                {
                    ForwardTile1Alone<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                }
            }
        }
    }

    /// <summary>The tile of 4 units as a call of its own (<see cref="ForwardBlockNarrow"/>, and the rest after the tiles of 6
    /// in <see cref="ForwardBlockWide"/>), compiled on its first call only.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile4Alone<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
        => ForwardTile4<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);

    /// <summary>The tile of 2 units as a call of its own (<see cref="ForwardBlockNarrow"/>, and the rest after the tiles of 6
    /// in <see cref="ForwardBlockWide"/>), compiled on its first call only.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile2Alone<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
        => ForwardTile2<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);

    /// <summary>The tile of 1 unit as a call of its own (<see cref="ForwardBlockNarrow"/>, and the rest after the tiles of 6
    /// in <see cref="ForwardBlockWide"/>), compiled on its first call only.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile1Alone<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
        => ForwardTile1<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);

    /// <summary>Units k..k+5 of lanes i..i+2c over inputs j0..j0+count: 12 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile6<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int c = TOps.Count;
        int at = (k * LaneStride) + i;
        TV z00, z01, z10, z11, z20, z21, z30, z31, z40, z41, z50, z51;
        if (first)
        {
            z00 = TOps.Broadcast(Unsafe.Add(ref b, k + 0));
            z01 = z00;
            z10 = TOps.Broadcast(Unsafe.Add(ref b, k + 1));
            z11 = z10;
            z20 = TOps.Broadcast(Unsafe.Add(ref b, k + 2));
            z21 = z20;
            z30 = TOps.Broadcast(Unsafe.Add(ref b, k + 3));
            z31 = z30;
            z40 = TOps.Broadcast(Unsafe.Add(ref b, k + 4));
            z41 = z40;
            z50 = TOps.Broadcast(Unsafe.Add(ref b, k + 5));
            z51 = z50;
        }
        else
        {
            // The sums of the earlier input blocks, parked in the output.
            z00 = TOps.Load(ref Unsafe.Add(ref a, at));
            z01 = TOps.Load(ref Unsafe.Add(ref a, at + c));
            z10 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride)));
            z11 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride) + c));
            z20 = TOps.Load(ref Unsafe.Add(ref a, at + (2 * LaneStride)));
            z21 = TOps.Load(ref Unsafe.Add(ref a, at + (2 * LaneStride) + c));
            z30 = TOps.Load(ref Unsafe.Add(ref a, at + (3 * LaneStride)));
            z31 = TOps.Load(ref Unsafe.Add(ref a, at + (3 * LaneStride) + c));
            z40 = TOps.Load(ref Unsafe.Add(ref a, at + (4 * LaneStride)));
            z41 = TOps.Load(ref Unsafe.Add(ref a, at + (4 * LaneStride) + c));
            z50 = TOps.Load(ref Unsafe.Add(ref a, at + (5 * LaneStride)));
            z51 = TOps.Load(ref Unsafe.Add(ref a, at + (5 * LaneStride) + c));
        }

        ref T xj = ref Unsafe.Add(ref x, (j0 * LaneStride) + i);
        ref T wj = ref Unsafe.Add(ref w, (j0 * TLayer.Units) + k);
        for (int j = 0; j < count; j++)
        {
            TV x0 = TOps.Load(ref xj);
            TV x1 = TOps.Load(ref Unsafe.Add(ref xj, c));
            TV w0 = TOps.Broadcast(wj);
            z00 = TOps.MultiplyAdd(w0, x0, z00);
            z01 = TOps.MultiplyAdd(w0, x1, z01);
            TV w1 = TOps.Broadcast(Unsafe.Add(ref wj, 1));
            z10 = TOps.MultiplyAdd(w1, x0, z10);
            z11 = TOps.MultiplyAdd(w1, x1, z11);
            TV w2 = TOps.Broadcast(Unsafe.Add(ref wj, 2));
            z20 = TOps.MultiplyAdd(w2, x0, z20);
            z21 = TOps.MultiplyAdd(w2, x1, z21);
            TV w3 = TOps.Broadcast(Unsafe.Add(ref wj, 3));
            z30 = TOps.MultiplyAdd(w3, x0, z30);
            z31 = TOps.MultiplyAdd(w3, x1, z31);
            TV w4 = TOps.Broadcast(Unsafe.Add(ref wj, 4));
            z40 = TOps.MultiplyAdd(w4, x0, z40);
            z41 = TOps.MultiplyAdd(w4, x1, z41);
            TV w5 = TOps.Broadcast(Unsafe.Add(ref wj, 5));
            z50 = TOps.MultiplyAdd(w5, x0, z50);
            z51 = TOps.MultiplyAdd(w5, x1, z51);
            xj = ref Unsafe.Add(ref xj, LaneStride);
            wj = ref Unsafe.Add(ref wj, TLayer.Units);
        }

        FinishForward<TOps, TV, T, TActivation>(z00, z01, ref z, keepZ, ref a, at, last);
        FinishForward<TOps, TV, T, TActivation>(z10, z11, ref z, keepZ, ref a, at + (1 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z20, z21, ref z, keepZ, ref a, at + (2 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z30, z31, ref z, keepZ, ref a, at + (3 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z40, z41, ref z, keepZ, ref a, at + (4 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z50, z51, ref z, keepZ, ref a, at + (5 * LaneStride), last);
        ActivateRows<TOps, TV, T, TActivation>(ref a, at, 6, last);
    }

    /// <summary>Units k..k+3 of lanes i..i+2c over inputs j0..j0+count: 8 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile4<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int c = TOps.Count;
        int at = (k * LaneStride) + i;
        TV z00, z01, z10, z11, z20, z21, z30, z31;
        if (first)
        {
            z00 = TOps.Broadcast(Unsafe.Add(ref b, k + 0));
            z01 = z00;
            z10 = TOps.Broadcast(Unsafe.Add(ref b, k + 1));
            z11 = z10;
            z20 = TOps.Broadcast(Unsafe.Add(ref b, k + 2));
            z21 = z20;
            z30 = TOps.Broadcast(Unsafe.Add(ref b, k + 3));
            z31 = z30;
        }
        else
        {
            // The sums of the earlier input blocks, parked in the output.
            z00 = TOps.Load(ref Unsafe.Add(ref a, at));
            z01 = TOps.Load(ref Unsafe.Add(ref a, at + c));
            z10 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride)));
            z11 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride) + c));
            z20 = TOps.Load(ref Unsafe.Add(ref a, at + (2 * LaneStride)));
            z21 = TOps.Load(ref Unsafe.Add(ref a, at + (2 * LaneStride) + c));
            z30 = TOps.Load(ref Unsafe.Add(ref a, at + (3 * LaneStride)));
            z31 = TOps.Load(ref Unsafe.Add(ref a, at + (3 * LaneStride) + c));
        }

        ref T xj = ref Unsafe.Add(ref x, (j0 * LaneStride) + i);
        ref T wj = ref Unsafe.Add(ref w, (j0 * TLayer.Units) + k);
        for (int j = 0; j < count; j++)
        {
            TV x0 = TOps.Load(ref xj);
            TV x1 = TOps.Load(ref Unsafe.Add(ref xj, c));
            TV w0 = TOps.Broadcast(wj);
            z00 = TOps.MultiplyAdd(w0, x0, z00);
            z01 = TOps.MultiplyAdd(w0, x1, z01);
            TV w1 = TOps.Broadcast(Unsafe.Add(ref wj, 1));
            z10 = TOps.MultiplyAdd(w1, x0, z10);
            z11 = TOps.MultiplyAdd(w1, x1, z11);
            TV w2 = TOps.Broadcast(Unsafe.Add(ref wj, 2));
            z20 = TOps.MultiplyAdd(w2, x0, z20);
            z21 = TOps.MultiplyAdd(w2, x1, z21);
            TV w3 = TOps.Broadcast(Unsafe.Add(ref wj, 3));
            z30 = TOps.MultiplyAdd(w3, x0, z30);
            z31 = TOps.MultiplyAdd(w3, x1, z31);
            xj = ref Unsafe.Add(ref xj, LaneStride);
            wj = ref Unsafe.Add(ref wj, TLayer.Units);
        }

        FinishForward<TOps, TV, T, TActivation>(z00, z01, ref z, keepZ, ref a, at, last);
        FinishForward<TOps, TV, T, TActivation>(z10, z11, ref z, keepZ, ref a, at + (1 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z20, z21, ref z, keepZ, ref a, at + (2 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z30, z31, ref z, keepZ, ref a, at + (3 * LaneStride), last);
        ActivateRows<TOps, TV, T, TActivation>(ref a, at, 4, last);
    }

    /// <summary>Units k..k+1 of lanes i..i+2c over inputs j0..j0+count: 4 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile2<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int c = TOps.Count;
        int at = (k * LaneStride) + i;
        TV z00, z01, z10, z11;
        if (first)
        {
            z00 = TOps.Broadcast(Unsafe.Add(ref b, k + 0));
            z01 = z00;
            z10 = TOps.Broadcast(Unsafe.Add(ref b, k + 1));
            z11 = z10;
        }
        else
        {
            // The sums of the earlier input blocks, parked in the output.
            z00 = TOps.Load(ref Unsafe.Add(ref a, at));
            z01 = TOps.Load(ref Unsafe.Add(ref a, at + c));
            z10 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride)));
            z11 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride) + c));
        }

        ref T xj = ref Unsafe.Add(ref x, (j0 * LaneStride) + i);
        ref T wj = ref Unsafe.Add(ref w, (j0 * TLayer.Units) + k);
        for (int j = 0; j < count; j++)
        {
            TV x0 = TOps.Load(ref xj);
            TV x1 = TOps.Load(ref Unsafe.Add(ref xj, c));
            TV w0 = TOps.Broadcast(wj);
            z00 = TOps.MultiplyAdd(w0, x0, z00);
            z01 = TOps.MultiplyAdd(w0, x1, z01);
            TV w1 = TOps.Broadcast(Unsafe.Add(ref wj, 1));
            z10 = TOps.MultiplyAdd(w1, x0, z10);
            z11 = TOps.MultiplyAdd(w1, x1, z11);
            xj = ref Unsafe.Add(ref xj, LaneStride);
            wj = ref Unsafe.Add(ref wj, TLayer.Units);
        }

        FinishForward<TOps, TV, T, TActivation>(z00, z01, ref z, keepZ, ref a, at, last);
        FinishForward<TOps, TV, T, TActivation>(z10, z11, ref z, keepZ, ref a, at + (1 * LaneStride), last);
        ActivateRows<TOps, TV, T, TActivation>(ref a, at, 2, last);
    }

    /// <summary>Units k..k+0 of lanes i..i+2c over inputs j0..j0+count: 2 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ForwardTile1<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int c = TOps.Count;
        int at = (k * LaneStride) + i;
        TV z00, z01;
        if (first)
        {
            z00 = TOps.Broadcast(Unsafe.Add(ref b, k + 0));
            z01 = z00;
        }
        else
        {
            // The sums of the earlier input blocks, parked in the output.
            z00 = TOps.Load(ref Unsafe.Add(ref a, at));
            z01 = TOps.Load(ref Unsafe.Add(ref a, at + c));
        }

        ref T xj = ref Unsafe.Add(ref x, (j0 * LaneStride) + i);
        ref T wj = ref Unsafe.Add(ref w, (j0 * TLayer.Units) + k);
        for (int j = 0; j < count; j++)
        {
            TV x0 = TOps.Load(ref xj);
            TV x1 = TOps.Load(ref Unsafe.Add(ref xj, c));
            TV w0 = TOps.Broadcast(wj);
            z00 = TOps.MultiplyAdd(w0, x0, z00);
            z01 = TOps.MultiplyAdd(w0, x1, z01);
            xj = ref Unsafe.Add(ref xj, LaneStride);
            wj = ref Unsafe.Add(ref wj, TLayer.Units);
        }

        FinishForward<TOps, TV, T, TActivation>(z00, z01, ref z, keepZ, ref a, at, last);
        ActivateRows<TOps, TV, T, TActivation>(ref a, at, 1, last);
    }

    /// <summary>
    /// The tile epilogue: the sums go to the output (after the last input block also to Z, if asked); the activation
    /// follows in <see cref="ActivateRows"/> while the tile is still in L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void FinishForward<TOps, TV, T, TActivation>(TV z0, TV z1, ref T z, bool keepZ, ref T a, int at, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TActivation : IActivation
    {
        int c = TOps.Count;
        if (keepZ && last)
        {
            TOps.Store(z0, ref Unsafe.Add(ref z, at));
            TOps.Store(z1, ref Unsafe.Add(ref z, at + c));
        }

        // typeof(...) == typeof(...) folds while the JIT imports this method, so for the other activations the
        // branch below is never imported and Apply's polynomial is not inlined 26 times and then discarded (issue 19:
        // a call to IsCheap here folded only after inlining, and compiling the digits 64-to-32 tanh block took 10 ms).
        if (last && (typeof(TActivation) == typeof(Activations.ReLU) || typeof(TActivation) == typeof(Activations.LeakyReLU)))
        {
            // A cheap g (one or two instructions per register) is applied here in registers, saving a pass.
            z0 = TActivation.Apply<TOps, TV, T>(z0);
            z1 = TActivation.Apply<TOps, TV, T>(z1);
        }

        TOps.Store(z0, ref Unsafe.Add(ref a, at));
        TOps.Store(z1, ref Unsafe.Add(ref a, at + c));
    }

    /// <summary>
    /// Whether g costs so little (ReLU, leaky ReLU: a compare and a select) that the tile epilogue applies it in
    /// registers; the others are applied by <see cref="ActivateRowsCore"/>, so their polynomials are inlined once.
    /// <see cref="FinishForward"/> writes this test out instead of calling it: a call folds only after the JIT has
    /// inlined what the condition guards.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static bool IsCheap<TActivation>()
        where TActivation : IActivation =>
        typeof(TActivation) == typeof(Activations.ReLU) || typeof(TActivation) == typeof(Activations.LeakyReLU);

    /// <summary>
    /// A = g(Z) in place for the <paramref name="units"/> rows of one tile (2 registers each), after the last input block.
    /// One loop, so g is inlined once however many tiles there are (softmax: left to <see cref="SoftmaxLanes"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ActivateRows<TOps, TV, T, TActivation>(ref T a, int at, int units, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TActivation : IActivation
    {
        if (!last || TActivation.IsSoftmax || typeof(TActivation) == typeof(Activations.Identity) || IsCheap<TActivation>())
        {
            return;
        }

        ActivateRowsCore<TOps, TV, T, TActivation>(ref a, at, units);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ActivateRowsCore<TOps, TV, T, TActivation>(ref T a, int at, int units)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TActivation : IActivation
    {
        int c = TOps.Count;
        for (int u = 0; u < units; u++)
        {
            ref T row = ref Unsafe.Add(ref a, at + (u * LaneStride));
            for (int v = 0; v < 2 * c; v += c)
            {
                ref T cell = ref Unsafe.Add(ref row, v);
                TOps.Store(TActivation.Apply<TOps, TV, T>(TOps.Load(ref cell)), ref cell);
            }
        }
    }

    /// <summary>
    /// e^(z - max) with the rounding error r of d = z - max put back: e^(d + r) = e^d (1 + r) to first order. Without it a
    /// softmax probability far below the largest (z - max = -16, say) would carry a relative error of 16 ulps of 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    internal static TV ExpOfDifference<TOps, TV, T>(TV z, TV max)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Knuth's TwoSum for z + (-max): d + r = z - max exactly. NaN and infinities make r NaN only when d is NaN too.
        TV d = TOps.Subtract(z, max);
        TV zPart = TOps.Add(d, max);
        TV maxPart = TOps.Subtract(zPart, d);
        TV r = TOps.Add(TOps.Subtract(z, zPart), TOps.Subtract(maxPart, max));
        TV e = TOps.Exp(d);
        TV corrected = TOps.MultiplyAdd(e, r, e);

        // Where d is -infinity (a -infinity logit), r is NaN but e^d is 0: keep e.
        return TOps.SelectEqual(r, r, corrected, e);
    }

    /// <summary>softmax across the n unit rows of each lane, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxLanes<TOps, TV, T>(ref T a, int n, int lanes)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < lanes; i += TOps.Count)
        {
            ref T column = ref Unsafe.Add(ref a, i);
            TV max = TOps.Load(ref column);
            for (int k = 1; k < n; k++)
            {
                max = TOps.Max(max, TOps.Load(ref Unsafe.Add(ref column, k * LaneStride)));
            }

            TV sum = TOps.Zero;
            for (int k = 0; k < n; k++)
            {
                ref T at = ref Unsafe.Add(ref column, k * LaneStride);
                TV e = ExpOfDifference<TOps, TV, T>(TOps.Load(ref at), max);
                TOps.Store(e, ref at);
                sum = TOps.Add(sum, e);
            }

            TV inverse = TOps.Divide(TOps.Broadcast(T.One), sum);
            for (int k = 0; k < n; k++)
            {
                ref T at = ref Unsafe.Add(ref column, k * LaneStride);
                TOps.Store(TOps.Multiply(TOps.Load(ref at), inverse), ref at);
            }
        }
    }
}
#endif
