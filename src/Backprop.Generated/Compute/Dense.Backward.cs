#if NET8_0_OR_GREATER
using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Generated.Compute;

public static partial class Dense
{
    // ------------------------------------------------------------------ losses: L_i summed over the block, dZ[L] in lanes

    /// <summary>
    /// Squared error L_i = 1/2 sum_k (A_k - Y_k)^2 of each example of the block, and dZ[L] = dA * g'(Z[L]) with dA = A - Y
    /// (softmax output: dZ = A * (dA - sum_k dA_k A_k)). All matrices in lanes; returns the sum of L_i over the first
    /// <paramref name="rows"/> lanes.
    /// </summary>
    public static T MeanSquaredErrorDelta<TActivation, T>(int units, ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> y, Span<T> dz, Span<T> lossLanes, int rows)
        where TActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Dispatch<LossKernel<MeanSquaredError<TActivation>, T>, T>(units, z, a, y, dz, lossLanes, rows);

    /// <summary>
    /// Binary cross-entropy from the logits, L_i = sum_k [max(Z_k, 0) - Y_k Z_k + log(1 + e^-|Z_k|)], and dZ[L] = A - Y
    /// (sigmoid output). Returns the sum of L_i over the first <paramref name="rows"/> lanes.
    /// </summary>
    public static T BinaryCrossEntropyDelta<T>(int units, ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> y, Span<T> dz, Span<T> lossLanes, int rows)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Dispatch<LossKernel<BinaryCrossEntropy, T>, T>(units, z, a, y, dz, lossLanes, rows);

    /// <summary>
    /// Cross-entropy with a softmax output, L_i = sum_k Y_k (logsumexp(Z) - Z_k) (never the log of a rounded
    /// probability), and dZ[L] = A sum_k Y_k - Y. Returns the sum of L_i over the first <paramref name="rows"/> lanes.
    /// </summary>
    public static T CrossEntropyDelta<T>(int units, ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> y, Span<T> dz, Span<T> lossLanes, int rows)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Dispatch<LossKernel<CrossEntropy, T>, T>(units, z, a, y, dz, lossLanes, rows);

