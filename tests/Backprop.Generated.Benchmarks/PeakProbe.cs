using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

/// <summary>
/// The core's fp32 FMA peak, measured: 12 independent chains acc = acc * m + c (more than FMA latency x FMA ports on
/// current x64 cores, so the loop is throughput-bound), 2 flops per lane per FMA, best of 30 runs of about 1-2 ms (short runs: on a shared machine some of them run
/// without being preempted).
/// </summary>
public static class PeakProbe
{
    private const int Iterations = 500_000;
    private const int Runs = 30;

    /// <summary>GFLOP/s with 256-bit vectors, and with 512-bit vectors where the hardware accelerates them (else NaN).</summary>
    public static (double Gflops256, double Gflops512) Measure()
    {
        double best256 = 0, best512 = double.NaN;
        if (Fma.IsSupported)
        {
            Fma256(1000);
            for (int run = 0; run < Runs; run++)
            {
                long start = Stopwatch.GetTimestamp();
                Fma256(Iterations);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best256 = Math.Max(best256, Iterations * 12.0 * 8 * 2 / seconds / 1e9);
            }
        }

        if (Vector512.IsHardwareAccelerated && Avx512F.IsSupported)
        {
            best512 = 0;
            Fma512(1000);
            for (int run = 0; run < Runs; run++)
            {
                long start = Stopwatch.GetTimestamp();
                Fma512(Iterations);
                double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                best512 = Math.Max(best512, Iterations * 12.0 * 16 * 2 / seconds / 1e9);
            }
        }

        return (best256, best512);
    }

    /// <summary>The peak that % of peak refers to: the wider vector width the core accelerates.</summary>
    public static double Peak((double Gflops256, double Gflops512) measured) =>
        double.IsNaN(measured.Gflops512) ? measured.Gflops256 : Math.Max(measured.Gflops256, measured.Gflops512);

