using System;
using System.Runtime.CompilerServices;
#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
#endif
using Backprop.Generated.Internals;
using Backprop.Generated.Serialization;

namespace Backprop.Generated.Quantized;

/// <summary>
/// The scalar steps of the int8 scheme (docs/int8.md) that every instruction set shares: quantising one example's
/// activations, and the fused rescale + bias + activation after the integer product. Written once, in single
/// precision without fused multiply-adds, so that only the integer sums depend on the kernel path and those are exact.
/// </summary>
internal static class Int8Scheme
{
    /// <summary>
    /// MethodImplOptions.AggressiveOptimization (512; the netstandard2.0 reference assemblies lack the name): the int8
    /// steps are compiled fully optimised at their first call, as the float kernels are. Tier-0 code of these
    /// vector loops ran W3's int8 Forward 6x slower (2.6 us against 0.4 us), and a process could keep it for seconds.
    /// </summary>
    internal const MethodImplOptions Optimized = (MethodImplOptions)512;

    /// <summary>round-half-even(<paramref name="value"/>) clamped to [-127, 127] (NaN is never passed); see <see cref="Int8WeightRules.RoundClamp"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundClamp(float value) => Int8WeightRules.RoundClamp(value);

    /// <summary>
    /// Quantises one example's activations <paramref name="a"/> (n values) to uint8 in <paramref name="u"/>
    /// (the layer's padded input length; padding gets 128, i.e. q = 0): with M = max_i |a_i|, s_a = M / 127 and
    /// u_i = clamp(round-half-even(a_i * (127 / M)), -127, 127) + 128.
    /// </summary>
    /// <returns>s_a; 0 when M = 0 or 127 / M overflows (M below about 3.7e-37: the row counts as zeros); NaN when an
    /// activation is NaN or infinite (the caller then writes NaN outputs).</returns>
    public static float QuantizeRow(ReadOnlySpan<float> a, Span<byte> u) => QuantizeRow(a, u, Int8Kernels.CurrentPath);

    /// <inheritdoc cref="QuantizeRow(ReadOnlySpan{float}, Span{byte})"/>
    [MethodImpl(Int8Scheme.Optimized)]
    public static float QuantizeRow(ReadOnlySpan<float> a, Span<byte> u, Int8Path path)
    {
#if NET8_0_OR_GREATER
        if (Avx2.IsSupported && path != Int8Path.Scalar && a.Length >= Vector256<float>.Count)
        {
            return QuantizeRowAvx2(a, u);
        }
#endif
        return QuantizeRowScalar(a, u);
    }

