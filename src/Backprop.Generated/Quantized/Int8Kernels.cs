using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
#if NET8_0_OR_GREATER
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
#endif

namespace Backprop.Generated.Quantized;

/// <summary>The instruction sets the int8 product can run on (docs/int8.md, "Kernels").</summary>
internal enum Int8Path
{
    /// <summary>Plain C#: one int32 multiply-add per byte pair.</summary>
    Scalar,

    /// <summary>SSE4.1 (128-bit): pmovsxbw/pmovzxbw to 16 bits, pmaddwd into int32.</summary>
    Sse41,

    /// <summary>AVX2 (256-bit): vpmovsxbw/vpmovzxbw to 16 bits, vpmaddwd into int32 (never vpmaddubsw, whose int16 sums saturate).</summary>
    Avx2,

    /// <summary>AVX-512BW (512-bit): the AVX2 form on 512-bit registers.</summary>
    Avx512BW,

    /// <summary>AVX-VNNI (256-bit vpdpbusd): uint8 x int8, four products summed into each int32 lane. Needs .NET 10.</summary>
    AvxVnni,

    /// <summary>ARM64 AdvSimd (128-bit): sign/zero extension to 16 bits, smlal/smlal2 into int32.</summary>
    AdvSimd,

    /// <summary>The <see cref="AvxVnni"/> kernel over a software vpdpbusd with the instruction's exact semantics (tests).</summary>
    EmulatedAvxVnni,

    /// <summary>The <see cref="Avx512BW"/> kernel over software vpmovsxbw/vpmovzxbw/vpmaddwd (tests).</summary>
    EmulatedAvx512BW,
}

/// <summary>
/// The integer product of the int8 scheme: raw_j = sum_i u_i q_ij over one example's uint8 activations u (n_{l-1}
/// padded to a multiple of 4) and the packed int8 weights of <see cref="Int8Layer"/>, into int32 for every padded unit j.
/// Each path adds the same int32 products (every partial sum is exact: |u q| &lt;= 255 * 127 and n_{l-1} &lt;= 16,384 keep
/// |raw_j| below 2^31), so all paths give the same sums.
/// </summary>
internal static class Int8Kernels
{
    /// <summary>A test hook: the path the calling thread's kernels take, or <see langword="null"/> for the detected one.</summary>
    internal static Int8Path? ForcedPath
    {
        get => t_forcedPath;
        set => t_forcedPath = value;
    }

    [ThreadStatic]
    private static Int8Path? t_forcedPath;

#if NET8_0_OR_GREATER
    /// <summary>The AVX2 kernels' copy of the activations widened to int16 (grown per thread as needed).</summary>
    [ThreadStatic]
    private static short[]? t_widened;

    /// <summary>
    /// The four examples' u zero-extended to int16 once per call, so that the four-row AVX2 loop broadcasts each group's
    /// 4 activations with one vpbroadcastq instead of a vpbroadcastd and a vpmovzxbw per 8 units (the one-example loop
    /// keeps the per-group widening: for small layers the extra pass cost more than it saved).
    /// </summary>
    [MethodImpl(Int8Scheme.Optimized)]
    private static unsafe short[] Widen(ReadOnlySpan<byte> u, int count)
    {
        short[] widened = t_widened is { } w && w.Length >= count ? w : t_widened = new short[Math.Max(count, 256)];
        fixed (byte* from = u)
        fixed (short* to = widened)
        {
            // count is a multiple of 4; 16 at a time, then 4 at a time.
            int i = 0;
            for (; i + 16 <= count; i += 16)
            {
                Avx.Store(to + i, Avx2.ConvertToVector256Int16(Sse2.LoadVector128(from + i)));
            }

            for (; i < count; i += 4)
            {
                *(ulong*)(to + i) = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(*(uint*)(from + i)).AsByte()).AsUInt64().ToScalar();
            }
        }

        return widened;
    }