    /// <summary>
    /// The time to read <paramref name="bytes"/> that sit in L2 (issue 8's bound for W4's one-example Forward: its
    /// 406,528 bytes of parameters): a buffer of that size read with 256-bit loads into 4 accumulators, warmed by a first
    /// pass, best of 1,000 passes. Returns nanoseconds per pass.
    /// </summary>
    public static double StreamNanoseconds(int bytes)
    {
        float[] buffer = GC.AllocateArray<float>(bytes / sizeof(float), pinned: true);
        buffer.AsSpan().Fill(1f);
        float sink = Stream(buffer);
        double best = double.MaxValue;
        for (int pass = 0; pass < 1000; pass++)
        {
            long start = Stopwatch.GetTimestamp();
            sink += Stream(buffer);
            best = Math.Min(best, (Stopwatch.GetTimestamp() - start) * 1e9 / Stopwatch.Frequency);
        }

        return sink == 0 ? double.NaN : best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe float Stream(float[] buffer)
    {
        fixed (float* p = buffer)
        {
            Vector256<float> s0 = default, s1 = default, s2 = default, s3 = default;
            int i = 0;
            for (; i + 32 <= buffer.Length; i += 32)
            {
                s0 += Vector256.Load(p + i);
                s1 += Vector256.Load(p + i + 8);
                s2 += Vector256.Load(p + i + 16);
                s3 += Vector256.Load(p + i + 24);
            }

            float tail = 0;
            for (; i < buffer.Length; i++)
            {
                tail += p[i];
            }

            return Vector256.Sum(s0 + s1 + s2 + s3) + tail;
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma256(int iterations)
    {
        Vector256<float> m = Vector256.Create(0.999999f), c = Vector256.Create(1e-7f);
        Vector256<float> a0 = Vector256.Create(1.0f), a1 = Vector256.Create(1.1f), a2 = Vector256.Create(1.2f), a3 = Vector256.Create(1.3f);
        Vector256<float> a4 = Vector256.Create(1.4f), a5 = Vector256.Create(1.5f), a6 = Vector256.Create(1.6f), a7 = Vector256.Create(1.7f);
        Vector256<float> a8 = Vector256.Create(1.8f), a9 = Vector256.Create(1.9f), a10 = Vector256.Create(2.0f), a11 = Vector256.Create(2.1f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Fma.MultiplyAdd(a0, m, c);
            a1 = Fma.MultiplyAdd(a1, m, c);
            a2 = Fma.MultiplyAdd(a2, m, c);
            a3 = Fma.MultiplyAdd(a3, m, c);
            a4 = Fma.MultiplyAdd(a4, m, c);
            a5 = Fma.MultiplyAdd(a5, m, c);
            a6 = Fma.MultiplyAdd(a6, m, c);
            a7 = Fma.MultiplyAdd(a7, m, c);
            a8 = Fma.MultiplyAdd(a8, m, c);
            a9 = Fma.MultiplyAdd(a9, m, c);
            a10 = Fma.MultiplyAdd(a10, m, c);
            a11 = Fma.MultiplyAdd(a11, m, c);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static float Fma512(int iterations)
    {
        Vector512<float> m = Vector512.Create(0.999999f), c = Vector512.Create(1e-7f);
        Vector512<float> a0 = Vector512.Create(1.0f), a1 = Vector512.Create(1.1f), a2 = Vector512.Create(1.2f), a3 = Vector512.Create(1.3f);
        Vector512<float> a4 = Vector512.Create(1.4f), a5 = Vector512.Create(1.5f), a6 = Vector512.Create(1.6f), a7 = Vector512.Create(1.7f);
        Vector512<float> a8 = Vector512.Create(1.8f), a9 = Vector512.Create(1.9f), a10 = Vector512.Create(2.0f), a11 = Vector512.Create(2.1f);
        for (int i = 0; i < iterations; i++)
        {
            a0 = Avx512F.FusedMultiplyAdd(a0, m, c);
            a1 = Avx512F.FusedMultiplyAdd(a1, m, c);
            a2 = Avx512F.FusedMultiplyAdd(a2, m, c);
            a3 = Avx512F.FusedMultiplyAdd(a3, m, c);
            a4 = Avx512F.FusedMultiplyAdd(a4, m, c);
            a5 = Avx512F.FusedMultiplyAdd(a5, m, c);
            a6 = Avx512F.FusedMultiplyAdd(a6, m, c);
            a7 = Avx512F.FusedMultiplyAdd(a7, m, c);
            a8 = Avx512F.FusedMultiplyAdd(a8, m, c);
            a9 = Avx512F.FusedMultiplyAdd(a9, m, c);
            a10 = Avx512F.FusedMultiplyAdd(a10, m, c);
            a11 = Avx512F.FusedMultiplyAdd(a11, m, c);
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9 + a10 + a11);
    }
}

/// <summary>
/// The core's peak of the integer multiply-adds the int8 kernels use, one probe per instruction form: 10 independent
/// chains (with the 2 multiplicands, the step and its counter, 14 vector registers: no spill where only 16 exist, as
/// with DOTNET_EnableAVX512=0; 12 chains and 4 multiplicands spilled there and halved the figures), best of 30 runs (as <see cref="PeakProbe"/> measures the FMA peak). <see cref="Vnni256"/> is vpdpbusd on
/// 256-bit vectors (32 uint8 x int8 multiply-adds each, the AvxVnni path); <see cref="Madd256"/> and
/// <see cref="Madd512"/> are acc = vpaddd(acc, vpmaddwd(x, y)) (16 and 32 int16 multiply-adds), the AVX2 and AVX-512BW
/// paths. The widening kernels also sign-extend the int8 weights (vpmovsxbw), which the probes leave out: each is the
/// instruction form's bound, not the kernel's.
/// </summary>
public static class Int8PeakProbe
{
    private const int Iterations = 500_000;
    private const int Runs = 30;

    /// <summary>The instruction form the library's int8 kernels take on this machine (its detection order: AVX-VNNI,
    /// AVX-512BW, AVX2), and that form's peak in 1e9 multiply-adds per second (NaN without AVX2).</summary>
    public static (string Form, double GigaMultiplyAdds) ForDetectedPath() =>
        AvxVnni.IsSupported ? ("vpdpbusd, 256-bit (AVX-VNNI)", Vnni())
        : Avx512BW.IsSupported && Vector512.IsHardwareAccelerated ? ("vpmaddwd + vpaddd, 512-bit (AVX-512BW)", Madd512GigaMultiplyAdds())
        : ("vpmaddwd + vpaddd, 256-bit (AVX2)", GigaMultiplyAdds());

    /// <summary>The vpmaddwd + vpaddd peak at 256 bits (1e9 multiply-adds per second), or NaN without AVX2.</summary>
    public static double GigaMultiplyAdds() => Avx2.IsSupported ? Best(Madd256, 16) : double.NaN;

    /// <summary>The vpmaddwd + vpaddd peak at 512 bits (1e9 multiply-adds per second), or NaN without accelerated AVX-512BW.</summary>
    public static double Madd512GigaMultiplyAdds() => Avx512BW.IsSupported && Vector512.IsHardwareAccelerated ? Best(Madd512, 32) : double.NaN;

    /// <summary>The vpdpbusd peak at 256 bits (1e9 multiply-adds per second), or NaN without AVX-VNNI.</summary>
    public static double Vnni() => AvxVnni.IsSupported ? Best(Vnni256, 32) : double.NaN;

    private static double Best(Func<int, int> probe, int multiplyAddsPerInstruction)
    {
        probe(1000);
        double best = 0;
        for (int run = 0; run < Runs; run++)
        {
            long start = Stopwatch.GetTimestamp();
            probe(Iterations);
            double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
            best = Math.Max(best, Iterations * 10.0 * multiplyAddsPerInstruction / seconds / 1e9);
        }

        return best;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Vnni256(int iterations)
    {
        Vector256<byte> y = Vector256.Create((byte)3), step = Vector256.Create((byte)1);
        Vector256<sbyte> x0 = Vector256.Create((sbyte)1), x1 = Vector256.Create((sbyte)2);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<int> a6 = default, a7 = default, a8 = default, a9 = default;
        for (int i = 0; i < iterations; i++)
        {
            // y changes every iteration so the products cannot be hoisted out of the loop.
            y = Avx2.Add(y, step);
            a0 = AvxVnni.MultiplyWideningAndAdd(a0, y, x0);
            a1 = AvxVnni.MultiplyWideningAndAdd(a1, y, x1);
            a2 = AvxVnni.MultiplyWideningAndAdd(a2, y, x0);
            a3 = AvxVnni.MultiplyWideningAndAdd(a3, y, x1);
            a4 = AvxVnni.MultiplyWideningAndAdd(a4, y, x0);
            a5 = AvxVnni.MultiplyWideningAndAdd(a5, y, x1);
            a6 = AvxVnni.MultiplyWideningAndAdd(a6, y, x0);
            a7 = AvxVnni.MultiplyWideningAndAdd(a7, y, x1);
            a8 = AvxVnni.MultiplyWideningAndAdd(a8, y, x0);
            a9 = AvxVnni.MultiplyWideningAndAdd(a9, y, x1);
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Madd512(int iterations)
    {
        Vector512<short> y = Vector512.Create((short)3), step = Vector512.Create((short)1);
        Vector512<short> x0 = Vector512.Create((short)1), x1 = Vector512.Create((short)2);
        Vector512<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<int> a6 = default, a7 = default, a8 = default, a9 = default;
        for (int i = 0; i < iterations; i++)
        {
            y = Avx512BW.Add(y, step);
            a0 = Avx512F.Add(a0, Avx512BW.MultiplyAddAdjacent(x0, y));
            a1 = Avx512F.Add(a1, Avx512BW.MultiplyAddAdjacent(x1, y));
            a2 = Avx512F.Add(a2, Avx512BW.MultiplyAddAdjacent(x0, y));
            a3 = Avx512F.Add(a3, Avx512BW.MultiplyAddAdjacent(x1, y));
            a4 = Avx512F.Add(a4, Avx512BW.MultiplyAddAdjacent(x0, y));
            a5 = Avx512F.Add(a5, Avx512BW.MultiplyAddAdjacent(x1, y));
            a6 = Avx512F.Add(a6, Avx512BW.MultiplyAddAdjacent(x0, y));
            a7 = Avx512F.Add(a7, Avx512BW.MultiplyAddAdjacent(x1, y));
            a8 = Avx512F.Add(a8, Avx512BW.MultiplyAddAdjacent(x0, y));
            a9 = Avx512F.Add(a9, Avx512BW.MultiplyAddAdjacent(x1, y));
        }

        return Vector512.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int Madd256(int iterations)
    {
        Vector256<short> y = Vector256.Create((short)3), step = Vector256.Create((short)1);
        Vector256<short> x0 = Vector256.Create((short)1), x1 = Vector256.Create((short)2);
        Vector256<int> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector256<int> a6 = default, a7 = default, a8 = default, a9 = default;
        for (int i = 0; i < iterations; i++)
        {
            // y changes every iteration so the products cannot be hoisted out of the loop.
            y = Avx2.Add(y, step);
            a0 = Avx2.Add(a0, Avx2.MultiplyAddAdjacent(x0, y));
            a1 = Avx2.Add(a1, Avx2.MultiplyAddAdjacent(x1, y));
            a2 = Avx2.Add(a2, Avx2.MultiplyAddAdjacent(x0, y));
            a3 = Avx2.Add(a3, Avx2.MultiplyAddAdjacent(x1, y));
            a4 = Avx2.Add(a4, Avx2.MultiplyAddAdjacent(x0, y));
            a5 = Avx2.Add(a5, Avx2.MultiplyAddAdjacent(x1, y));
            a6 = Avx2.Add(a6, Avx2.MultiplyAddAdjacent(x0, y));
            a7 = Avx2.Add(a7, Avx2.MultiplyAddAdjacent(x1, y));
            a8 = Avx2.Add(a8, Avx2.MultiplyAddAdjacent(x0, y));
            a9 = Avx2.Add(a9, Avx2.MultiplyAddAdjacent(x1, y));
        }

        return Vector256.Sum(a0 + a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8 + a9);
    }
}
