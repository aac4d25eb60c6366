using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

/// <summary>
/// The hand-unrolled peer (issue 19): what a strong engineer writes by hand for one exact small shape, W1 (3-2-1) or W2
/// (8-16-16-4), with no generality at all: the parameters in a fixed layout (fields for W1; for W2 one 64-byte aligned
/// block in the generated classes' layout, whose rows are whole vectors), every multiply written out, FMA throughout.
/// <list type="bullet">
/// <item><c>Forward</c> (one example): W1's hidden pair in one Vector128 with FMA, its output unit scalar with
/// <see cref="MathF.FusedMultiplyAdd"/> and sigmoid = 1 / (1 + <see cref="MathF.Exp"/>(-z)); W2 with a layer's 16
/// units in two <see cref="Vector256{T}"/> registers, each input broadcast and multiplied into both (two or four
/// accumulator chains per register so the FMA latency overlaps), tanh evaluated once per register.</item>
/// <item><c>ForwardBatch</c> and <c>TrainStep</c>: 8 examples per <see cref="Vector256{T}"/> (lane i = row i of the
/// block), the rows moved into lanes with in-register transposes (a 3-way deinterleave for W1, an 8 x 8 transpose for
/// W2); every unit z_k = b_k + sum_j a_j W[j, k] written out on 8 examples at once (W1's batch two blocks at a time,
/// interleaved); the backward pass the same way; dW = (1/m) A^T dZ and db as sums over the rows: for W1 per-lane
/// partial sums in registers, for W2 each block's activations and deltas kept in lanes and every gradient entry formed
/// afterwards in register accumulators over the blocks; lane sums by hadd trees; plain SGD.</item>
/// <item>Vector activations with an inlined polynomial e^x (Cephes expf, about 2 ulp): sigmoid = 1 / (1 + e^-z), tanh =
/// 1 - 2 / (e^2z + 1) (MathF.Tanh per unit would be 32 calls for W2's Forward).</item>
/// </list>
/// A tail of fewer than 8 rows is run through the same block code from zero-padded copies, with the padding lanes
/// masked out of the cost and the gradients. Needs AVX2 and FMA (<see cref="IsSupported"/>); allocates nothing per call.
/// </summary>
public abstract unsafe class HandUnrolledMlp
{
    /// <summary>The peer exists for x64 with AVX2 and FMA only (its transposes and FMAs are written for them).</summary>
    public static bool IsSupported => Avx2.IsSupported && Fma.IsSupported;

    /// <summary>The peer for <paramref name="workload"/> (W1 or W2), or null for any other shape or without AVX2/FMA.</summary>
    public static HandUnrolledMlp? Create(Workload workload, ReadOnlySpan<float> parameters)
    {
        if (!IsSupported)
        {
            return null;
        }

        if (workload == Workloads.W1)
        {
            return new HandUnrolledW1(parameters);
        }

        return workload == Workloads.W2 ? new HandUnrolledW2(parameters) : null;
    }

    public abstract void Forward(float[] input, float[] output);

    public abstract void ForwardBatch(float[] inputs, float[] outputs);

    public abstract float TrainStep(float[] inputs, float[] targets, float learningRate);

    public abstract void CopyParametersTo(Span<float> parameters);

    /// <summary>A 64-byte aligned block of <paramref name="floats"/> floats in a pinned array (never moved, never freed early).</summary>
    protected static float* Aligned(int floats, out float[] keepAlive)
    {
        keepAlive = GC.AllocateArray<float>(floats + 16, pinned: true);
        nint address = (nint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(keepAlive));
        return (float*)((address + 63) & ~(nint)63);
    }

