#if NET8_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Generated.Compute;

public static partial class Dense
{
    // ------------------------------------------------------------------ dA[l-1] = dZ[l] W[l]^T, g' fused

    /// <summary>
    /// dZ[l-1] = (dZ[l] W[l]^T) * g'(Z[l-1]) for a block in lanes (softmax: the Jacobian-vector product across units).
    /// Tiles of 6 inputs j x 2 registers of examples (then 4, then 1; see <see cref="SixTiles"/>); the inner loop over the
    /// n_l units broadcasts W[j..j+5, k].
    /// </summary>
    /// <param name="parameters">All parameters of the network.</param>
    /// <param name="dz">dZ[l] in lanes (n_l x <see cref="LaneStride"/>).</param>
    /// <param name="zPrevious">Z[l-1] in lanes.</param>
    /// <param name="aPrevious">A[l-1] in lanes.</param>
    /// <param name="dzPrevious">Receives dZ[l-1] in lanes.</param>
    /// <param name="rows">The examples in the block.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardBlock<TLayer, TPreviousActivation, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> dz, ReadOnlySpan<T> zPrevious, ReadOnlySpan<T> aPrevious, Span<T> dzPrevious, int rows)
        where TLayer : IDenseLayer
        where TPreviousActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T> =>
        BackwardBlock<TLayer, TPreviousActivation, T>(parameters, dz, zPrevious, aPrevious, default, dzPrevious, rows);