    internal interface ILossKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        static abstract void Run<TOps, TV>(int units, ref T z, ref T a, ref T y, ref T dz, ref T loss, int lanes)
            where TOps : ILanes<TV, T>
            where TV : struct;
    }

    internal interface ILoss
    {
        /// <summary>Per lane register: dZ[L] for every unit and the examples' losses.</summary>
        static abstract TV Delta<TOps, TV, T>(int units, ref T z, ref T a, ref T y, ref T dz)
            where TOps : ILanes<TV, T>
            where TV : struct
            where T : unmanaged, IFloatingPointIeee754<T>;
    }

    internal readonly struct LossKernel<TLoss, T> : ILossKernel<T>
        where TLoss : ILoss
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run<TOps, TV>(int units, ref T z, ref T a, ref T y, ref T dz, ref T loss, int lanes)
            where TOps : ILanes<TV, T>
            where TV : struct
        {
            for (int i = 0; i < lanes; i += TOps.Count)
            {
                TV l = TLoss.Delta<TOps, TV, T>(units, ref Unsafe.Add(ref z, i), ref Unsafe.Add(ref a, i), ref Unsafe.Add(ref y, i), ref Unsafe.Add(ref dz, i));
                TOps.Store(l, ref Unsafe.Add(ref loss, i));
            }
        }
    }

    private static T Dispatch<TKernel, T>(int units, ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> y, Span<T> dz, Span<T> lossLanes, int rows)
        where TKernel : ILossKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T zr = ref MemoryMarshal.GetReference(z);
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dzr = ref MemoryMarshal.GetReference(dz);
        ref T lr = ref MemoryMarshal.GetReference(lossLanes);
        int lanes = (rows + 15) & ~15;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            TKernel.Run<Lanes512<T>, Vector512<T>>(units, ref zr, ref ar, ref yr, ref dzr, ref lr, lanes);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            TKernel.Run<Lanes256<T>, Vector256<T>>(units, ref zr, ref ar, ref yr, ref dzr, ref lr, lanes);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            TKernel.Run<Lanes128<T>, Vector128<T>>(units, ref zr, ref ar, ref yr, ref dzr, ref lr, lanes);
        }
        else
        {
            TKernel.Run<Scalar<T>, T>(units, ref zr, ref ar, ref yr, ref dzr, ref lr, lanes);
        }

        // Only the block's examples count; the lanes past them hold the padding's values.
        T sum = T.Zero;
        for (int i = 0; i < rows; i++)
        {
            sum += lossLanes[i];
        }

        return sum;
    }

    internal readonly struct MeanSquaredError<TActivation> : ILoss
        where TActivation : IActivation
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Delta<TOps, TV, T>(int units, ref T z, ref T a, ref T y, ref T dz)
            where TOps : ILanes<TV, T>
            where TV : struct
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            // dA = A - Y; L = 1/2 sum_k dA_k^2
            TV loss = TOps.Zero;
            TV dot = TOps.Zero;
            for (int k = 0; k < units; k++)
            {
                int at = k * LaneStride;
                TV ak = TOps.Load(ref Unsafe.Add(ref a, at));
                TV da = TOps.Subtract(ak, TOps.Load(ref Unsafe.Add(ref y, at)));
                loss = TOps.MultiplyAdd(da, da, loss);
                if (TActivation.IsSoftmax)
                {
                    dot = TOps.MultiplyAdd(da, ak, dot);
                    TOps.Store(da, ref Unsafe.Add(ref dz, at));
                }
                else
                {
                    // dZ = dA * g'(Z)
                    TV gPrime = TActivation.Derivative<TOps, TV, T>(TOps.Load(ref Unsafe.Add(ref z, at)), ak);
                    TOps.Store(TOps.Multiply(da, gPrime), ref Unsafe.Add(ref dz, at));
                }
            }

            if (TActivation.IsSoftmax)
            {
                // dZ = A * (dA - sum_k dA_k A_k), the softmax Jacobian-vector product
                for (int k = 0; k < units; k++)
                {
                    int at = k * LaneStride;
                    TV ak = TOps.Load(ref Unsafe.Add(ref a, at));
                    TOps.Store(TOps.Multiply(ak, TOps.Subtract(TOps.Load(ref Unsafe.Add(ref dz, at)), dot)), ref Unsafe.Add(ref dz, at));
                }
            }

            return TOps.Multiply(loss, TOps.Broadcast(T.CreateTruncating(0.5)));
        }
    }

    internal readonly struct BinaryCrossEntropy : ILoss
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Delta<TOps, TV, T>(int units, ref T z, ref T a, ref T y, ref T dz)
            where TOps : ILanes<TV, T>
            where TV : struct
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            TV loss = TOps.Zero;
            for (int k = 0; k < units; k++)
            {
                int at = k * LaneStride;
                TV zk = TOps.Load(ref Unsafe.Add(ref z, at));
                TV yk = TOps.Load(ref Unsafe.Add(ref y, at));

                // max(z, 0) - y z + log1p(e^-|z|), NaN-preserving max
                TV positive = TOps.SelectGreater(TOps.Zero, zk, TOps.Zero, zk);
                TV log1p = TOps.Log1P(TOps.Exp(TOps.Subtract(TOps.Zero, TOps.Abs(zk))));
                loss = TOps.Add(loss, TOps.Add(TOps.Subtract(positive, TOps.Multiply(yk, zk)), log1p));

                // dZ = A - Y (sigmoid and binary cross-entropy, fused)
                TOps.Store(TOps.Subtract(TOps.Load(ref Unsafe.Add(ref a, at)), yk), ref Unsafe.Add(ref dz, at));
            }

            return loss;
        }
    }

    internal readonly struct CrossEntropy : ILoss
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Delta<TOps, TV, T>(int units, ref T z, ref T a, ref T y, ref T dz)
            where TOps : ILanes<TV, T>
            where TV : struct
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            TV one = TOps.Broadcast(T.One);

            // logsumexp(Z) = max + log(1 + rest), rest = sum of e^(Z_k - max) over all units but one maximal unit:
            // the maximal term is exactly 1, and log1p keeps a loss near 0 from rounding to 0. The softmax of the
            // forward pass already holds those exps, scaled: A_k = e^(Z_k - max) / S, so e^(Z_k - max) = A_k / A_max
            // with A_max = 1 / S the A of a maximal unit; no exp is recomputed and nothing cancels.
            TV max = TOps.Load(ref z);
            for (int k = 1; k < units; k++)
            {
                max = TOps.Max(max, TOps.Load(ref Unsafe.Add(ref z, k * LaneStride)));
            }

            TV aMax = TOps.Zero;
            TV others = TOps.Zero;
            TV found = TOps.Zero;
            for (int k = 0; k < units; k++)
            {
                int at = k * LaneStride;
                TV ak = TOps.Load(ref Unsafe.Add(ref a, at));

                // pick is 1 at the first maximal unit of the lane, else 0. A NaN Z matches no max, and a NaN or
                // infinite logit makes every A of its lane NaN, so rest, and the loss, are NaN.
                TV pick = TOps.SelectEqual(TOps.Load(ref Unsafe.Add(ref z, at)), max, TOps.Subtract(one, found), TOps.Zero);
                aMax = TOps.SelectEqual(pick, one, ak, aMax);
                others = TOps.Add(others, TOps.SelectEqual(pick, one, TOps.Zero, ak));
                found = TOps.Add(found, pick);
            }

            TV log1pRest = TOps.Log1P(TOps.Divide(others, aMax));

            // logsumexp(Z) - Z_k = (max - Z_k) + log1p(rest): max - Z_k is exact for the maximal unit, so a loss near 0
            // (log1p(rest) alone) is not rounded away against max.
            TV loss = TOps.Zero;
            TV targetSum = TOps.Zero;
            for (int k = 0; k < units; k++)
            {
                int at = k * LaneStride;
                TV yk = TOps.Load(ref Unsafe.Add(ref y, at));
                TV gap = TOps.Add(TOps.Subtract(max, TOps.Load(ref Unsafe.Add(ref z, at))), log1pRest);
                loss = TOps.MultiplyAdd(yk, gap, loss);
                targetSum = TOps.Add(targetSum, yk);
            }

            // dZ = A sum_k Y_k - Y (softmax and cross-entropy, fused; A - Y for one-hot targets)
            for (int k = 0; k < units; k++)
            {
                int at = k * LaneStride;
                TV ak = TOps.Load(ref Unsafe.Add(ref a, at));
                TOps.Store(TOps.Subtract(TOps.Multiply(ak, targetSum), TOps.Load(ref Unsafe.Add(ref y, at))), ref Unsafe.Add(ref dz, at));
            }

            return loss;
        }
    }

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
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            BackwardBlock<Lanes512<T>, Vector512<T>, T, TLayer, TPreviousActivation>(ref p, ref d, ref zp, ref ap, ref mask, dropped, ref dp, rows);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            BackwardBlock<Lanes256<T>, Vector256<T>, T, TLayer, TPreviousActivation>(ref p, ref d, ref zp, ref ap, ref mask, dropped, ref dp, rows);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            BackwardBlock<Lanes128<T>, Vector128<T>, T, TLayer, TPreviousActivation>(ref p, ref d, ref zp, ref ap, ref mask, dropped, ref dp, rows);
        }
        else
        {
            BackwardBlock<Scalar<T>, T, T, TLayer, TPreviousActivation>(ref p, ref d, ref zp, ref ap, ref mask, dropped, ref dp, rows);
        }
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
        int n = TLayer.Units;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);

        // Inputs in tiles of 6 (12 accumulators), then 4 (8), then one at a time (see SixTiles).
        int sixes = SixTiles(TLayer.Inputs);
        for (int i = 0; i < lanes; i += tile)
        {
            int j = 0;
            for (; j < sixes; j += 6)
            {
                BackwardTile6<TOps, TV, T, TLayer, TPreviousActivation>(ref w, ref dz, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, i, j);
            }

            for (; j + 4 <= TLayer.Inputs; j += 4)
            {
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

            for (; j < TLayer.Inputs; j++)
            {
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
        }

        if (TPreviousActivation.IsSoftmax)
        {
            // dZ = A * (dA - sum_k dA_k A_k) across the units of each example
            for (int i = 0; i < lanes; i += c)
            {
                TV dot = TOps.Zero;
                for (int k = 0; k < TLayer.Inputs; k++)
                {
                    int at = (k * LaneStride) + i;
                    dot = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref dzPrevious, at)), TOps.Load(ref Unsafe.Add(ref aPrevious, at)), dot);
                }

                for (int k = 0; k < TLayer.Inputs; k++)
                {
                    int at = (k * LaneStride) + i;
                    TV da = TOps.Load(ref Unsafe.Add(ref dzPrevious, at));
                    TOps.Store(TOps.Multiply(TOps.Load(ref Unsafe.Add(ref aPrevious, at)), TOps.Subtract(da, dot)), ref Unsafe.Add(ref dzPrevious, at));
                }
            }
        }
    }

    /// <summary>dA[l-1] of inputs j..j+5 for lanes i..i+2c: sum over units k of W[j.., k] dZ[l][k, i..], then g' (12 accumulators).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            AccumulateGradients<Lanes512<T>, Vector512<T>, T, TLayer>(ref ap, ref d, ref dr, ref s, rows, first);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            AccumulateGradients<Lanes256<T>, Vector256<T>, T, TLayer>(ref ap, ref d, ref dr, ref s, rows, first);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            AccumulateGradients<Lanes128<T>, Vector128<T>, T, TLayer>(ref ap, ref d, ref dr, ref s, rows, first);
        }
        else
        {
            AccumulateGradients<Scalar<T>, T, T, TLayer>(ref ap, ref d, ref dr, ref s, rows, first);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AccumulateGradients<TOps, TV, T, TLayer>(ref T aPrevious, ref T dz, ref T dzRows, ref T sums, int rows, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        int c = TOps.Count;
        int n = TLayer.Units;
        int stride = GradientStride(TLayer.Units);
        int registers = (n + c - 1) / c;
        if (n < c)
        {
            // Fewer units than a register holds: each dW[j, k] is a dot product along the lanes instead, which needs
            // no copy of dZ into rows (the GEMM below would leave most of every register empty).
            AccumulateNarrowGradients<TOps, TV, T, TLayer>(ref aPrevious, ref dz, ref sums, rows, first);
            return;
        }

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
        ref T db = ref Unsafe.Add(ref sums, TLayer.Inputs * stride);
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
        // rows j of dW: tiles of 6 rows (12 accumulators), then 4, then one at a time (see SixTiles).
        int sixes = SixTiles(TLayer.Inputs);
        int v = 0;
        for (; v + 2 <= registers; v += 2)
        {
            int k = v * c;
            int j = 0;
            for (; j < sixes; j += 6)
            {
                WeightGradientTile6x2<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
            }

            for (; j + 4 <= TLayer.Inputs; j += 4)
            {
                WeightGradientTile4x2<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
            }

            for (; j < TLayer.Inputs; j++)
            {
                WeightGradientTile1x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
                WeightGradientTile1x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k + c, first);
            }
        }

        for (; v < registers; v++)
        {
            // One register of units: tiles of 8 rows of dW, so 8 independent multiply-add chains hide the latency.
            int k = v * c;
            int j = 0;
            for (; j + 8 <= TLayer.Inputs; j += 8)
            {
                WeightGradientTile8x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
            }

            for (; j + 4 <= TLayer.Inputs; j += 4)
            {
                WeightGradientTile4x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
            }

            for (; j < TLayer.Inputs; j++)
            {
                WeightGradientTile1x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, k, first);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    /// <summary>dW[j, k] += sum_i A[j, i] dZ[k, i] and db[k] += sum_i dZ[k, i], each a dot product along the lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AccumulateNarrowGradients<TOps, TV, T, TLayer>(ref T aPrevious, ref T dz, ref T sums, int rows, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        int n = TLayer.Units;
        int stride = GradientStride(n);
        ref T db = ref Unsafe.Add(ref sums, TLayer.Inputs * stride);
        for (int k = 0; k < n; k++)
        {
            ref T dzk = ref Unsafe.Add(ref dz, k * LaneStride);
            T dbk = SumLanes<TOps, TV, T>(ref dzk, rows);
            Unsafe.Add(ref db, k) = first ? dbk : Unsafe.Add(ref db, k) + dbk;
            for (int j = 0; j < TLayer.Inputs; j++)
            {
                T dw = DotLanes<TOps, TV, T>(ref Unsafe.Add(ref aPrevious, j * LaneStride), ref dzk, rows);
                ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
                target = first ? dw : target + dw;
            }
        }
    }

    /// <summary>sum over the first <paramref name="rows"/> lanes of x * y (the lanes past them hold padding).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<TOps, TV, T>(ref T target, TV g0, TV g1, bool first)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Put<TOps, TV, T>(ref target, g0, first);
        Put<TOps, TV, T>(ref Unsafe.Add(ref target, TOps.Count), g1, first);
    }

    /// <summary>target = g for the first block of a batch (so the sums need no clearing first), else target += g.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
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
