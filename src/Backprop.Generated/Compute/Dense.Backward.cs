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

    private interface ILossKernel<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        static abstract void Run<TOps, TV>(int units, ref T z, ref T a, ref T y, ref T dz, ref T loss, int lanes)
            where TOps : ILanes<TV, T>
            where TV : struct;
    }

    private interface ILoss
    {
        /// <summary>Per lane register: dZ[L] for every unit and the examples' losses.</summary>
        static abstract TV Delta<TOps, TV, T>(int units, ref T z, ref T a, ref T y, ref T dz)
            where TOps : ILanes<TV, T>
            where TV : struct
            where T : unmanaged, IFloatingPointIeee754<T>;
    }

    private readonly struct LossKernel<TLoss, T> : ILossKernel<T>
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

    private readonly struct MeanSquaredError<TActivation> : ILoss
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
                int at = k * BlockRows;
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
                    int at = k * BlockRows;
                    TV ak = TOps.Load(ref Unsafe.Add(ref a, at));
                    TOps.Store(TOps.Multiply(ak, TOps.Subtract(TOps.Load(ref Unsafe.Add(ref dz, at)), dot)), ref Unsafe.Add(ref dz, at));
                }
            }

            return TOps.Multiply(loss, TOps.Broadcast(T.CreateTruncating(0.5)));
        }
    }

    private readonly struct BinaryCrossEntropy : ILoss
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
                int at = k * BlockRows;
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

    private readonly struct CrossEntropy : ILoss
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static TV Delta<TOps, TV, T>(int units, ref T z, ref T a, ref T y, ref T dz)
            where TOps : ILanes<TV, T>
            where TV : struct
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            TV one = TOps.Broadcast(T.One);

            // logsumexp(Z) = max + log(1 + rest), rest = sum of e^(Z_k - max) over all but one maximal unit:
            // the maximal term is exactly 1, and log1p keeps a loss near 0 from rounding to 0.
            TV max = TOps.Load(ref z);
            for (int k = 1; k < units; k++)
            {
                max = TOps.Max(max, TOps.Load(ref Unsafe.Add(ref z, k * BlockRows)));
            }

            TV rest = TOps.Zero;
            TV ties = TOps.Zero;
            for (int k = 0; k < units; k++)
            {
                TV zk = TOps.Load(ref Unsafe.Add(ref z, k * BlockRows));
                TV e = TOps.Exp(TOps.Subtract(zk, max));
                rest = TOps.Add(rest, TOps.SelectEqual(zk, max, TOps.Zero, e));
                ties = TOps.Add(ties, TOps.SelectEqual(zk, max, one, TOps.Zero));
            }

            // Each maximal unit but one adds its e^0 = 1 back. A NaN Z makes max or rest NaN.
            rest = TOps.Add(rest, TOps.Subtract(ties, one));
            TV logSumExp = TOps.Add(max, TOps.Log1P(rest));

            TV loss = TOps.Zero;
            TV targetSum = TOps.Zero;
            for (int k = 0; k < units; k++)
            {
                int at = k * BlockRows;
                TV yk = TOps.Load(ref Unsafe.Add(ref y, at));
                loss = TOps.MultiplyAdd(yk, TOps.Subtract(logSumExp, TOps.Load(ref Unsafe.Add(ref z, at))), loss);
                targetSum = TOps.Add(targetSum, yk);
            }

            // dZ = A sum_k Y_k - Y (softmax and cross-entropy, fused; A - Y for one-hot targets)
            for (int k = 0; k < units; k++)
            {
                int at = k * BlockRows;
                TV ak = TOps.Load(ref Unsafe.Add(ref a, at));
                TOps.Store(TOps.Subtract(TOps.Multiply(ak, targetSum), TOps.Load(ref Unsafe.Add(ref y, at))), ref Unsafe.Add(ref dz, at));
            }

            return loss;
        }
    }

    // ------------------------------------------------------------------ dA[l-1] = dZ[l] W[l]^T, g' fused

    /// <summary>
    /// dZ[l-1] = (dZ[l] W[l]^T) * g'(Z[l-1]) for a block in lanes (softmax: the Jacobian-vector product across units).
    /// Tiles of 4 inputs j x 2 registers of examples; the inner loop over the n_l units broadcasts W[j..j+3, k].
    /// </summary>
    /// <param name="parameters">All parameters of the network.</param>
    /// <param name="dz">dZ[l] in lanes (n_l x <see cref="BlockRows"/>).</param>
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
        for (int i = 0; i < lanes; i += tile)
        {
            int j = 0;
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
                    dzk = ref Unsafe.Add(ref dzk, BlockRows);
                    wk = ref Unsafe.Add(ref wk, 1);
                }

                int at = (j * BlockRows) + i;
                FinishBackward<TOps, TV, T, TPreviousActivation>(d00, d01, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at);
                FinishBackward<TOps, TV, T, TPreviousActivation>(d10, d11, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + BlockRows);
                FinishBackward<TOps, TV, T, TPreviousActivation>(d20, d21, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + (2 * BlockRows));
                FinishBackward<TOps, TV, T, TPreviousActivation>(d30, d31, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, at + (3 * BlockRows));
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
                    dzk = ref Unsafe.Add(ref dzk, BlockRows);
                    wk = ref Unsafe.Add(ref wk, 1);
                }

                FinishBackward<TOps, TV, T, TPreviousActivation>(d0, d1, ref zPrevious, ref aPrevious, ref mask, dropped, ref dzPrevious, (j * BlockRows) + i);
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
                    int at = (k * BlockRows) + i;
                    dot = TOps.MultiplyAdd(TOps.Load(ref Unsafe.Add(ref dzPrevious, at)), TOps.Load(ref Unsafe.Add(ref aPrevious, at)), dot);
                }

                for (int k = 0; k < TLayer.Inputs; k++)
                {
                    int at = (k * BlockRows) + i;
                    TV da = TOps.Load(ref Unsafe.Add(ref dzPrevious, at));
                    TOps.Store(TOps.Multiply(TOps.Load(ref Unsafe.Add(ref aPrevious, at)), TOps.Subtract(da, dot)), ref Unsafe.Add(ref dzPrevious, at));
                }
            }
        }
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
    /// <paramref name="sums"/>, which holds dW[l] with rows padded to <see cref="Padded"/>(n_l) values, then db[l].
    /// dZ[l] is first copied to row-major rows (<paramref name="dzRows"/>, <see cref="BlockRows"/> x padded n_l),
    /// so the product runs as register tiles of 4 rows of dW x 2 registers of units, with no horizontal sums.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void AccumulateGradients<TLayer, T>(ReadOnlySpan<T> aPrevious, ReadOnlySpan<T> dz, Span<T> dzRows, Span<T> sums, int rows)
        where TLayer : IDenseLayer
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T ap = ref MemoryMarshal.GetReference(aPrevious);
        ref T d = ref MemoryMarshal.GetReference(dz);
        ref T dr = ref MemoryMarshal.GetReference(dzRows);
        ref T s = ref MemoryMarshal.GetReference(sums);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            AccumulateGradients<Lanes512<T>, Vector512<T>, T, TLayer>(ref ap, ref d, ref dr, ref s, rows);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            AccumulateGradients<Lanes256<T>, Vector256<T>, T, TLayer>(ref ap, ref d, ref dr, ref s, rows);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            AccumulateGradients<Lanes128<T>, Vector128<T>, T, TLayer>(ref ap, ref d, ref dr, ref s, rows);
        }
        else
        {
            AccumulateGradients<Scalar<T>, T, T, TLayer>(ref ap, ref d, ref dr, ref s, rows);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void AccumulateGradients<TOps, TV, T, TLayer>(ref T aPrevious, ref T dz, ref T dzRows, ref T sums, int rows)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        int c = TOps.Count;
        int n = TLayer.Units;
        int stride = Padded(TLayer.Units);
        int registers = (n + c - 1) / c;

        // dZ rows: dzRows[i, k] = dZ[k, i]; the padding columns are zero so they add nothing below.
        for (int i = 0; i < rows; i++)
        {
            ref T row = ref Unsafe.Add(ref dzRows, i * stride);
            for (int k = 0; k < n; k++)
            {
                Unsafe.Add(ref row, k) = Unsafe.Add(ref dz, (k * BlockRows) + i);
            }

            for (int k = n; k < stride; k++)
            {
                Unsafe.Add(ref row, k) = T.Zero;
            }
        }

        // db += sum over rows of dZ
        ref T db = ref Unsafe.Add(ref sums, TLayer.Inputs * stride);
        for (int v = 0; v < registers; v++)
        {
            TV total = TOps.Load(ref Unsafe.Add(ref db, v * c));
            for (int i = 0; i < rows; i++)
            {
                total = TOps.Add(total, TOps.Load(ref Unsafe.Add(ref dzRows, (i * stride) + (v * c))));
            }

            TOps.Store(total, ref Unsafe.Add(ref db, v * c));
        }

        // dW[j, :] += sum_i A[j, i] dZ[i, :]: tiles of 6 rows of dW (12 accumulators), then 4, then one at a time
        int j = 0;
        for (; j + 6 <= TLayer.Inputs; j += 6)
        {
            int v = 0;
            for (; v + 2 <= registers; v += 2)
            {
                WeightGradientTile6x2<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, v * c);
            }

            for (; v < registers; v++)
            {
                WeightGradientTile4x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, v * c);
                WeightGradientTile1x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j + 4, v * c);
                WeightGradientTile1x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j + 5, v * c);
            }
        }

        for (; j + 4 <= TLayer.Inputs; j += 4)
        {
            int v = 0;
            for (; v + 2 <= registers; v += 2)
            {
                WeightGradientTile4x2<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, v * c);
            }

            for (; v < registers; v++)
            {
                WeightGradientTile4x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, v * c);
            }
        }

        for (; j < TLayer.Inputs; j++)
        {
            for (int v = 0; v < registers; v++)
            {
                WeightGradientTile1x1<TOps, TV, T>(ref aPrevious, ref dzRows, ref sums, stride, rows, j, v * c);
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightGradientTile1x1<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int j, int k)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TV g = TOps.Zero;
        ref T aj = ref Unsafe.Add(ref aPrevious, j * BlockRows);
        ref T d = ref Unsafe.Add(ref dzRows, k);
        for (int i = 0; i < rows; i++)
        {
            g = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref aj, i)), TOps.Load(ref d), g);
            d = ref Unsafe.Add(ref d, stride);
        }

        ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
        TOps.Store(TOps.Add(TOps.Load(ref target), g), ref target);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightGradientTile6x2<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int j, int k)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = TOps.Count;
        TV g00 = TOps.Zero, g01 = TOps.Zero, g10 = TOps.Zero, g11 = TOps.Zero, g20 = TOps.Zero, g21 = TOps.Zero, g30 = TOps.Zero, g31 = TOps.Zero, g40 = TOps.Zero, g41 = TOps.Zero, g50 = TOps.Zero, g51 = TOps.Zero;
        ref T a0 = ref Unsafe.Add(ref aPrevious, j * BlockRows);
        ref T d = ref Unsafe.Add(ref dzRows, k);
        for (int i = 0; i < rows; i++)
        {
            TV d0 = TOps.Load(ref d);
            TV d1 = TOps.Load(ref Unsafe.Add(ref d, c));
            TV s0 = TOps.Broadcast(Unsafe.Add(ref a0, i));
            g00 = TOps.MultiplyAdd(s0, d0, g00);
            g01 = TOps.MultiplyAdd(s0, d1, g01);
            TV s1 = TOps.Broadcast(Unsafe.Add(ref a0, (1 * BlockRows) + i));
            g10 = TOps.MultiplyAdd(s1, d0, g10);
            g11 = TOps.MultiplyAdd(s1, d1, g11);
            TV s2 = TOps.Broadcast(Unsafe.Add(ref a0, (2 * BlockRows) + i));
            g20 = TOps.MultiplyAdd(s2, d0, g20);
            g21 = TOps.MultiplyAdd(s2, d1, g21);
            TV s3 = TOps.Broadcast(Unsafe.Add(ref a0, (3 * BlockRows) + i));
            g30 = TOps.MultiplyAdd(s3, d0, g30);
            g31 = TOps.MultiplyAdd(s3, d1, g31);
            TV s4 = TOps.Broadcast(Unsafe.Add(ref a0, (4 * BlockRows) + i));
            g40 = TOps.MultiplyAdd(s4, d0, g40);
            g41 = TOps.MultiplyAdd(s4, d1, g41);
            TV s5 = TOps.Broadcast(Unsafe.Add(ref a0, (5 * BlockRows) + i));
            g50 = TOps.MultiplyAdd(s5, d0, g50);
            g51 = TOps.MultiplyAdd(s5, d1, g51);
            d = ref Unsafe.Add(ref d, stride);
        }

        ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
        AddTo<TOps, TV, T>(ref target, g00, g01);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 1 * stride), g10, g11);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 2 * stride), g20, g21);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 3 * stride), g30, g31);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 4 * stride), g40, g41);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 5 * stride), g50, g51);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightGradientTile4x2<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int j, int k)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int c = TOps.Count;
        TV g00 = TOps.Zero, g01 = TOps.Zero, g10 = TOps.Zero, g11 = TOps.Zero, g20 = TOps.Zero, g21 = TOps.Zero, g30 = TOps.Zero, g31 = TOps.Zero;
        ref T a0 = ref Unsafe.Add(ref aPrevious, j * BlockRows);
        ref T d = ref Unsafe.Add(ref dzRows, k);
        for (int i = 0; i < rows; i++)
        {
            TV d0 = TOps.Load(ref d);
            TV d1 = TOps.Load(ref Unsafe.Add(ref d, c));
            TV s0 = TOps.Broadcast(Unsafe.Add(ref a0, i));
            g00 = TOps.MultiplyAdd(s0, d0, g00);
            g01 = TOps.MultiplyAdd(s0, d1, g01);
            TV s1 = TOps.Broadcast(Unsafe.Add(ref a0, (1 * BlockRows) + i));
            g10 = TOps.MultiplyAdd(s1, d0, g10);
            g11 = TOps.MultiplyAdd(s1, d1, g11);
            TV s2 = TOps.Broadcast(Unsafe.Add(ref a0, (2 * BlockRows) + i));
            g20 = TOps.MultiplyAdd(s2, d0, g20);
            g21 = TOps.MultiplyAdd(s2, d1, g21);
            TV s3 = TOps.Broadcast(Unsafe.Add(ref a0, (3 * BlockRows) + i));
            g30 = TOps.MultiplyAdd(s3, d0, g30);
            g31 = TOps.MultiplyAdd(s3, d1, g31);
            d = ref Unsafe.Add(ref d, stride);
        }

        ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
        AddTo<TOps, TV, T>(ref target, g00, g01);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 1 * stride), g10, g11);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 2 * stride), g20, g21);
        AddTo<TOps, TV, T>(ref Unsafe.Add(ref target, 3 * stride), g30, g31);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightGradientTile4x1<TOps, TV, T>(ref T aPrevious, ref T dzRows, ref T sums, int stride, int rows, int j, int k)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TV g0 = TOps.Zero, g1 = TOps.Zero, g2 = TOps.Zero, g3 = TOps.Zero;
        ref T a0 = ref Unsafe.Add(ref aPrevious, j * BlockRows);
        ref T d = ref Unsafe.Add(ref dzRows, k);
        for (int i = 0; i < rows; i++)
        {
            TV d0 = TOps.Load(ref d);
            g0 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref a0, i)), d0, g0);
            g1 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref a0, BlockRows + i)), d0, g1);
            g2 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref a0, (2 * BlockRows) + i)), d0, g2);
            g3 = TOps.MultiplyAdd(TOps.Broadcast(Unsafe.Add(ref a0, (3 * BlockRows) + i)), d0, g3);
            d = ref Unsafe.Add(ref d, stride);
        }

        ref T target = ref Unsafe.Add(ref sums, (j * stride) + k);
        TOps.Store(TOps.Add(TOps.Load(ref target), g0), ref target);
        TOps.Store(TOps.Add(TOps.Load(ref Unsafe.Add(ref target, stride)), g1), ref Unsafe.Add(ref target, stride));
        TOps.Store(TOps.Add(TOps.Load(ref Unsafe.Add(ref target, 2 * stride)), g2), ref Unsafe.Add(ref target, 2 * stride));
        TOps.Store(TOps.Add(TOps.Load(ref Unsafe.Add(ref target, 3 * stride)), g3), ref Unsafe.Add(ref target, 3 * stride));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddTo<TOps, TV, T>(ref T target, TV g0, TV g1)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TOps.Store(TOps.Add(TOps.Load(ref target), g0), ref target);
        ref T next = ref Unsafe.Add(ref target, TOps.Count);
        TOps.Store(TOps.Add(TOps.Load(ref next), g1), ref next);
    }

    /// <summary>
    /// Writes one layer's gradient sums (rows padded to <see cref="Padded"/>(n_l)) into the documented parameter layout,
    /// times <paramref name="scale"/> (1/m): dW[l] = (1/m) A[l-1]^T dZ[l], db[l] = (1/m) sum over rows of dZ[l].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void WriteGradients<TLayer, T>(ReadOnlySpan<T> sums, Span<T> gradients, T scale)
        where TLayer : IDenseLayer
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int n = TLayer.Units;
        int stride = Padded(n);
        ref T s = ref MemoryMarshal.GetReference(sums);
        ref T w = ref Unsafe.Add(ref MemoryMarshal.GetReference(gradients), TLayer.WeightOffset);
        for (int j = 0; j < TLayer.Inputs; j++)
        {
            for (int k = 0; k < n; k++)
            {
                Unsafe.Add(ref w, (j * n) + k) = Unsafe.Add(ref s, (j * stride) + k) * scale;
            }
        }

        ref T b = ref Unsafe.Add(ref MemoryMarshal.GetReference(gradients), TLayer.BiasOffset);
        ref T db = ref Unsafe.Add(ref s, TLayer.Inputs * stride);
        for (int k = 0; k < n; k++)
        {
            Unsafe.Add(ref b, k) = Unsafe.Add(ref db, k) * scale;
        }
    }
}
#endif