    /// <summary>
    /// As <see cref="BackwardBlock{TLayer, TPreviousActivation, T}(ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, ReadOnlySpan{T}, Span{T}, int)"/>
    /// for a layer l-1 that dropped units in training: dA[l-1] = (dZ[l] W[l]^T) * D (the dropout factors, in lanes) before g'.
    /// An empty <paramref name="dropoutMask"/> means no dropout.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void BackwardBlock<TLayer, TPreviousActivation, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> dz, ReadOnlySpan<T> zPrevious, ReadOnlySpan<T> aPrevious, ReadOnlySpan<T> dropoutMask, Span<T> dzPrevious, int rows)
        where TLayer : IDenseLayer
        where TPreviousActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T mask = ref MemoryMarshal.GetReference(dropoutMask);
        bool dropped = !dropoutMask.IsEmpty;
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T d = ref MemoryMarshal.GetReference(dz);
        ref T zp = ref MemoryMarshal.GetReference(zPrevious);
        ref T ap = ref MemoryMarshal.GetReference(aPrevious);
        ref T dp = ref MemoryMarshal.GetReference(dzPrevious);
        Dispatch<BackwardBlockKernel<TLayer, TPreviousActivation, T>, T>(ref p, ref d, ref zp, ref ap, ref mask, ref dp, rows, 0, dropped);
    }

    /// <summary><see cref="BackwardBlock{TOps, TV, T, TLayer, TPreviousActivation}"/> at the width <see cref="Dispatch"/> picks.</summary>
    private readonly struct BackwardBlockKernel<TLayer, TPreviousActivation, T> : ILaneKernel<T>
        where TLayer : IDenseLayer
        where TPreviousActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static void Run<TOps, TV, TElement>(ref TElement p, ref TElement dz, ref TElement zPrevious, ref TElement aPrevious, ref TElement mask, ref TElement dzPrevious, int rows, int unused7, bool dropped)
            where TOps : ILanes<TV, TElement>
            where TV : struct
            where TElement : unmanaged, IFloatingPointIeee754<TElement> =>
            BackwardBlock<TOps, TV, TElement, TLayer, TPreviousActivation>(ref p, ref dz, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void BackwardBlock<TOps, TV, T, TLayer, TPreviousActivation>(ref T p, ref T dz, ref T zPrevious, ref T aPrevious, ref T mask, bool dropped, ref T dzPrevious, int rows)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TPreviousActivation : IActivation
    {
        int c = TOps.Count;
        int tile = 2 * c;
        int lanes = (rows + tile - 1) / tile * tile;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);

        // Inputs in tiles of 6 (12 accumulators), then 4 (8), then one at a time (see SixTiles). Each kind of tile is a
        // method of its own, called only where the layer has any: the JIT compiles a method on its first call only, so a
        // layer's first call compiles only the tiles it uses (issue 19, "The first call").
        int sixes = SixTiles(TLayer.Inputs);
        for (int i = 0; i < lanes; i += tile)
        {
            if (sixes > 0)
            {
                BackwardSixes<TOps, TV, T, TLayer, TPreviousActivation>(ref w, ref dz, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, i, sixes);
            }

            int j = sixes;
            for (; j + 4 <= TLayer.Inputs; j += 4)
            {
                BackwardTile4<TOps, TV, T, TLayer, TPreviousActivation>(ref w, ref dz, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, i, j);
            }

            for (; j < TLayer.Inputs; j++)
            {
                BackwardTile1<TOps, TV, T, TLayer, TPreviousActivation>(ref w, ref dz, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, i, j);
            }
        }

        if (TPreviousActivation.IsSoftmax)
        {
            SoftmaxBackwardLanes<TOps, TV, T>(ref aPrevious, ref dzPrevious, TLayer.Inputs, lanes);
        }
    }

    /// <summary>dA[l-1] of inputs j..j+3 for lanes i..i+2c, then g' (8 accumulators).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BackwardTile4<TOps, TV, T, TLayer, TPreviousActivation>(ref T w, ref T dz, ref T zPrevious, ref T aPrevious, ref T mask, bool dropped, ref T dzPrevious, int i, int j)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TPreviousActivation : IActivation
    {
        int c = TOps.Count;
        int n = TLayer.Units;
        TV d00 = TOps.Zero, d01 = TOps.Zero, d10 = TOps.Zero, d11 = TOps.Zero;
        TV d20 = TOps.Zero, d21 = TOps.Zero, d30 = TOps.Zero, d31 = TOps.Zero;
        ref T dzk = ref Unsafe.Add(ref dz, i);
        ref T wk = ref Unsafe.Add(ref w, j * n);
        for (int k = 0; k < n; k++)
        {
            TV g0 = TOps.Load(ref dzk);
            TV g1 = TOps.Load(ref Unsafe.Add(ref dzk, c));
            TV w0 = TOps.Broadcast(wk);
            d00 = TOps.MultiplyAdd(w0, g0, d00);
            d01 = TOps.MultiplyAdd(w0, g1, d01);
            TV w1 = TOps.Broadcast(Unsafe.Add(ref wk, n));
            d10 = TOps.MultiplyAdd(w1, g0, d10);
            d11 = TOps.MultiplyAdd(w1, g1, d11);
            TV w2 = TOps.Broadcast(Unsafe.Add(ref wk, 2 * n));
            d20 = TOps.MultiplyAdd(w2, g0, d20);
            d21 = TOps.MultiplyAdd(w2, g1, d21);
            TV w3 = TOps.Broadcast(Unsafe.Add(ref wk, 3 * n));
            d30 = TOps.MultiplyAdd(w3, g0, d30);
            d31 = TOps.MultiplyAdd(w3, g1, d31);
            dzk = ref Unsafe.Add(ref dzk, LaneStride);
            wk = ref Unsafe.Add(ref wk, 1);
        }

        int at = (j * LaneStride) + i;
        FinishBackward<TOps, TV, T, TPreviousActivation>(d00, d01, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at);
        FinishBackward<TOps, TV, T, TPreviousActivation>(d10, d11, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + LaneStride);
        FinishBackward<TOps, TV, T, TPreviousActivation>(d20, d21, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + (2 * LaneStride));
        FinishBackward<TOps, TV, T, TPreviousActivation>(d30, d31, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + (3 * LaneStride));
    }

    /// <summary>dA[l-1] of input j for lanes i..i+2c, then g' (2 accumulators).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BackwardTile1<TOps, TV, T, TLayer, TPreviousActivation>(ref T w, ref T dz, ref T zPrevious, ref T aPrevious, ref T mask, bool dropped, ref T dzPrevious, int i, int j)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TPreviousActivation : IActivation
    {
        int c = TOps.Count;
        int n = TLayer.Units;
        TV d0 = TOps.Zero, d1 = TOps.Zero;
        ref T dzk = ref Unsafe.Add(ref dz, i);
        ref T wk = ref Unsafe.Add(ref w, j * n);
        for (int k = 0; k < n; k++)
        {
            TV wjk = TOps.Broadcast(wk);
            d0 = TOps.MultiplyAdd(wjk, TOps.Load(ref dzk), d0);
            d1 = TOps.MultiplyAdd(wjk, TOps.Load(ref Unsafe.Add(ref dzk, c)), d1);
            dzk = ref Unsafe.Add(ref dzk, LaneStride);
            wk = ref Unsafe.Add(ref wk, 1);
        }

        FinishBackward<TOps, TV, T, TPreviousActivation>(d0, d1, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, (j * LaneStride) + i);
    }

    /// <summary>
    /// The softmax Jacobian-vector product across the units of each example, in place:
    /// dZ = A * (dA - sum_k dA_k A_k), with dA in <paramref name="dz"/> on entry. Generic over the vector width only, so it
    /// is compiled once per process.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxBackwardLanes<TOps, TV, T>(ref T a, ref T dz, int units, int lanes)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = TOps.Count;
        for (int i = 0; i < lanes; i += c)
        {
            TV dot = TOps.Zero;
            for (int k = 0; k < units; k++)
            {
                int at = (k * LaneStride) + i;
                dot = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref dz, at)), TOps.Load(ref Unsafe.Add(ref a, at)), dot);
            }

            for (int k = 0; k < units; k++)
            {
                int at = (k * LaneStride) + i;
                TV da = TOps.Load(ref Unsafe.Add(ref dz, at));
                TOps.Store(TOps.Multiply(TOps.Load(ref Unsafe.Add(ref a, at)), TOps.Subtract(da, dot)), ref Unsafe.Add(ref dz, at));
            }
        }
    }

    /// <summary>dZ[l-1] for inputs 0..sixes-1 of lanes i..i+2c, six at a time (<see cref="BackwardTile6"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BackwardSixes<TOps, TV, T, TLayer, TPreviousActivation>(ref T w, ref T dz, ref T zPrevious, ref T aPrevious, ref T mask, bool dropped, ref T dzPrevious, int i, int sixes)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TPreviousActivation : IActivation
    {
        for (int j = 0; j < sixes; j += 6)
        {
            BackwardTile6<TOps, TV, T, TLayer, TPreviousActivation>(ref w, ref dz, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, i, j);
        }
    }

    /// <summary>dA[l-1] of inputs j..j+5 for lanes i..i+2c: sum over units k of W[j.., k] dZ[l][k, i..], then g' (12 accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void BackwardTile6<TOps, TV, T, TLayer, TPreviousActivation>(ref T w, ref T dz, ref T zPrevious, ref T aPrevious, ref T mask, bool dropped, ref T dzPrevious, int i, int j)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TPreviousActivation : IActivation
    {
        int c = TOps.Count;
        int n = TLayer.Units;
        TV d00 = TOps.Zero, d01 = TOps.Zero, d10 = TOps.Zero, d11 = TOps.Zero, d20 = TOps.Zero, d21 = TOps.Zero;
        TV d30 = TOps.Zero, d31 = TOps.Zero, d40 = TOps.Zero, d41 = TOps.Zero, d50 = TOps.Zero, d51 = TOps.Zero;
        ref T dzk = ref Unsafe.Add(ref dz, i);
        ref T wk = ref Unsafe.Add(ref w, j * n);
        for (int k = 0; k < n; k++)
        {
            TV g0 = TOps.Load(ref dzk);
            TV g1 = TOps.Load(ref Unsafe.Add(ref dzk, c));
            TV w0 = TOps.Broadcast(wk);
            d00 = TOps.MultiplyAdd(w0, g0, d00);
            d01 = TOps.MultiplyAdd(w0, g1, d01);
            TV w1 = TOps.Broadcast(Unsafe.Add(ref wk, n));
            d10 = TOps.MultiplyAdd(w1, g0, d10);
            d11 = TOps.MultiplyAdd(w1, g1, d11);
            TV w2 = TOps.Broadcast(Unsafe.Add(ref wk, 2 * n));
            d20 = TOps.MultiplyAdd(w2, g0, d20);
            d21 = TOps.MultiplyAdd(w2, g1, d21);
            TV w3 = TOps.Broadcast(Unsafe.Add(ref wk, 3 * n));
            d30 = TOps.MultiplyAdd(w3, g0, d30);
            d31 = TOps.MultiplyAdd(w3, g1, d31);
            TV w4 = TOps.Broadcast(Unsafe.Add(ref wk, 4 * n));
            d40 = TOps.MultiplyAdd(w4, g0, d40);
            d41 = TOps.MultiplyAdd(w4, g1, d41);
            TV w5 = TOps.Broadcast(Unsafe.Add(ref wk, 5 * n));
            d50 = TOps.MultiplyAdd(w5, g0, d50);
            d51 = TOps.MultiplyAdd(w5, g1, d51);
            dzk = ref Unsafe.Add(ref dzk, LaneStride);
            wk = ref Unsafe.Add(ref wk, 1);
        }

        int at = (j * LaneStride) + i;
        FinishBackward<TOps, TV, T, TPreviousActivation>(d00, d01, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at);
        FinishBackward<TOps, TV, T, TPreviousActivation>(d10, d11, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + LaneStride);
        FinishBackward<TOps, TV, T, TPreviousActivation>(d20, d21, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + (2 * LaneStride));
        FinishBackward<TOps, TV, T, TPreviousActivation>(d30, d31, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + (3 * LaneStride));
        FinishBackward<TOps, TV, T, TPreviousActivation>(d40, d41, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + (4 * LaneStride));
        FinishBackward<TOps, TV, T, TPreviousActivation>(d50, d51, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + (5 * LaneStride));
    }

    /// <summary>The tile epilogue: dZ[l-1] = dA[l-1] * g'(Z[l-1]) (softmax: dA, the Jacobian follows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void FinishBackward<TOps, TV, T, TActivation>(TV d0, TV d1, ref T z, ref T a, ref T mask, bool dropped, ref T dz, int at)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TActivation : IActivation
    {
        int c = TOps.Count;
        if (dropped)
        {
            // dA = dA~ * D: the gradient reaches only the units that were kept, scaled as they were
            d0 = TOps.Multiply(d0, TOps.Load(ref Unsafe.Add(ref mask, at)));
            d1 = TOps.Multiply(d1, TOps.Load(ref Unsafe.Add(ref mask, at + c)));
        }

        if (!TActivation.IsSoftmax)
        {
            d0 = TOps.Multiply(d0, TActivation.Derivative<TOps, TV, T>(TOps.Load(ref Unsafe.Add(ref z, at)), TOps.Load(ref Unsafe.Add(ref a, at))));
            d1 = TOps.Multiply(d1, TActivation.Derivative<TOps, TV, T>(TOps.Load(ref Unsafe.Add(ref z, at + c)), TOps.Load(ref Unsafe.Add(ref a, at + c))));
        }

        TOps.Store(d0, ref Unsafe.Add(ref dz, at));
        TOps.Store(d1, ref Unsafe.Add(ref dz, at + c));
    }
}
#endif
