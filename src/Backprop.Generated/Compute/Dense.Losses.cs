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
        LossDelta<MeanSquaredError<TActivation>, T>(units, z, a, y, dz, lossLanes, rows);

    /// <summary>
    /// Binary cross-entropy from the logits, L_i = sum_k [max(Z_k, 0) - Y_k Z_k + log(1 + e^-|Z_k|)], and dZ[L] = A - Y
    /// (sigmoid output). Returns the sum of L_i over the first <paramref name="rows"/> lanes.
    /// </summary>
    public static T BinaryCrossEntropyDelta<T>(int units, ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> y, Span<T> dz, Span<T> lossLanes, int rows)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LossDelta<BinaryCrossEntropy, T>(units, z, a, y, dz, lossLanes, rows);

    /// <summary>
    /// Cross-entropy with a softmax output, L_i = sum_k Y_k (logsumexp(Z) - Z_k) (never the log of a rounded
    /// probability), and dZ[L] = A sum_k Y_k - Y. Returns the sum of L_i over the first <paramref name="rows"/> lanes.
    /// </summary>
    public static T CrossEntropyDelta<T>(int units, ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> y, Span<T> dz, Span<T> lossLanes, int rows)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        LossDelta<CrossEntropy, T>(units, z, a, y, dz, lossLanes, rows);

    internal interface ILoss
    {
        /// <summary>Per lane register: dZ[L] for every unit and the examples' losses.</summary>
        static abstract TV Delta<TOps, TV, T>(int units, ref T z, ref T a, ref T y, ref T dz)
            where TOps : ILanes<TV, T>
            where TV : struct
            where T : unmanaged, IFloatingPointIeee754<T>;
    }

    internal readonly struct LossKernel<TLoss, T> : ILaneKernel<T>
        where TLoss : ILoss
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public static void Run<TOps, TV, TElement>(ref TElement z, ref TElement a, ref TElement y, ref TElement dz, ref TElement loss, ref TElement unused5, int units, int lanes, bool unused8)
            where TOps : ILanes<TV, TElement>
            where TV : struct
            where TElement : unmanaged, IFloatingPointIeee754<TElement>
        {
            for (int i = 0; i < lanes; i += TOps.Count)
            {
                TV l = TLoss.Delta<TOps, TV, TElement>(units, ref Unsafe.Add(ref z, i), ref Unsafe.Add(ref a, i), ref Unsafe.Add(ref y, i), ref Unsafe.Add(ref dz, i));
                TOps.Store(l, ref Unsafe.Add(ref loss, i));
            }
        }
    }

    /// <summary>
    /// The loss kernel over the block's lanes, then the sum of the block's L_i. Out of line, as it was before the one
    /// dispatcher (the JIT then kept it so by itself): the training method stays the size it was.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static T LossDelta<TLoss, T>(int units, ReadOnlySpan<T> z, ReadOnlySpan<T> a, ReadOnlySpan<T> y, Span<T> dz, Span<T> lossLanes, int rows)
        where TLoss : ILoss
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T zr = ref MemoryMarshal.GetReference(z);
        ref T ar = ref MemoryMarshal.GetReference(a);
        ref T yr = ref MemoryMarshal.GetReference(y);
        ref T dzr = ref MemoryMarshal.GetReference(dz);
        ref T lr = ref MemoryMarshal.GetReference(lossLanes);
        int lanes = (rows + 15) & ~15;
        Dispatch<LossKernel<TLoss, T>, T>(ref zr, ref ar, ref yr, ref dzr, ref lr, ref None<T>(), units, lanes, false);

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
}
#endif