#endif

    /// <summary>The widest path this process's hardware and runtime support.</summary>
    public static Int8Path DetectedPath { get; } = Detect();

    /// <summary>The path the calling thread's kernels take.</summary>
    public static Int8Path CurrentPath => ForcedPath ?? DetectedPath;

    /// <summary>Whether <paramref name="path"/> can run in this process (emulated paths always can).</summary>
    public static bool IsSupported(Int8Path path)
    {
#if NET8_0_OR_GREATER
        return path switch
        {
            Int8Path.Scalar or Int8Path.EmulatedAvxVnni or Int8Path.EmulatedAvx512BW => true,
            Int8Path.Sse41 => Sse41.IsSupported,
            Int8Path.Avx2 => Avx2.IsSupported,
            Int8Path.Avx512BW => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated,
            Int8Path.AvxVnni => HardwareVnni.IsSupported,
            Int8Path.AdvSimd => AdvSimd.Arm64.IsSupported,
            _ => false,
        };
#else
        return path == Int8Path.Scalar;
#endif
    }

    private static Int8Path Detect()
    {
        // VNNI first: one vpdpbusd does 32 multiply-adds into 8 sums; the widening forms need two extensions, a
        // vpmaddwd and a vpaddd for the same 32 bytes of weights at 256 bits (16 units per instruction at 512 bits).
        foreach (Int8Path path in new[] { Int8Path.AvxVnni, Int8Path.Avx512BW, Int8Path.Avx2, Int8Path.AdvSimd, Int8Path.Sse41 })
        {
            if (IsSupported(path))
            {
                return path;
            }
        }

        return Int8Path.Scalar;
    }

    /// <summary>raw_j = sum_i u_i q_ij for j below the layer's padded outputs, on the calling thread's path.</summary>
    /// <param name="u">The example's uint8 activations, at least <see cref="Int8Layer.PaddedInputs"/> bytes.</param>
    /// <param name="layer">The packed weights.</param>
    /// <param name="raw">At least <see cref="Int8Layer.PaddedOutputs"/> sums.</param>
    public static void Dot(ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw) => Dot(CurrentPath, u, layer, raw);

    /// <inheritdoc cref="Dot(ReadOnlySpan{byte}, Int8Layer, Span{int})"/>
    [MethodImpl(Int8Scheme.Optimized)]
    public static void Dot(Int8Path path, ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw)
    {
        if (u.Length < layer.PaddedInputs || raw.Length < layer.PaddedOutputs)
        {
            throw new ArgumentException("The activation or sum buffer is shorter than the layer's padded sizes.");
        }

#if NET8_0_OR_GREATER
        switch (path)
        {
            case Int8Path.Sse41 when Sse41.IsSupported:
                DotSse41(u, layer, raw);
                return;
            case Int8Path.Avx2 when Avx2.IsSupported:
                DotAvx2(u, layer, raw);
                return;
            case Int8Path.Avx512BW when Avx512BW.IsSupported:
                DotWide<HardwareWiden512>(u, layer, raw);
                return;
            case Int8Path.AvxVnni when HardwareVnni.IsSupported:
                DotVnni<HardwareVnni>(u, layer, raw);
                return;
            case Int8Path.AdvSimd when AdvSimd.Arm64.IsSupported:
                DotAdvSimd(u, layer, raw);
                return;
            case Int8Path.EmulatedAvxVnni:
                DotVnni<EmulatedVnni>(u, layer, raw);
                return;
            case Int8Path.EmulatedAvx512BW:
                DotWide<EmulatedWiden512>(u, layer, raw);
                return;
        }
#endif
        if (path != Int8Path.Scalar && !IsSupported(path))
        {
            throw new PlatformNotSupportedException($"The int8 path {path} is not supported on this machine.");
        }

        DotScalar(u, layer, raw);
    }

    /// <summary>
    /// <see cref="Dot(Int8Path, ReadOnlySpan{byte}, Int8Layer, Span{int})"/> for <paramref name="rows"/> examples (1 to
    /// <see cref="MaxRows"/>) on <paramref name="path"/>: example r's activations at r * PaddedInputs, its sums at r * PaddedOutputs. On AVX2 and
    /// AVX-VNNI (hardware or emulated) four rows share each weight vector; fewer rows, and the other paths, run the
    /// one-row kernel row by row. The sums are those of the one-row kernels.
    /// </summary>
    [MethodImpl(Int8Scheme.Optimized)]
    public static void DotRows(Int8Path path, ReadOnlySpan<byte> u, int rows, Int8Layer layer, Span<int> raw)
    {
        int kp = layer.PaddedInputs, np = layer.PaddedOutputs;
        if (u.Length < rows * kp || raw.Length < rows * np || rows < 1 || rows > MaxRows)
        {
            throw new ArgumentException("The activation or sum buffer is shorter than the rows' padded sizes.");
        }

#if NET8_0_OR_GREATER
        if (rows == MaxRows)
        {
            switch (path)
            {
                case Int8Path.Avx2 when Avx2.IsSupported:
                    DotAvx2FourRows(u, layer, raw);
                    return;
                case Int8Path.AvxVnni when HardwareVnni.IsSupported:
                    DotVnniFourRows<HardwareVnni>(u, layer, raw);
                    return;
                case Int8Path.EmulatedAvxVnni:
                    DotVnniFourRows<EmulatedVnni>(u, layer, raw);
                    return;
            }
        }
#endif
        for (int r = 0; r < rows; r++)
        {
            Dot(path, u.Slice(r * kp, kp), layer, raw.Slice(r * np, np));
        }
    }

    /// <summary>The most examples one <see cref="DotRows"/> call takes.</summary>
    public const int MaxRows = 4;

    /// <summary>The scalar form: for each group of 4 inputs, each unit's 4 products.</summary>
    [MethodImpl(Int8Scheme.Optimized)]
    internal static void DotScalar(ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw)
    {
        int np = layer.PaddedOutputs;
        int groups = layer.PaddedInputs / Int8Layer.InputGroup;
        sbyte[] packed = layer.Packed;
        raw.Slice(0, np).Clear();
        for (int g = 0; g < groups; g++)
        {
            int u0 = u[(4 * g) + 0], u1 = u[(4 * g) + 1], u2 = u[(4 * g) + 2], u3 = u[(4 * g) + 3];
            int row = g * np * 4;
            for (int j = 0; j < np; j++)
            {
                int at = row + (4 * j);
                raw[j] += (u0 * packed[at]) + (u1 * packed[at + 1]) + (u2 * packed[at + 2]) + (u3 * packed[at + 3]);
            }
        }
    }