    /// <summary>All-ones in lanes [0, valid), zero after.</summary>
    protected static Vector256<float> LaneMask(int valid) =>
        Vector256.LessThan(Vector256.Create(0, 1, 2, 3, 4, 5, 6, 7), Vector256.Create(valid)).AsSingle();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector256<float> Fma256(Vector256<float> a, Vector256<float> b, Vector256<float> c) =>
        Fma.MultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector128<float> Fma128(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Fma.MultiplyAdd(a, b, c);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector256<float> Sigmoid(Vector256<float> z) =>
        Vector256<float>.One / (Vector256<float>.One + Exp(-z));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector256<float> Tanh(Vector256<float> z) =>
        Vector256<float>.One - (Vector256.Create(2f) / (Exp(z + z) + Vector256<float>.One));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector128<float> Tanh(Vector128<float> z) => Tanh(z.ToVector256Unsafe()).GetLower();

    /// <summary>
    /// e^x: Cephes expf (x = n ln2 + r, |r| &lt;= ln2/2, degree-6 polynomial in r, 2^n from the exponent bits); relative
    /// error about 2 ulp; x clamped to [-87.3, 88.7].
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector256<float> Exp(Vector256<float> x)
    {
        x = Avx.Min(Avx.Max(x, Vector256.Create(-87.3f)), Vector256.Create(88.7f));
        Vector256<float> n = Avx.RoundToNearestInteger(x * Vector256.Create(1.44269504088896341f));
        Vector256<float> r = Fma.MultiplyAddNegated(n, Vector256.Create(0.693359375f), x);
        r = Fma.MultiplyAddNegated(n, Vector256.Create(-2.12194440e-4f), r);
        Vector256<float> p = Fma256(Vector256.Create(1.9875691500e-4f), r, Vector256.Create(1.3981999507e-3f));
        p = Fma256(p, r, Vector256.Create(8.3334519073e-3f));
        p = Fma256(p, r, Vector256.Create(4.1665795894e-2f));
        p = Fma256(p, r, Vector256.Create(1.6666665459e-1f));
        p = Fma256(p, r, Vector256.Create(5.0000001201e-1f));
        p = Fma256(p, r * r, r + Vector256<float>.One);
        Vector256<int> bits = Avx2.ShiftLeftLogical(Avx.ConvertToVector256Int32(n) + Vector256.Create(127), 23);
        return p * bits.AsSingle();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector128<float> Sigmoid(Vector128<float> z) =>
        Vector128<float>.One / (Vector128<float>.One + Exp(-z));

    /// <summary>The same e^x on 4 lanes (cheaper than 8 for a handful of units: a 128-bit division).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector128<float> Exp(Vector128<float> x)
    {
        x = Sse.Min(Sse.Max(x, Vector128.Create(-87.3f)), Vector128.Create(88.7f));
        Vector128<float> n = Sse41.RoundToNearestInteger(x * Vector128.Create(1.44269504088896341f));
        Vector128<float> r = Fma.MultiplyAddNegated(n, Vector128.Create(0.693359375f), x);
        r = Fma.MultiplyAddNegated(n, Vector128.Create(-2.12194440e-4f), r);
        Vector128<float> p = Fma128(Vector128.Create(1.9875691500e-4f), r, Vector128.Create(1.3981999507e-3f));
        p = Fma128(p, r, Vector128.Create(8.3334519073e-3f));
        p = Fma128(p, r, Vector128.Create(4.1665795894e-2f));
        p = Fma128(p, r, Vector128.Create(1.6666665459e-1f));
        p = Fma128(p, r, Vector128.Create(5.0000001201e-1f));
        p = Fma128(p, r * r, r + Vector128<float>.One);
        Vector128<int> bits = Sse2.ShiftLeftLogical(Sse2.ConvertToVector128Int32(n) + Vector128.Create(127), 23);
        return p * bits.AsSingle();
    }

    /// <summary>The 8 lane sums of c0..c7 as one vector (lane i = sum of c_i): an hadd tree and one cross-half add.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static Vector256<float> Reduce8(
        Vector256<float> c0, Vector256<float> c1, Vector256<float> c2, Vector256<float> c3,
        Vector256<float> c4, Vector256<float> c5, Vector256<float> c6, Vector256<float> c7)
    {
        Vector256<float> u0 = Avx.HorizontalAdd(Avx.HorizontalAdd(c0, c1), Avx.HorizontalAdd(c2, c3));
        Vector256<float> u1 = Avx.HorizontalAdd(Avx.HorizontalAdd(c4, c5), Avx.HorizontalAdd(c6, c7));
        return Avx.Permute2x128(u0, u1, 0x20) + Avx.Permute2x128(u0, u1, 0x31);
    }

    /// <summary>Transposes the 8 x 8 block r0..r7 (row e, column j) in registers: afterwards r_j holds column j.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    protected static void Transpose8x8(
        ref Vector256<float> r0, ref Vector256<float> r1, ref Vector256<float> r2, ref Vector256<float> r3,
        ref Vector256<float> r4, ref Vector256<float> r5, ref Vector256<float> r6, ref Vector256<float> r7)
    {
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> u0 = Avx.Shuffle(t0, t2, 0x44), u1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> u2 = Avx.Shuffle(t1, t3, 0x44), u3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> u4 = Avx.Shuffle(t4, t6, 0x44), u5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> u6 = Avx.Shuffle(t5, t7, 0x44), u7 = Avx.Shuffle(t5, t7, 0xEE);
        r0 = Avx.Permute2x128(u0, u4, 0x20);
        r1 = Avx.Permute2x128(u1, u5, 0x20);
        r2 = Avx.Permute2x128(u2, u6, 0x20);
        r3 = Avx.Permute2x128(u3, u7, 0x20);
        r4 = Avx.Permute2x128(u0, u4, 0x31);
        r5 = Avx.Permute2x128(u1, u5, 0x31);
        r6 = Avx.Permute2x128(u2, u6, 0x31);
        r7 = Avx.Permute2x128(u3, u7, 0x31);
    }
}