    /// <summary>The scalar form of <see cref="QuantizeRow(ReadOnlySpan{float}, Span{byte})"/>.</summary>
    [MethodImpl(Int8Scheme.Optimized)]
    internal static float QuantizeRowScalar(ReadOnlySpan<float> a, Span<byte> u)
    {
        float max = 0f;
        for (int i = 0; i < a.Length; i++)
        {
            float v = a[i];
            if (float.IsNaN(v) || float.IsInfinity(v))
            {
                return float.NaN;
            }

            float m = Math.Abs(v);
            if (m > max)
            {
                max = m;
            }
        }

        float inverse = 127f / max;
        if (max == 0f || float.IsInfinity(inverse))
        {
            u.Fill(Int8Layer.ActivationOffset);
            return 0f;
        }

        for (int i = 0; i < a.Length; i++)
        {
            u[i] = (byte)(RoundClamp(a[i] * inverse) + Int8Layer.ActivationOffset);
        }

        u.Slice(a.Length).Fill(Int8Layer.ActivationOffset);
        return max / 127f;
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// <see cref="QuantizeRow(ReadOnlySpan{float}, Span{byte})"/> on AVX2, the same bits. M = max |a| is taken on the
    /// bit patterns: with the sign bit cleared, a float's bits ordered as int32 are ordered as the float (+0 lowest),
    /// and infinities and NaNs have the largest patterns (0x7F800000 and above), so one vpand + vpmaxsd per 8 lanes, in
    /// four independent chains (max is exact in any order), gives both M and whether any activation is not finite.
    /// Then per lane a * (127 / M) rounded by vcvtps2dq under the default rounding mode (to nearest, ties to even, as
    /// Math.Round), clamped, + 128, packed to bytes.
    /// </summary>
    [MethodImpl(Int8Scheme.Optimized)]
    private static unsafe float QuantizeRowAvx2(ReadOnlySpan<float> a, Span<byte> u)
    {
        int n = a.Length;
        fixed (float* x = a)
        fixed (byte* q = u)
        {
            Vector256<int> signless = Vector256.Create(0x7FFF_FFFF);
            Vector256<int> m0 = Vector256<int>.Zero, m1 = Vector256<int>.Zero, m2 = Vector256<int>.Zero, m3 = Vector256<int>.Zero;
            int* bits = (int*)x;
            int i = 0;
            for (; i + 32 <= n; i += 32)
            {
                m0 = Avx2.Max(m0, Avx2.And(Avx.LoadVector256(bits + i), signless));
                m1 = Avx2.Max(m1, Avx2.And(Avx.LoadVector256(bits + i + 8), signless));
                m2 = Avx2.Max(m2, Avx2.And(Avx.LoadVector256(bits + i + 16), signless));
                m3 = Avx2.Max(m3, Avx2.And(Avx.LoadVector256(bits + i + 24), signless));
            }

            for (; i + 8 <= n; i += 8)
            {
                m0 = Avx2.Max(m0, Avx2.And(Avx.LoadVector256(bits + i), signless));
            }

            // The 8 lanes' maximum in registers.
            Vector256<int> m8 = Avx2.Max(Avx2.Max(m0, m1), Avx2.Max(m2, m3));
            Vector128<int> h = Sse41.Max(m8.GetLower(), m8.GetUpper());
            h = Sse41.Max(h, Sse2.Shuffle(h, 0b_01_00_11_10));
            h = Sse41.Max(h, Sse2.Shuffle(h, 0b_10_11_00_01));
            int largest = h.ToScalar();
            for (; i < n; i++)
            {
                largest = Math.Max(largest, bits[i] & 0x7FFF_FFFF);
            }

            if (largest >= 0x7F80_0000)
            {
                // An infinity (0x7F800000) or a NaN (above).
                return float.NaN;
            }

            float m = BitConverter.Int32BitsToSingle(largest);
            float inverse = 127f / m;
            if (m == 0f || float.IsInfinity(inverse))
            {
                u.Fill(Int8Layer.ActivationOffset);
                return 0f;
            }

            Vector256<float> scale = Vector256.Create(inverse);
            Vector256<int> low = Vector256.Create(-127), high = Vector256.Create(127), offset = Vector256.Create(Int8Layer.ActivationOffset);
            i = 0;

            // 32 at a time: the products rounded to int32 (vcvtps2dq) lie in [-127, 127] (|a_i| <= M, so
            // a_i * RN(127 / M) <= 127 (1 + 2^-24), which rounds to 127), so the saturating packs to int16 and to int8
            // (vpackssdw, vpacksswb) change no value; the clamp to -127 is kept as the formula states it (vpmaxsb), and
            // q + 128 as a byte is q with its top bit flipped. The packs interleave 128-bit lanes, and vpermd puts the
            // 4-byte groups back in order.
            Vector256<sbyte> lowest = Vector256.Create((sbyte)-127);
            Vector256<sbyte> flip = Vector256.Create(unchecked((sbyte)0x80));
            Vector256<int> order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
            for (; i + 32 <= n; i += 32)
            {
                Vector256<int> r0 = Avx.ConvertToVector256Int32(Avx.Multiply(Avx.LoadVector256(x + i), scale));
                Vector256<int> r1 = Avx.ConvertToVector256Int32(Avx.Multiply(Avx.LoadVector256(x + i + 8), scale));
                Vector256<int> r2 = Avx.ConvertToVector256Int32(Avx.Multiply(Avx.LoadVector256(x + i + 16), scale));
                Vector256<int> r3 = Avx.ConvertToVector256Int32(Avx.Multiply(Avx.LoadVector256(x + i + 24), scale));
                Vector256<sbyte> bytes = Avx2.PackSignedSaturate(Avx2.PackSignedSaturate(r0, r1), Avx2.PackSignedSaturate(r2, r3));
                bytes = Avx2.Xor(Avx2.Max(bytes, lowest), flip);
                Avx.Store(q + i, Avx2.PermuteVar8x32(bytes.AsInt32(), order).AsByte());
            }

            for (; i + 8 <= n; i += 8)
            {
                Vector256<int> r = Avx.ConvertToVector256Int32(Avx.Multiply(Avx.LoadVector256(x + i), scale));
                r = Avx2.Add(Avx2.Min(Avx2.Max(r, low), high), offset);

                // 8 int32 in 1..255 -> 8 bytes: pack to 16 bits, then to 8 bits (vpackusdw/vpackuswb work per 128-bit lane).
                Vector128<short> words = Sse41.PackUnsignedSaturate(r.GetLower(), r.GetUpper()).AsInt16();
                Vector128<byte> bytes = Sse2.PackUnsignedSaturate(words, words);
                *(ulong*)(q + i) = bytes.AsUInt64().ToScalar();
            }

            for (; i < n; i++)
            {
                q[i] = (byte)(RoundClamp(x[i] * inverse) + Int8Layer.ActivationOffset);
            }

            // The padding (at most 3 bytes): q = 0.
            for (i = n; i < u.Length; i++)
            {
                q[i] = Int8Layer.ActivationOffset;
            }

            return m / 127f;
        }
    }
#endif

    /// <summary>
    /// The epilogue of one example: S_j = raw_j - 128 sum_i q_ij, z_j = float(S_j) * (s_a * s_j) + b_j, A = g(Z) in
    /// <paramref name="a"/> (n_l values). Softmax is taken over the row in float.
    /// </summary>
    [MethodImpl(Int8Scheme.Optimized)]
    public static void Rescale(ReadOnlySpan<int> raw, float activationScale, Int8Layer layer, Span<float> a, Int8Path path)
    {
        int n = layer.Outputs;
        float[] scales = layer.Scales;
        int[] compensation = layer.Compensation;
        float[] bias = layer.Bias;
        int j = 0;
#if NET8_0_OR_GREATER
        if (Avx2.IsSupported && path != Int8Path.Scalar)
        {
            // The same operations as the scalar loop, 8 lanes at a time: vcvtdq2ps rounds as (float)int does, and
            // the products and sum are IEEE single precision either way (no fused multiply-add).
            Vector256<float> sa = Vector256.Create(activationScale);
            for (; j + 8 <= n; j += 8)
            {
                Vector256<float> product = Avx.ConvertToVector256Single(Avx2.Subtract(
                    Vector256.LoadUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(raw), (nuint)j),
                    Vector256.LoadUnsafe(ref compensation[0], (nuint)j)));
                Vector256<float> scale = Avx.Multiply(sa, Vector256.LoadUnsafe(ref scales[0], (nuint)j));
                Vector256<float> z = Avx.Add(Avx.Multiply(product, scale), Vector256.LoadUnsafe(ref bias[0], (nuint)j));
                if (layer.Activation == Activation.ReLU)
                {
                    // g(z) = z <= 0 ? 0 : z, as ActivationFunctions.ReLU (0 for -0, NaN kept).
                    z = Avx.AndNot(Avx.CompareLessThanOrEqual(z, Vector256<float>.Zero), z);
                }

                z.StoreUnsafe(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(a), (nuint)j);
            }
        }

        int vectorised = j;
#else
        const int vectorised = 0;
#endif
        for (; j < n; j++)
        {
            float product = (float)(raw[j] - compensation[j]);
            float scale = activationScale * scales[j];
            float z = product * scale;
            a[j] = z + bias[j];
        }

        if (layer.Activation == Activation.ReLU)
        {
            // The vector loop applied ReLU to its lanes already.
            Activate(Activation.ReLU, a.Slice(vectorised, n - vectorised), path);
        }
        else
        {
            Activate(layer.Activation, a.Slice(0, n), path);
        }
    }