#if NET8_0_OR_GREATER
    /// <summary>
    /// 4 units per 128-bit block: per group, the block's 16 weight bytes sign-extended to two int16 vectors (units 0-1,
    /// 2-3), the 4 activation bytes zero-extended and repeated, pmaddwd (int16 pairs into int32, exact) and paddd.
    /// Each unit ends with two int32 partial sums, added pairwise at the end.
    /// </summary>
    [MethodImpl(Int8Scheme.Optimized)]
    private static unsafe void DotSse41(ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw)
    {
        int np = layer.PaddedOutputs;
        int groups = layer.PaddedInputs / Int8Layer.InputGroup;
        fixed (sbyte* packed = layer.Packed)
        fixed (byte* activations = u)
        fixed (int* sums = raw)
        {
            for (int j0 = 0; j0 < np; j0 += 4)
            {
                Vector128<int> lo = Vector128<int>.Zero, hi = Vector128<int>.Zero;
                sbyte* w = packed + (4 * j0);
                for (int g = 0; g < groups; g++, w += 4 * np)
                {
                    Vector128<short> a = Sse41.ConvertToVector128Int16(Vector128.CreateScalarUnsafe(*(uint*)(activations + (4 * g))).AsByte());
                    a = Sse2.UnpackLow(a.AsInt64(), a.AsInt64()).AsInt16();
                    lo = Sse2.Add(lo, Sse2.MultiplyAddAdjacent(Sse41.ConvertToVector128Int16(w), a));
                    hi = Sse2.Add(hi, Sse2.MultiplyAddAdjacent(Sse41.ConvertToVector128Int16(w + 8), a));
                }

                // lo = [u0 p0, u0 p1, u1 p0, u1 p1], hi likewise for units 2 and 3: phaddd gives [u0, u1, u2, u3].
                Sse2.Store(sums + j0, Ssse3.HorizontalAdd(lo, hi));
            }
        }
    }

    /// <summary>
    /// 8 units per 256-bit block: per group, 32 weight bytes sign-extended in two halves (units 0-3, 4-7) to int16, the
    /// 4 activation bytes zero-extended and repeated 4 times, vpmaddwd into int32 (exact; vpmaddubsw's int16 sums
    /// would saturate) and vpaddd. The pairwise sums are added once per block.
    /// </summary>
    [MethodImpl(Int8Scheme.Optimized)]
    private static unsafe void DotAvx2(ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw)
    {
        int np = layer.PaddedOutputs;
        int groups = layer.PaddedInputs / Int8Layer.InputGroup;
        fixed (sbyte* packed = layer.Packed)
        fixed (byte* activations = u)
        fixed (int* sums = raw)
        {
            // Two 8-unit blocks at a time (4 accumulators) while the padded width allows: each group's activation
            // widening then serves 64 weight bytes.
            int j0 = 0;
            for (; j0 + 16 <= np; j0 += 16)
            {
                Vector256<int> a0 = Vector256<int>.Zero, a1 = Vector256<int>.Zero, a2 = Vector256<int>.Zero, a3 = Vector256<int>.Zero;
                sbyte* w = packed + (4 * j0);
                for (int g = 0; g < groups; g++, w += 4 * np)
                {
                    Vector256<short> a = Avx2.ConvertToVector256Int16(Vector128.Create(*(uint*)(activations + (4 * g))).AsByte());
                    a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(w), a));
                    a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(w + 16), a));
                    a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(w + 32), a));
                    a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(Avx2.ConvertToVector256Int16(w + 48), a));
                }

                StorePairSums(a0, a1, sums + j0);
                StorePairSums(a2, a3, sums + j0 + 8);
            }
        }
    }

    /// <summary>
    /// The AVX2 form for four examples at once: per group, each 8-unit block's 32 weight bytes are widened once and
    /// multiplied with the four examples' activations (8 accumulators, 2 per example).
    /// </summary>
    [MethodImpl(Int8Scheme.Optimized)]
    private static unsafe void DotAvx2FourRows(ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw)
    {
        int np = layer.PaddedOutputs;
        int kp = layer.PaddedInputs;
        int groups = kp / Int8Layer.InputGroup;
        short[] widened = Widen(u, 4 * kp);
        fixed (sbyte* packed = layer.Packed)
        fixed (short* activations = widened)
        fixed (int* sums = raw)
        {
            short* u0 = activations, u1 = activations + kp, u2 = activations + (2 * kp), u3 = activations + (3 * kp);
            for (int j0 = 0; j0 < np; j0 += 8)
            {
                Vector256<int> l0 = Vector256<int>.Zero, h0 = Vector256<int>.Zero, l1 = Vector256<int>.Zero, h1 = Vector256<int>.Zero;
                Vector256<int> l2 = Vector256<int>.Zero, h2 = Vector256<int>.Zero, l3 = Vector256<int>.Zero, h3 = Vector256<int>.Zero;
                sbyte* w = packed + (4 * j0);
                for (int g = 0; g < groups; g++, w += 4 * np)
                {
                    Vector256<short> wl = Avx2.ConvertToVector256Int16(w);
                    Vector256<short> wh = Avx2.ConvertToVector256Int16(w + 16);
                    Vector256<short> a = Vector256.Create(*(ulong*)(u0 + (4 * g))).AsInt16();
                    l0 = Avx2.Add(l0, Avx2.MultiplyAddAdjacent(wl, a));
                    h0 = Avx2.Add(h0, Avx2.MultiplyAddAdjacent(wh, a));
                    a = Vector256.Create(*(ulong*)(u1 + (4 * g))).AsInt16();
                    l1 = Avx2.Add(l1, Avx2.MultiplyAddAdjacent(wl, a));
                    h1 = Avx2.Add(h1, Avx2.MultiplyAddAdjacent(wh, a));
                    a = Vector256.Create(*(ulong*)(u2 + (4 * g))).AsInt16();
                    l2 = Avx2.Add(l2, Avx2.MultiplyAddAdjacent(wl, a));
                    h2 = Avx2.Add(h2, Avx2.MultiplyAddAdjacent(wh, a));
                    a = Vector256.Create(*(ulong*)(u3 + (4 * g))).AsInt16();
                    l3 = Avx2.Add(l3, Avx2.MultiplyAddAdjacent(wl, a));
                    h3 = Avx2.Add(h3, Avx2.MultiplyAddAdjacent(wh, a));
                }

                StorePairSums(l0, h0, sums + j0);
                StorePairSums(l1, h1, sums + np + j0);
                StorePairSums(l2, h2, sums + (2 * np) + j0);
                StorePairSums(l3, h3, sums + (3 * np) + j0);
            }
        }
    }

    /// <summary>
    /// lo = [u0 p0, u0 p1, u1 p0, u1 p1 | u2 .., u3 ..] and hi the same for units 4-7: vphaddd works within 128-bit
    /// lanes ([u0, u1, u4, u5 | u2, u3, u6, u7]), and vpermq puts the units in order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void StorePairSums(Vector256<int> lo, Vector256<int> hi, int* destination)
    {
        Vector256<int> sums = Avx2.HorizontalAdd(lo, hi);
        Avx.Store(destination, Avx2.Permute4x64(sums.AsInt64(), 0b11_01_10_00).AsInt32());
    }

    /// <summary>
    /// 16 units per 512-bit block, the AVX2 form on wider registers: per group, two 32-byte halves (units 0-7, 8-15)
    /// widened to int16, the activations widened and repeated, multiply-add of adjacent int16 pairs into int32. The
    /// pairs are added once per block through memory. <typeparamref name="TWiden"/> supplies the three instructions
    /// (hardware AVX-512BW, or their software form for the tests on machines without it).
    /// </summary>
    [MethodImpl(Int8Scheme.Optimized)]
    private static void DotWide<TWiden>(ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw)
        where TWiden : IWiden512
    {
        int np = layer.PaddedOutputs;
        int groups = layer.PaddedInputs / Int8Layer.InputGroup;
        ref sbyte packed = ref MemoryMarshal.GetArrayDataReference(layer.Packed);
        ref byte activations = ref MemoryMarshal.GetReference(u);
        Span<int> pairs = stackalloc int[32];
        for (int j0 = 0; j0 < np; j0 += 16)
        {
            Vector512<int> lo = Vector512<int>.Zero, hi = Vector512<int>.Zero;
            for (int g = 0; g < groups; g++)
            {
                uint four = Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref activations, 4 * g));
                Vector512<short> a = TWiden.ZeroExtend(Vector256.Create(four).AsByte());
                int at = (g * np * 4) + (4 * j0);
                lo = Vector512.Add(lo, TWiden.MultiplyAddAdjacent(TWiden.SignExtend(Vector256.LoadUnsafe(ref packed, (nuint)at)), a));
                hi = Vector512.Add(hi, TWiden.MultiplyAddAdjacent(TWiden.SignExtend(Vector256.LoadUnsafe(ref packed, (nuint)(at + 32))), a));
            }

            lo.CopyTo(pairs);
            hi.CopyTo(pairs.Slice(16));
            for (int k = 0; k < 16; k++)
            {
                raw[j0 + k] = pairs[2 * k] + pairs[(2 * k) + 1];
            }
        }
    }

    /// <summary>
    /// 8 units per 256-bit block in the VNNI form: per group, the 4 activation bytes broadcast to every int32 lane and
    /// one vpdpbusd with the 32 weight bytes (4 per unit) adds each unit's 4 products into its own lane.
    /// <typeparamref name="TDot"/> is the hardware instruction (.NET 10's AvxVnni) or its software form.
    /// </summary>
    /// <remarks>
    /// vpdpbusd's latency is several cycles and a core issues two a cycle, so one chain per 8-unit block would wait on
    /// itself: a pass takes 64 units (8 independent accumulators) while the padded width allows, then the remaining
    /// 16-unit blocks with each block's groups split by parity (4 accumulators, added at the end; integer addition is
    /// exact in any order). Each broadcast of an example's 4 bytes serves every block of the pass.
    /// </remarks>
    [MethodImpl(Int8Scheme.Optimized)]
    private static unsafe void DotVnni<TDot>(ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw)
        where TDot : IDpbusd
    {
        int np = layer.PaddedOutputs;
        int groups = layer.PaddedInputs / Int8Layer.InputGroup;
        fixed (sbyte* packed = layer.Packed)
        fixed (byte* activations = u)
        fixed (int* sums = raw)
        {
            uint* x = (uint*)activations;
            int j0 = 0;
            for (; j0 + 128 <= np; j0 += 128)
            {
                Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
                Vector256<int> e0 = default, e1 = default, e2 = default, e3 = default, e4 = default, e5 = default, e6 = default, e7 = default;
                sbyte* w = packed + (4 * j0);
                for (int g = 0; g < groups; g++, w += 4 * np)
                {
                    Vector256<byte> a = Vector256.Create(x[g]).AsByte();
                    c0 = TDot.MultiplyWideningAndAdd(c0, a, Vector256.Load(w));
                    c1 = TDot.MultiplyWideningAndAdd(c1, a, Vector256.Load(w + 32));
                    c2 = TDot.MultiplyWideningAndAdd(c2, a, Vector256.Load(w + 64));
                    c3 = TDot.MultiplyWideningAndAdd(c3, a, Vector256.Load(w + 96));
                    c4 = TDot.MultiplyWideningAndAdd(c4, a, Vector256.Load(w + 128));
                    c5 = TDot.MultiplyWideningAndAdd(c5, a, Vector256.Load(w + 160));
                    c6 = TDot.MultiplyWideningAndAdd(c6, a, Vector256.Load(w + 192));
                    c7 = TDot.MultiplyWideningAndAdd(c7, a, Vector256.Load(w + 224));
                    e0 = TDot.MultiplyWideningAndAdd(e0, a, Vector256.Load(w + 256));
                    e1 = TDot.MultiplyWideningAndAdd(e1, a, Vector256.Load(w + 288));
                    e2 = TDot.MultiplyWideningAndAdd(e2, a, Vector256.Load(w + 320));
                    e3 = TDot.MultiplyWideningAndAdd(e3, a, Vector256.Load(w + 352));
                    e4 = TDot.MultiplyWideningAndAdd(e4, a, Vector256.Load(w + 384));
                    e5 = TDot.MultiplyWideningAndAdd(e5, a, Vector256.Load(w + 416));
                    e6 = TDot.MultiplyWideningAndAdd(e6, a, Vector256.Load(w + 448));
                    e7 = TDot.MultiplyWideningAndAdd(e7, a, Vector256.Load(w + 480));
                }

                int* s = sums + j0;
                c0.Store(s);
                c1.Store(s + 8);
                c2.Store(s + 16);
                c3.Store(s + 24);
                c4.Store(s + 32);
                c5.Store(s + 40);
                c6.Store(s + 48);
                c7.Store(s + 56);
                e0.Store(s + 64);
                e1.Store(s + 72);
                e2.Store(s + 80);
                e3.Store(s + 88);
                e4.Store(s + 96);
                e5.Store(s + 104);
                e6.Store(s + 112);
                e7.Store(s + 120);
            }

            for (; j0 + 64 <= np; j0 += 64)
            {
                Vector256<int> c0 = default, c1 = default, c2 = default, c3 = default, c4 = default, c5 = default, c6 = default, c7 = default;
                sbyte* w = packed + (4 * j0);
                for (int g = 0; g < groups; g++, w += 4 * np)
                {
                    Vector256<byte> a = Vector256.Create(x[g]).AsByte();
                    c0 = TDot.MultiplyWideningAndAdd(c0, a, Vector256.Load(w));
                    c1 = TDot.MultiplyWideningAndAdd(c1, a, Vector256.Load(w + 32));
                    c2 = TDot.MultiplyWideningAndAdd(c2, a, Vector256.Load(w + 64));
                    c3 = TDot.MultiplyWideningAndAdd(c3, a, Vector256.Load(w + 96));
                    c4 = TDot.MultiplyWideningAndAdd(c4, a, Vector256.Load(w + 128));
                    c5 = TDot.MultiplyWideningAndAdd(c5, a, Vector256.Load(w + 160));
                    c6 = TDot.MultiplyWideningAndAdd(c6, a, Vector256.Load(w + 192));
                    c7 = TDot.MultiplyWideningAndAdd(c7, a, Vector256.Load(w + 224));
                }

                int* s = sums + j0;
                c0.Store(s);
                c1.Store(s + 8);
                c2.Store(s + 16);
                c3.Store(s + 24);
                c4.Store(s + 32);
                c5.Store(s + 40);
                c6.Store(s + 48);
                c7.Store(s + 56);
            }

            for (; j0 < np; j0 += 16)
            {
                // Even groups into c0/c1, odd into d0/d1.
                Vector256<int> c0 = default, c1 = default, d0 = default, d1 = default;
                sbyte* w = packed + (4 * j0);
                int g = 0;
                for (; g + 2 <= groups; g += 2, w += 8 * np)
                {
                    Vector256<byte> a = Vector256.Create(x[g]).AsByte();
                    Vector256<byte> b = Vector256.Create(x[g + 1]).AsByte();
                    c0 = TDot.MultiplyWideningAndAdd(c0, a, Vector256.Load(w));
                    c1 = TDot.MultiplyWideningAndAdd(c1, a, Vector256.Load(w + 32));
                    d0 = TDot.MultiplyWideningAndAdd(d0, b, Vector256.Load(w + (4 * np)));
                    d1 = TDot.MultiplyWideningAndAdd(d1, b, Vector256.Load(w + (4 * np) + 32));
                }

                if (g < groups)
                {
                    Vector256<byte> a = Vector256.Create(x[g]).AsByte();
                    c0 = TDot.MultiplyWideningAndAdd(c0, a, Vector256.Load(w));
                    c1 = TDot.MultiplyWideningAndAdd(c1, a, Vector256.Load(w + 32));
                }

                (c0 + d0).Store(sums + j0);
                (c1 + d1).Store(sums + j0 + 8);
            }
        }
    }

    /// <summary>
    /// The VNNI form for four examples at once, 16 units per pass (8 accumulators, 2 per example): per group, the two
    /// 32-byte weight vectors are loaded once and each serves the four examples, whose 4 activation bytes are each
    /// broadcast once and serve both blocks. The weights are read once per four examples instead of once per example;
    /// the sums are those of <see cref="DotVnni{TDot}"/> (the same products, added in another order, exactly).
    /// </summary>
    /// <param name="u">The four examples' activations, example r at r * PaddedInputs.</param>
    /// <param name="layer">The packed weights.</param>
    /// <param name="raw">The four examples' sums, example r at r * PaddedOutputs.</param>
    [MethodImpl(Int8Scheme.Optimized)]
    internal static unsafe void DotVnniFourRows<TDot>(ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw)
        where TDot : IDpbusd
    {
        int np = layer.PaddedOutputs;
        int kp = layer.PaddedInputs;
        int groups = kp / Int8Layer.InputGroup;
        fixed (sbyte* packed = layer.Packed)
        fixed (byte* activations = u)
        fixed (int* sums = raw)
        {
            uint* x0 = (uint*)activations, x1 = (uint*)(activations + kp), x2 = (uint*)(activations + (2 * kp)), x3 = (uint*)(activations + (3 * kp));
            for (int j0 = 0; j0 < np; j0 += 16)
            {
                Vector256<int> l0 = default, h0 = default, l1 = default, h1 = default;
                Vector256<int> l2 = default, h2 = default, l3 = default, h3 = default;
                sbyte* w = packed + (4 * j0);
                for (int g = 0; g < groups; g++, w += 4 * np)
                {
                    Vector256<sbyte> wl = Vector256.Load(w), wh = Vector256.Load(w + 32);
                    Vector256<byte> a = Vector256.Create(x0[g]).AsByte();
                    l0 = TDot.MultiplyWideningAndAdd(l0, a, wl);
                    h0 = TDot.MultiplyWideningAndAdd(h0, a, wh);
                    a = Vector256.Create(x1[g]).AsByte();
                    l1 = TDot.MultiplyWideningAndAdd(l1, a, wl);
                    h1 = TDot.MultiplyWideningAndAdd(h1, a, wh);
                    a = Vector256.Create(x2[g]).AsByte();
                    l2 = TDot.MultiplyWideningAndAdd(l2, a, wl);
                    h2 = TDot.MultiplyWideningAndAdd(h2, a, wh);
                    a = Vector256.Create(x3[g]).AsByte();
                    l3 = TDot.MultiplyWideningAndAdd(l3, a, wl);
                    h3 = TDot.MultiplyWideningAndAdd(h3, a, wh);
                }

                l0.Store(sums + j0);
                h0.Store(sums + j0 + 8);
                l1.Store(sums + np + j0);
                h1.Store(sums + np + j0 + 8);
                l2.Store(sums + (2 * np) + j0);
                h2.Store(sums + (2 * np) + j0 + 8);
                l3.Store(sums + (3 * np) + j0);
                h3.Store(sums + (3 * np) + j0 + 8);
            }
        }
    }

    /// <summary>
    /// 4 units per 128-bit block on ARM64: per group, 16 weight bytes sign-extended in halves (units 0-1, 2-3) to int16,
    /// the activations zero-extended and repeated, smlal/smlal2 (int16 x int16 widened to int32 and added) into one
    /// accumulator per unit; addp adds each unit's four lanes at the end.
    /// </summary>
    [MethodImpl(Int8Scheme.Optimized)]
    private static void DotAdvSimd(ReadOnlySpan<byte> u, Int8Layer layer, Span<int> raw)
    {
        int np = layer.PaddedOutputs;
        int groups = layer.PaddedInputs / Int8Layer.InputGroup;
        ref sbyte packed = ref MemoryMarshal.GetArrayDataReference(layer.Packed);
        ref byte activations = ref MemoryMarshal.GetReference(u);
        ref int sums = ref MemoryMarshal.GetReference(raw);
        for (int j0 = 0; j0 < np; j0 += 4)
        {
            Vector128<int> c0 = Vector128<int>.Zero, c1 = Vector128<int>.Zero, c2 = Vector128<int>.Zero, c3 = Vector128<int>.Zero;
            for (int g = 0; g < groups; g++)
            {
                Vector64<byte> four = Vector64.Create(Unsafe.ReadUnaligned<uint>(ref Unsafe.Add(ref activations, 4 * g))).AsByte();
                Vector128<short> a = AdvSimd.ZeroExtendWideningLower(four).AsInt16();
                Vector128<sbyte> w = Vector128.LoadUnsafe(ref packed, (nuint)((g * np * 4) + (4 * j0)));
                Vector128<short> w01 = AdvSimd.SignExtendWideningLower(w.GetLower());
                Vector128<short> w23 = AdvSimd.SignExtendWideningUpper(w);
                c0 = AdvSimd.MultiplyWideningLowerAndAdd(c0, w01.GetLower(), a.GetLower());
                c1 = AdvSimd.MultiplyWideningUpperAndAdd(c1, w01, a);
                c2 = AdvSimd.MultiplyWideningLowerAndAdd(c2, w23.GetLower(), a.GetLower());
                c3 = AdvSimd.MultiplyWideningUpperAndAdd(c3, w23, a);
            }

            Vector128<int> total = AdvSimd.Arm64.AddPairwise(AdvSimd.Arm64.AddPairwise(c0, c1), AdvSimd.Arm64.AddPairwise(c2, c3));
            total.StoreUnsafe(ref sums, (nuint)j0);
        }
    }

    /// <summary>vpdpbusd: each int32 lane plus the 4 products of its uint8 bytes of left and int8 bytes of right.</summary>
    internal interface IDpbusd
    {
        static abstract Vector256<int> MultiplyWideningAndAdd(Vector256<int> addend, Vector256<byte> left, Vector256<sbyte> right);
    }

    /// <summary>The three AVX-512BW instructions of <see cref="DotWide{TWiden}"/>.</summary>
    internal interface IWiden512
    {
        /// <summary>vpmovsxbw: 32 int8 to 32 int16.</summary>
        static abstract Vector512<short> SignExtend(Vector256<sbyte> value);

        /// <summary>vpmovzxbw: 32 uint8 to 32 int16.</summary>
        static abstract Vector512<short> ZeroExtend(Vector256<byte> value);

        /// <summary>vpmaddwd: lane k of the result is left[2k] right[2k] + left[2k+1] right[2k+1] in int32.</summary>
        static abstract Vector512<int> MultiplyAddAdjacent(Vector512<short> left, Vector512<short> right);
    }

    /// <summary>
    /// vpdpbusd in software, from the instruction's definition (Intel SDM, VPDPBUSD): for each dword lane i,
    /// DEST.dword[i] = SRC.dword[i] + sum_k ZeroExtend(left.byte[4i+k]) * SignExtend(right.byte[4i+k]), wrapping (the
    /// non-saturating form).
    /// </summary>
    internal readonly struct EmulatedVnni : IDpbusd
    {
        public static Vector256<int> MultiplyWideningAndAdd(Vector256<int> addend, Vector256<byte> left, Vector256<sbyte> right)
        {
            Span<int> lanes = stackalloc int[8];
            for (int i = 0; i < 8; i++)
            {
                int sum = addend.GetElement(i);
                for (int k = 0; k < 4; k++)
                {
                    sum = unchecked(sum + (left.GetElement((4 * i) + k) * right.GetElement((4 * i) + k)));
                }

                lanes[i] = sum;
            }

            return Vector256.Create<int>(lanes);
        }
    }

    /// <summary>The hardware vpdpbusd: System.Runtime.Intrinsics.X86.AvxVnni, out of preview in .NET 10 (a net8.0 build cannot use it).</summary>
    internal readonly struct HardwareVnni : IDpbusd
    {
#if NET10_0_OR_GREATER
        public static bool IsSupported => System.Runtime.Intrinsics.X86.AvxVnni.IsSupported;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector256<int> MultiplyWideningAndAdd(Vector256<int> addend, Vector256<byte> left, Vector256<sbyte> right) =>
            System.Runtime.Intrinsics.X86.AvxVnni.MultiplyWideningAndAdd(addend, left, right);
#else
        public static bool IsSupported => false;

        public static Vector256<int> MultiplyWideningAndAdd(Vector256<int> addend, Vector256<byte> left, Vector256<sbyte> right) =>
            throw new PlatformNotSupportedException("AvxVnni needs the net10.0 build of the runtime library.");
#endif
    }

    /// <summary>AVX-512BW's vpmovsxbw, vpmovzxbw and vpmaddwd.</summary>
    internal readonly struct HardwareWiden512 : IWiden512
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<short> SignExtend(Vector256<sbyte> value) => Avx512BW.ConvertToVector512Int16(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<short> ZeroExtend(Vector256<byte> value) => Avx512BW.ConvertToVector512Int16(value);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static Vector512<int> MultiplyAddAdjacent(Vector512<short> left, Vector512<short> right) => Avx512BW.MultiplyAddAdjacent(left, right);
    }

    /// <summary>The same three instructions in software, from their definitions (Intel SDM, VPMOVSXBW, VPMOVZXBW, VPMADDWD).</summary>
    internal readonly struct EmulatedWiden512 : IWiden512
    {
        public static Vector512<short> SignExtend(Vector256<sbyte> value)
        {
            Span<short> lanes = stackalloc short[32];
            for (int k = 0; k < 32; k++)
            {
                lanes[k] = value.GetElement(k);
            }

            return Vector512.Create<short>(lanes);
        }

        public static Vector512<short> ZeroExtend(Vector256<byte> value)
        {
            Span<short> lanes = stackalloc short[32];
            for (int k = 0; k < 32; k++)
            {
                lanes[k] = value.GetElement(k);
            }

            return Vector512.Create<short>(lanes);
        }

        public static Vector512<int> MultiplyAddAdjacent(Vector512<short> left, Vector512<short> right)
        {
            Span<int> lanes = stackalloc int[16];
            for (int k = 0; k < 16; k++)
            {
                lanes[k] = unchecked((left.GetElement(2 * k) * right.GetElement(2 * k)) + (left.GetElement((2 * k) + 1) * right.GetElement((2 * k) + 1)));
            }

            return Vector512.Create<int>(lanes);
        }
    }
#endif
}
