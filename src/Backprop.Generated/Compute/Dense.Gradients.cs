#if NET8_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Generated.Compute;

public static partial class Dense
{
    // ------------------------------------------------------------------ dW[l] += A[l-1]^T dZ[l], db[l] += column sums of dZ[l]

    /// <summary>
    /// Adds the block's dW[l] = A[l-1]^T dZ[l] and db[l] = column sums of dZ[l] (not yet scaled by 1/m) into
    /// <paramref name="sums"/>, which holds dW[l] with rows padded to <see cref="Padded"/>(n_l) values, then db[l];
    /// for the first block of a batch (<paramref name="first"/>) it stores them instead, so the sums need no clearing.
    /// dZ[l] is first copied to row-major rows (<paramref name="dzRows"/>, <see cref="LaneStride"/> x padded n_l),
    /// so the product runs as register tiles of 6 rows of dW x 2 registers of units, with no horizontal sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateGradients<TLayer, T>(ReadOnlySpan<T> aPrevious, ReadOnlySpan<T> dz, Span<T> dzRows, Span<T> sums, int rows, bool first = false)
        where TLayer : IDenseLayer
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T ap = ref MemoryMarshal.GetReference(aPrevious);
        ref T d = ref MemoryMarshal.GetReference(dz);
        ref T dr = ref MemoryMarshal.GetReference(dzRows);
        ref T s = ref MemoryMarshal.GetReference(sums);
        Dispatch<AccumulateGradientsKernel<TLayer, T>, T>(ref ap, ref d, ref dr, ref s, ref None<T>(), ref None<T>(), rows, 0, first);
    }

    /// <summary><see cref="AccumulateGradients{TOps, TV, T, TLayer}"/> at the width <see cref="Dispatch"/> picks.</summary>
    private readonly struct AccumulateGradientsKernel<TLayer, T> : ILaneKernel<T>
        where TLayer : IDenseLayer
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run<TOps, TV, TElement>(ref TElement aPrevious, ref TElement dz, ref TElement dzRows, ref TElement sums, ref TElement unused4, ref TElement unused5, int rows, int unused7, bool first)
            where TOps : ILanes<TV, TElement>
            where TV : struct
            where TElement : unmanaged, IFloatingPointIeee754<TElement> =>
            AccumulateGradients<TOps, TV, TElement, TLayer>(ref aPrevious, ref dz, ref dzRows, ref sums, rows, first);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AccumulateGradients<TOps, TV, T, TLayer>(ref T aPrevious, ref T dz, ref T dzRows, ref T sums, int rows, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        // Fewer units than a register holds: each dW[j, k] is a dot product along the lanes instead, which needs no copy
        // of dZ into rows (the GEMM would leave most of every register empty). Two methods, called rather than inlined:
        // the JIT compiles a method on its first call only, so a layer's first call compiles the form it uses
        // (issue 19, "The first call").
        if (TLayer.Units < TOps.Count)
        {
            AccumulateNarrowGradients<TOps, TV, T>(ref aPrevious, ref dz, ref sums, rows, TLayer.Inputs, TLayer.Units, first);
        }
        else
        {
            AccumulateWideGradients<TOps, TV, T>(ref aPrevious, ref dz, ref dzRows, ref sums, rows, TLayer.Inputs, TLayer.Units, first);
        }
    }

    /// <summary>dW[l] and db[l] sums of a block for a layer of <paramref name="inputs"/> x <paramref name="n"/>, at least one
    /// register of units: dZ into rows, then a GEMM of register tiles. The sizes are arguments, not a layer type, so the
    /// JIT compiles this once per process and vector width for every layer and network (issue 19, "The first call"):
    /// nothing in it gains from a constant size, as every loop already runs to the block's rows.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateWideGradients<TOps, TV, T>(ref T aPrevious, ref T dz, ref T dzRows, ref T sums, int rows, int inputs, int n, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = TOps.Count;
        int stride = GradientStride(n);
        int registers = (n + c - 1) / c;

        // dZ rows: dzRows[i, k] = dZ[k, i]; the columns up to the last register read are zero so they add nothing below.
        LanesToRows(ref dz, n, rows, ref dzRows, stride);
        if (n < registers * c)
        {
            for (int i = 0; i < rows; i++)
            {
                ref T row = ref Unsafe.Add(ref dzRows, i * stride);
                for (int k = n; k < registers * c; k++)
                {
                    Unsafe.Add(ref row, k) = T.Zero;
                }
            }
        }

        // db += sum over rows of dZ
        ref T db = ref Unsafe.Add(ref sums, inputs * stride);
        for (int r = 0; r < registers; r++)
        {
            ref T column = ref Unsafe.Add(ref dzRows, r * c);
            TV t0 = TOps.Zero, t1 = TOps.Zero;
            int i = 0;
            for (; i + 2 <= rows; i += 2)
            {
                t0 = TOps.Add(t0, TOps.Load(ref Unsafe.Add(ref column, i * stride)));
                t1 = TOps.Add(t1, TOps.Load(ref Unsafe.Add(ref column, (i + 1) * stride)));
            }

            if (i < rows)
            {
                t0 = TOps.Add(t0, TOps.Load(ref Unsafe.Add(ref column, i * stride)));
            }

            Put<TOps, TV, T>(ref Unsafe.Add(ref db, r * c), TOps.Add(t0, t1), first);
        }

        // dW[j, :] += sum_i A[j, i] dZ[i, :], one slice of 2 registers of units at a time (its dZ rows stay in L1) down all
        // rows j of dW, then a last slice of one register.
        int v = 0;
        for (; v + 2 <= registers; v += 2)
        {
            WeightGradientsTwoRegisters<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, inputs, v * c, first);
        }

        if (v < registers)
        {
            WeightGradientsOneRegister<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, inputs, v * c, first);
        }
    }

    /// <summary>
    /// dW[j, k..k+2c) += sum_i A[j, i] dZ[i, k..k+2c) for every row j of dW: tiles of 6 rows (12 accumulators), then 4, then
    /// one at a time (see SixTiles). Generic over the vector width only, not the layer, so the JIT compiles it once per
    /// process for every layer and network that uses it (issue 19, "The first call"); the call is once per slice.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientsTwoRegisters<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int inputs, int k, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = TOps.Count;
        int sixes = SixTiles(inputs);
        int j = 0;
        for (; j < sixes; j += 6)
        {
            WeightGradientTile6x2<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
        }

        for (; j + 4 <= inputs; j += 4)
        {
            WeightGradientTile4x2<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
        }

        for (; j < inputs; j++)
        {
            WeightGradientTile1x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
            WeightGradientTile1x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k + c, first);
        }
    }

    /// <summary>
    /// dW[j, k..k+c) += sum_i A[j, i] dZ[i, k..k+c) for every row j of dW, one register of units: tiles of 8 rows of dW, so
    /// 8 independent multiply-add chains hide the latency, then 4, then one. Compiled once per process, as
    /// <see cref="WeightGradientsTwoRegisters"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientsOneRegister<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int inputs, int k, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int j = 0;
        for (; j + 8 <= inputs; j += 8)
        {
            WeightGradientTile8x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
        }

        for (; j + 4 <= inputs; j += 4)
        {
            WeightGradientTile4x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
        }

        for (; j < inputs; j++)
        {
            WeightGradientTile1x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientTile1x1<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int j, int k, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Four partial sums over the rows, so four multiply-adds are in flight instead of one chain of 64.
        TV g0 = TOps.Zero, g1 = TOps.Zero, g2 = TOps.Zero, g3 = TOps.Zero;

        // A[j, i], advanced with i, as in the wider tiles.
        ref T ai = ref Unsafe.Add(ref aPrevious, j * LaneStride);
        ref T d = ref Unsafe.Add(ref dzRows, k);
        int i = 0;
        for (; i + 4 <= rows; i += 4)
        {
            g0 = TOps.MultiplyAdd(TOps.Broadcast(ai), TOps.Load(ref d), g0);
            g1 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 1)), TOps.Load(ref Unsafe.Add(ref d, stride)), g1);
            g2 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 2)), TOps.Load(ref Unsafe.Add(ref d, 2 * stride)), g2);
            g3 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 3)), TOps.Load(ref Unsafe.Add(ref d, 3 * stride)), g3);
            d = ref Unsafe.Add(ref d, 4 * stride);
            ai = ref Unsafe.Add(ref ai, 4);
        }

        for (; i < rows; i++)
        {
            g0 = TOps.MultiplyAdd(TOps.Broadcast(ai), TOps.Load(ref d), g0);
            d = ref Unsafe.Add(ref d, stride);
            ai = ref Unsafe.Add(ref ai, 1);
        }

        ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
        Put<TOps, TV, T>(ref target, TOps.Add(TOps.Add(g0, g1), TOps.Add(g2, g3)), first);
    }

    /// <summary>dW[j, k] += sum_i A[j, i] dZ[k, i] and db[k] += sum_i dZ[k, i], each a dot product along the lanes, for a
    /// layer of <paramref name="inputs"/> x <paramref name="n"/> (sizes as arguments: compiled once per process and width).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AccumulateNarrowGradients<TOps, TV, T>(ref T aPrevious, ref T dz, ref T sums, int rows, int inputs, int n, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = GradientStride(n);
        ref T db = ref Unsafe.Add(ref sums, inputs * stride);
        for (int k = 0; k < n; k++)
        {
            ref T dzk = ref Unsafe.Add(ref dz, k * LaneStride);
            T dbk = SumLanes<TOps, TV, T>(ref dzk, rows);
            Unsafe.Add(ref db, k) = first ? dbk : Unsafe.Add(ref db, k) + dbk;
            for (int j = 0; j < inputs; j++)
            {
                T dw = DotLanes<TOps, TV, T>(ref Unsafe.Add(ref aPrevious, j * LaneStride), ref dzk, rows);
                ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
                target = first ? dw : target + dw;
            }
        }
    }

    /// <summary>sum over the first <paramref name="rows"/> lanes of x * y (the lanes past them hold padding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static T DotLanes<TOps, TV, T>(ref T x, ref T y, int rows)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = TOps.Count;
        TV s0 = TOps.Zero, s1 = TOps.Zero;
        int i = 0;
        for (; i + (2 * c) <= rows; i += 2 * c)
        {
            s0 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref x, i)), TOps.Load(ref Unsafe.Add(ref y, i)), s0);
            s1 = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref x, i + c)), TOps.Load(ref Unsafe.Add(ref y, i + c)), s1);
        }

        T sum = TOps.Sum(TOps.Add(s0, s1));
        for (; i < rows; i++)
        {
            sum += Unsafe.Add(ref x, i) * Unsafe.Add(ref y, i);
        }

        return sum;
    }

    /// <summary>sum of the first <paramref name="rows"/> lanes of x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static T SumLanes<TOps, TV, T>(ref T x, int rows)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = TOps.Count;
        TV s0 = TOps.Zero;
        int i = 0;
        for (; i + c <= rows; i += c)
        {
            s0 = TOps.Add(s0, TOps.Load(ref Unsafe.Add(ref x, i)));
        }

        T sum = TOps.Sum(s0);
        for (; i < rows; i++)
        {
            sum += Unsafe.Add(ref x, i);
        }

        return sum;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientTile6x2<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int j, int k, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = TOps.Count;
        TV g00 = TOps.Zero, g01 = TOps.Zero, g10 = TOps.Zero, g11 = TOps.Zero, g20 = TOps.Zero, g21 = TOps.Zero, g30 = TOps.Zero, g31 = TOps.Zero, g40 = TOps.Zero, g41 = TOps.Zero, g50 = TOps.Zero, g51 = TOps.Zero;

        // A[j, i], advanced with i, so the other rows of the tile are constant offsets from it.
        ref T ai = ref Unsafe.Add(ref aPrevious, j * LaneStride);
        ref T d = ref Unsafe.Add(ref dzRows, k);
        for (int i = 0; i < rows; i++)
        {
            TV d0 = TOps.Load(ref d);
            TV d1 = TOps.Load(ref Unsafe.Add(ref d, c));
            TV s0 = TOps.Broadcast(ai);
            g00 = TOps.MultiplyAdd(s0, d0, g00);
            g01 = TOps.MultiplyAdd(s0, d1, g01);
            TV s1 = TOps.Broadcast(Unsafe.Add(ref ai, 1 * LaneStride));
            g10 = TOps.MultiplyAdd(s1, d0, g10);
            g11 = TOps.MultiplyAdd(s1, d1, g11);
            TV s2 = TOps.Broadcast(Unsafe.Add(ref ai, 2 * LaneStride));
            g20 = TOps.MultiplyAdd(s2, d0, g20);
            g21 = TOps.MultiplyAdd(s2, d1, g21);
            TV s3 = TOps.Broadcast(Unsafe.Add(ref ai, 3 * LaneStride));
            g30 = TOps.MultiplyAdd(s3, d0, g30);
            g31 = TOps.MultiplyAdd(s3, d1, g31);
            TV s4 = TOps.Broadcast(Unsafe.Add(ref ai, 4 * LaneStride));
            g40 = TOps.MultiplyAdd(s4, d0, g40);
            g41 = TOps.MultiplyAdd(s4, d1, g41);
            TV s5 = TOps.Broadcast(Unsafe.Add(ref ai, 5 * LaneStride));
            g50 = TOps.MultiplyAdd(s5, d0, g50);
            g51 = TOps.MultiplyAdd(s5, d1, g51);
            d = ref Unsafe.Add(ref d, stride);
            ai = ref Unsafe.Add(ref ai, 1);
        }

        ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
        AddTo<TOps, TV, T>(ref target, g00, g01, first);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 1 * stride), g10, g11, first);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 2 * stride), g20, g21, first);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 3 * stride), g30, g31, first);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 4 * stride), g40, g41, first);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 5 * stride), g50, g51, first);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientTile4x2<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int j, int k, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = TOps.Count;
        TV g00 = TOps.Zero, g01 = TOps.Zero, g10 = TOps.Zero, g11 = TOps.Zero, g20 = TOps.Zero, g21 = TOps.Zero, g30 = TOps.Zero, g31 = TOps.Zero;

        // A[j, i], advanced with i, so the other rows of the tile are constant offsets from it.
        ref T ai = ref Unsafe.Add(ref aPrevious, j * LaneStride);
        ref T d = ref Unsafe.Add(ref dzRows, k);
        for (int i = 0; i < rows; i++)
        {
            TV d0 = TOps.Load(ref d);
            TV d1 = TOps.Load(ref Unsafe.Add(ref d, c));
            TV s0 = TOps.Broadcast(ai);
            g00 = TOps.MultiplyAdd(s0, d0, g00);
            g01 = TOps.MultiplyAdd(s0, d1, g01);
            TV s1 = TOps.Broadcast(Unsafe.Add(ref ai, 1 * LaneStride));
            g10 = TOps.MultiplyAdd(s1, d0, g10);
            g11 = TOps.MultiplyAdd(s1, d1, g11);
            TV s2 = TOps.Broadcast(Unsafe.Add(ref ai, 2 * LaneStride));
            g20 = TOps.MultiplyAdd(s2, d0, g20);
            g21 = TOps.MultiplyAdd(s2, d1, g21);
            TV s3 = TOps.Broadcast(Unsafe.Add(ref ai, 3 * LaneStride));
            g30 = TOps.MultiplyAdd(s3, d0, g30);
            g31 = TOps.MultiplyAdd(s3, d1, g31);
            d = ref Unsafe.Add(ref d, stride);
            ai = ref Unsafe.Add(ref ai, 1);
        }

        ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
        AddTo<TOps, TV, T>(ref target, g00, g01, first);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 1 * stride), g10, g11, first);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 2 * stride), g20, g21, first);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 3 * stride), g30, g31, first);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientTile4x1<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int j, int k, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TV g0 = TOps.Zero, g1 = TOps.Zero, g2 = TOps.Zero, g3 = TOps.Zero;

        // A[j, i], advanced with i, so the other rows of the tile are constant offsets from it.
        ref T ai = ref Unsafe.Add(ref aPrevious, j * LaneStride);
        ref T d = ref Unsafe.Add(ref dzRows, k);
        for (int i = 0; i < rows; i++)
        {
            TV d0 = TOps.Load(ref d);
            g0 = TOps.MultiplyAdd(TOps.Broadcast(ai), d0, g0);
            g1 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, LaneStride)), d0, g1);
            g2 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 2 * LaneStride)), d0, g2);
            g3 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 3 * LaneStride)), d0, g3);
            d = ref Unsafe.Add(ref d, stride);
            ai = ref Unsafe.Add(ref ai, 1);
        }

        ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
        Put<TOps, TV, T>(ref target, g0, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, stride), g1, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, 2 * stride), g2, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, 3 * stride), g3, first);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void WeightGradientTile8x1<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int j, int k, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TV g0 = TOps.Zero, g1 = TOps.Zero, g2 = TOps.Zero, g3 = TOps.Zero, g4 = TOps.Zero, g5 = TOps.Zero, g6 = TOps.Zero, g7 = TOps.Zero;

        // A[j, i], advanced with i, so the other rows of the tile are constant offsets from it.
        ref T ai = ref Unsafe.Add(ref aPrevious, j * LaneStride);
        ref T d = ref Unsafe.Add(ref dzRows, k);
        for (int i = 0; i < rows; i++)
        {
            TV d0 = TOps.Load(ref d);
            g0 = TOps.MultiplyAdd(TOps.Broadcast(ai), d0, g0);
            g1 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, LaneStride)), d0, g1);
            g2 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 2 * LaneStride)), d0, g2);
            g3 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 3 * LaneStride)), d0, g3);
            g4 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 4 * LaneStride)), d0, g4);
            g5 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 5 * LaneStride)), d0, g5);
            g6 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 6 * LaneStride)), d0, g6);
            g7 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref ai, 7 * LaneStride)), d0, g7);
            d = ref Unsafe.Add(ref d, stride);
            ai = ref Unsafe.Add(ref ai, 1);
        }

        ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
        Put<TOps, TV, T>(ref target, g0, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, stride), g1, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, 2 * stride), g2, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, 3 * stride), g3, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, 4 * stride), g4, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, 5 * stride), g5, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, 6 * stride), g6, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, 7 * stride), g7, first);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AddTo<TOps, TV, T>(ref T target, TV g0, TV g1, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Put<TOps, TV, T>(ref target, g0, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, TOps.Count), g1, first);
    }

    /// <summary>target = g for the first block of a batch (so the sums need no clearing first), else target += g.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Put<TOps, TV, T>(ref T target, TV g, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TOps.Store(first ? g : TOps.Add(TOps.Load(ref target), g), ref target);
    }

    /// <summary>
    /// Writes every layer's gradient sums into the documented parameter layout, times <paramref name="scale"/> (1/m):
    /// dW[l] = (1/m) A[l-1]^T dZ[l], db[l] = (1/m) sum over rows of dZ[l], for l = 1..L in one call (so a deep
    /// network's training method grows by no call per layer). The parameters are W[1], b[1], W[2], b[2], ... and the
    /// sums of layer l are (n_{l-1} + 1) rows of <see cref="GradientStride"/>(n_l) values (dW[l] padded, then db[l]),
    /// one layer after another. Returns whether every value written is finite (g - g is 0 for a finite g and NaN
    /// otherwise, summed on the way), so that a training step needs no second pass over the gradients to check them.
    /// </summary>
    /// <param name="sums">The unscaled sums of all layers.</param>
    /// <param name="gradients">Receives dJ/dtheta in the layout of the parameters.</param>
    /// <param name="scale">1/m.</param>
    /// <param name="layerSizes">n_0, n_1, ..., n_L.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static bool WriteGradients<T>(ReadOnlySpan<T> sums, Span<T> gradients, T scale, ReadOnlySpan<int> layerSizes)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        bool finite = true;
        int parameter = 0, sum = 0;
        for (int l = 1; l < layerSizes.Length; l++)
        {
            int inputs = layerSizes[l - 1], units = layerSizes[l];
            finite &= WriteLayerGradients(ref Unsafe.Add(ref MemoryMarshal.GetReference(sums), sum), ref Unsafe.Add(ref MemoryMarshal.GetReference(gradients), parameter), scale, inputs, units);
            parameter += (inputs + 1) * units;
            sum += (inputs + 1) * GradientStride(units);
        }

        return finite;
    }

    /// <summary>One layer: W then b at <paramref name="w"/>, from sums with rows of <see cref="GradientStride"/>(n).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool WriteLayerGradients<T>(ref T s, ref T w, T scale, int inputs, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int stride = GradientStride(n);
        int c = Vector<T>.Count;
        var scalev = new Vector<T>(scale);
        Vector<T> check0 = Vector<T>.Zero, check1 = Vector<T>.Zero;
        T check = T.Zero;

        // Rows 0..inputs-1 are dW[l]; row 'inputs' is db[l], which follows W[l] in the parameters.
        for (int j = 0; j <= inputs; j++)
        {
            ref T source = ref Unsafe.Add(ref s, j * stride);
            ref T target = ref Unsafe.Add(ref w, j * n);
            int k = 0;
            if (Vector.IsHardwareAccelerated)
            {
                for (; k + (2 * c) <= n; k += 2 * c)
                {
                    Vector<T> g0 = Vector.LoadUnsafe(ref Unsafe.Add(ref source, k)) * scalev;
                    Vector<T> g1 = Vector.LoadUnsafe(ref Unsafe.Add(ref source, k + c)) * scalev;
                    Vector.StoreUnsafe(g0, ref Unsafe.Add(ref target, k));
                    Vector.StoreUnsafe(g1, ref Unsafe.Add(ref target, k + c));
                    check0 += g0 - g0;
                    check1 += g1 - g1;
                }

                for (; k + c <= n; k += c)
                {
                    Vector<T> g0 = Vector.LoadUnsafe(ref Unsafe.Add(ref source, k)) * scalev;
                    Vector.StoreUnsafe(g0, ref Unsafe.Add(ref target, k));
                    check0 += g0 - g0;
                }
            }

            for (; k < n; k++)
            {
                T g = Unsafe.Add(ref source, k) * scale;
                Unsafe.Add(ref target, k) = g;
                check += g - g;
            }
        }

        return check == T.Zero && Vector.EqualsAll(check0 + check1, Vector<T>.Zero);
    }
}
#endif