    /// <summary>A = g(Z) in place, with the runtime's scalar activation functions, tanh as <see cref="Int8Tanh"/> and
    /// softmax as <see cref="Int8Softmax"/> (each the same bits on every instruction set).</summary>
    [MethodImpl(Int8Scheme.Optimized)]
    public static void Activate(Activation activation, Span<float> z, Int8Path path)
    {
        switch (activation)
        {
            case Activation.Identity:
                return;
            case Activation.Softmax:
                Int8Softmax.InPlace(z, path);
                return;
            case Activation.Tanh:
                Int8Tanh.InPlace(z, path);
                return;
        }

        for (int j = 0; j < z.Length; j++)
        {
            z[j] = activation switch
            {
                Activation.Sigmoid => ActivationFunctions.Sigmoid(z[j]),
                Activation.Tanh => ActivationFunctions.Tanh(z[j]),
                Activation.ReLU => ActivationFunctions.ReLU(z[j]),
                Activation.LeakyReLU => ActivationFunctions.LeakyReLU(z[j]),
                Activation.ELU => ActivationFunctions.ELU(z[j]),
                Activation.SiLU => ActivationFunctions.SiLU(z[j]),
                Activation.Softplus => ActivationFunctions.Softplus(z[j]),
                _ => throw new ArgumentOutOfRangeException(nameof(activation), activation, "Not an activation."),
            };
        }
    }
}
