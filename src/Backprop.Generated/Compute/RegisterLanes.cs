#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Generated.Compute;

/// <summary>
/// One example through one small dense layer, Z = x W + b and A = g(Z), with the layer's units held in at most eight
/// SIMD registers for the whole sum: the one-example kernel of layers of up to <see cref="MaxBytes"/> bytes of units
/// (32 single- or 16 double-precision units). The width dispatch is inlined into the caller and leaves one call per
/// layer to a kernel compiled as a method of its own, with everything inside it inlined. (Inlined whole into the
/// generated <c>ForwardCore</c>, the kernel exhausted the JIT's inlining budget of that small method after one layer,
/// leaving the others, their exp, and even span conversions, as calls.) The kernel is fully optimised on its first
/// call: left to tiering, its tier-0 copy took 4.9 us per digits <c>Forward</c> 300 ms after the first call, against
/// 0.3 us (docs/performance.md, "Time to the first result").
/// </summary>
/// <remarks>
/// <para>
/// The register width is the narrowest accelerated one that is not mostly empty: <see cref="Vector512{T}"/> for more
/// than 32 bytes of units, <see cref="Vector256{T}"/> for more than 16, else <see cref="Vector128{T}"/>; without SIMD,
/// scalar code. Each register's sum runs as four chains (rows j mod 4) when the layer takes one or two registers and
/// as two (even and odd rows) for three or four, so the latency of the sum is a quarter or a half of the rows' FMA
/// latencies. g is applied once per register, in a loop.
/// </para>
/// <para>
/// A partly filled last register reads past the layer's last unit: past the end of each row of W (into the next row,
/// or into b) and past the end of b, by at most one register less one element. Those lanes are discarded. The reads
/// stay inside the array because <see cref="AlignedArray{T}"/> keeps <see cref="AlignedArray{T}.TailPadding"/> bytes
/// after its last element, so the parameters must be an <see cref="AlignedArray{T}"/>'s span, or a span that itself
/// holds that many bytes after the parameters (a tiny network's inline parameter block, passed whole), as they are in
/// every generated network. The destination receives whole registers: it must hold <see cref="BufferLength{T}"/> elements.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class RegisterLanes
{
    /// <summary>The most bytes of units a layer may have for this kernel: eight 128-bit registers (<see cref="DenseRules.RegisterLanesMaxBytes"/>).</summary>
    public const int MaxBytes = DenseRules.RegisterLanesMaxBytes;

    /// <summary>
    /// The elements a destination must hold for a layer of <paramref name="units"/> units: the units rounded up to a
    /// whole 64-byte line, which covers whole registers of every width. The generator sizes its buffers by the same rule.
    /// </summary>
    /// <param name="units">n_l, 1 to <see cref="MaxBytes"/> / sizeof(T).</param>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    public static int BufferLength<T>(int units)
        where T : unmanaged => DenseRules.RegisterLanesBufferLength(units, Unsafe.SizeOf<T>());

    /// <summary>A[l] = g(x W[l] + b[l]) for one example.</summary>
    /// <param name="parameters">All parameters of the network: the span of an <see cref="AlignedArray{T}"/> (see remarks).</param>
    /// <param name="input">A[l-1] of the example, n_{l-1} values.</param>
    /// <param name="output">Receives A[l] in its first n_l elements; holds at least <see cref="BufferLength{T}"/> elements.</param>
    /// <typeparam name="TLayer">The layer's shape and offsets.</typeparam>
    /// <typeparam name="TActivation">g.</typeparam>
    /// <typeparam name="T"><see cref="float"/> or <see cref="double"/>.</typeparam>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Forward<TLayer, TActivation, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> output)
        where TLayer : IDenseLayer
        where TActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T x = ref MemoryMarshal.GetReference(input);
        ref T y = ref MemoryMarshal.GetReference(output);
        int width = DenseRules.RegisterLanesWidth(TLayer.Units * Unsafe.SizeOf<T>());
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported && width == 512)
        {
            if (typeof(T) == typeof(float))
            {
                // The non-generic lanes of single precision: less to compile (Lanes512Single's remarks)
                Forward<Lanes512Single, Vector512<float>, float, TLayer, TActivation>(
                    ref Unsafe.As<T, float>(ref p), ref Unsafe.As<T, float>(ref x), ref Unsafe.As<T, float>(ref y));
            }
            else
            {
                Forward<Lanes512<T>, Vector512<T>, T, TLayer, TActivation>(ref p, ref x, ref y);
            }
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported && width >= 256)
        {
            if (typeof(T) == typeof(float))
            {
                // The non-generic lanes of single precision: less to compile (Lanes256Single's remarks)
                Forward<Lanes256Single, Vector256<float>, float, TLayer, TActivation>(
                    ref Unsafe.As<T, float>(ref p), ref Unsafe.As<T, float>(ref x), ref Unsafe.As<T, float>(ref y));
            }
            else
            {
                Forward<Lanes256<T>, Vector256<T>, T, TLayer, TActivation>(ref p, ref x, ref y);
            }
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            if (typeof(T) == typeof(float))
            {
                // The non-generic lanes of single precision: less to compile (Lanes128Single's remarks)
                Forward<Lanes128Single, Vector128<float>, float, TLayer, TActivation>(
                    ref Unsafe.As<T, float>(ref p), ref Unsafe.As<T, float>(ref x), ref Unsafe.As<T, float>(ref y));
            }
            else
            {
                Forward<Lanes128<T>, Vector128<T>, T, TLayer, TActivation>(ref p, ref x, ref y);
            }
        }
        else
        {
            ForwardScalar<T, TLayer, TActivation>(ref p, ref x, ref y);
        }
    }

    /// <summary>
    /// The kernel for one register width. Compiled fully optimised on its first call (no slow tier-0 copy while a
    /// real-time caller waits for tiering), so it is kept small to compile: only the live one of the two sums is
    /// imported, and g is written once, in a loop over the registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    internal static void Forward<TOps, TV, T, TLayer, TActivation>(ref T p, ref T x, ref T y)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int registers = (TLayer.Units + TOps.Count - 1) / TOps.Count;
        if (registers <= 2)
        {
            SumUpToTwo<TOps, TV, T, TLayer>(ref p, ref x, ref y, registers);
        }
        else if (registers <= 4)
        {
            SumUpToFour<TOps, TV, T, TLayer>(ref p, ref x, ref y, registers);
        }
        else
        {
            SumUpToEight<TOps, TV, T, TLayer>(ref p, ref x, ref y, registers);
        }

        // A = g(Z) in place, once per register (softmax across the units): one loop, not one inlined copy of g per
        // register, since g's polynomial is most of the code; the iterations are independent and still overlap.
        if (TActivation.IsSoftmax)
        {
            Dense.SoftmaxExample(ref y, TLayer.Units);
        }
        else if (typeof(TActivation) != typeof(Activations.Identity))
        {
            for (int r = 0; r < registers * TOps.Count; r += TOps.Count)
            {
                ref T cell = ref Unsafe.Add(ref y, r);
                TOps.Store(TActivation.Apply<TOps, TV, T>(TOps.Load(ref cell)), ref cell);
            }
        }
    }

    /// <summary>
    /// Z = b + sum_j x_j W[j, :] into y, for 1 or 2 registers: rows j = 0, 1, 2, 3 (mod 4) in four chains per register
    /// (eight accumulators at most), so the sum's latency is a quarter of the rows' FMA latencies; the chains are added
    /// pairwise at the end. W2's 16-unit layers on 256-bit registers: two registers, 16 rows, four FMAs deep.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumUpToTwo<TOps, TV, T, TLayer>(ref T p, ref T x, ref T y, int registers)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        int n = TLayer.Units;
        int c = TOps.Count;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref T b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        TV a0 = TOps.Load(ref b), b0 = TOps.Zero, c0 = TOps.Zero, d0 = TOps.Zero;
        TV a1 = registers > 1 ? TOps.Load(ref Unsafe.Add(ref b, c)) : TOps.Zero, b1 = TOps.Zero, c1 = TOps.Zero, d1 = TOps.Zero;

        int j = 0;
        for (; j + 3 < TLayer.Inputs; j += 4)
        {
            TV x0 = TOps.Broadcast(Unsafe.Add(ref x, j));
            TV x1 = TOps.Broadcast(Unsafe.Add(ref x, j + 1));
            TV x2 = TOps.Broadcast(Unsafe.Add(ref x, j + 2));
            TV x3 = TOps.Broadcast(Unsafe.Add(ref x, j + 3));
            ref T r0 = ref Unsafe.Add(ref w, j * n);
            ref T r1 = ref Unsafe.Add(ref r0, n);
            ref T r2 = ref Unsafe.Add(ref r1, n);
            ref T r3 = ref Unsafe.Add(ref r2, n);
            a0 = TOps.MultiplyAdd(x0, TOps.Load(ref r0), a0);
            b0 = TOps.MultiplyAdd(x1, TOps.Load(ref r1), b0);
            c0 = TOps.MultiplyAdd(x2, TOps.Load(ref r2), c0);
            d0 = TOps.MultiplyAdd(x3, TOps.Load(ref r3), d0);
            if (registers > 1)
            {
                a1 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref r0, c)), a1);
                b1 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref r1, c)), b1);
                c1 = TOps.MultiplyAdd(x2, TOps.Load(ref Unsafe.Add(ref r2, c)), c1);
                d1 = TOps.MultiplyAdd(x3, TOps.Load(ref Unsafe.Add(ref r3, c)), d1);
            }
        }

        // The last one to three rows.
        for (; j < TLayer.Inputs; j++)
        {
            TV xj = TOps.Broadcast(Unsafe.Add(ref x, j));
            ref T r = ref Unsafe.Add(ref w, j * n);
            a0 = TOps.MultiplyAdd(xj, TOps.Load(ref r), a0);
            a1 = registers > 1 ? TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, c)), a1) : a1;
        }

        TOps.Store(TOps.Add(TOps.Add(a0, b0), TOps.Add(c0, d0)), ref y);
        if (registers > 1)
        {
            TOps.Store(TOps.Add(TOps.Add(a1, b1), TOps.Add(c1, d1)), ref Unsafe.Add(ref y, c));
        }
    }

    /// <summary>
    /// Z = b + sum_j x_j W[j, :] into y, for 3 or 4 registers: the even rows into e0..e3 (starting from b), the odd
    /// rows into o0..o3, so each register's sum is two chains of half the rows. The tests on <paramref name="registers"/> are
    /// constants to the JIT: only the registers the layer needs exist.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void SumUpToFour<TOps, TV, T, TLayer>(ref T p, ref T x, ref T y, int registers)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        int n = TLayer.Units;
        int c = TOps.Count;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref T b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        TV e0 = TOps.Load(ref b);
        TV e1 = registers > 1 ? TOps.Load(ref Unsafe.Add(ref b, c)) : TOps.Zero;
        TV e2 = registers > 2 ? TOps.Load(ref Unsafe.Add(ref b, 2 * c)) : TOps.Zero;
        TV e3 = registers > 3 ? TOps.Load(ref Unsafe.Add(ref b, 3 * c)) : TOps.Zero;
        TV o0 = TOps.Zero, o1 = TOps.Zero, o2 = TOps.Zero, o3 = TOps.Zero;

        int j = 0;
        for (; j + 1 < TLayer.Inputs; j += 2)
        {
            TV x0 = TOps.Broadcast(Unsafe.Add(ref x, j));
            TV x1 = TOps.Broadcast(Unsafe.Add(ref x, j + 1));
            ref T r0 = ref Unsafe.Add(ref w, j * n);
            ref T r1 = ref Unsafe.Add(ref r0, n);
            e0 = TOps.MultiplyAdd(x0, TOps.Load(ref r0), e0);
            o0 = TOps.MultiplyAdd(x1, TOps.Load(ref r1), o0);
            if (registers > 1)
            {
                e1 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref r0, c)), e1);
                o1 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref r1, c)), o1);
            }

            if (registers > 2)
            {
                e2 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref r0, 2 * c)), e2);
                o2 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref r1, 2 * c)), o2);
            }

            if (registers > 3)
            {
                e3 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref r0, 3 * c)), e3);
                o3 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref r1, 3 * c)), o3);
            }
        }

        // An odd number of rows leaves the last one.
        if (j < TLayer.Inputs)
        {
            TV xj = TOps.Broadcast(Unsafe.Add(ref x, j));
            ref T r = ref Unsafe.Add(ref w, j * n);
            e0 = TOps.MultiplyAdd(xj, TOps.Load(ref r), e0);
            e1 = registers > 1 ? TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, c)), e1) : e1;
            e2 = registers > 2 ? TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, 2 * c)), e2) : e2;
            e3 = registers > 3 ? TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, 3 * c)), e3) : e3;
        }

        TOps.Store(TOps.Add(e0, o0), ref y);
        if (registers > 1)
        {
            TOps.Store(TOps.Add(e1, o1), ref Unsafe.Add(ref y, c));
        }

        if (registers > 2)
        {
            TOps.Store(TOps.Add(e2, o2), ref Unsafe.Add(ref y, 2 * c));
        }

        if (registers > 3)
        {
            TOps.Store(TOps.Add(e3, o3), ref Unsafe.Add(ref y, 3 * c));
        }
    }

    /// <summary>
    /// Z = b + sum_j x_j W[j, :] into y, for 5 to 8 registers (up to 32 floats in 128-bit registers): one chain per
    /// register, since two would need 16 accumulators, all of x64's vector registers without AVX-512. Not inlined: the
    /// JIT imports every branch of the kernel's choice of sum before it folds the choice, so an inlined copy here would
    /// add to the compile time of every layer, while only layers of more than 16 floats in 128-bit registers call it.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SumUpToEight<TOps, TV, T, TLayer>(ref T p, ref T x, ref T y, int registers)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        int n = TLayer.Units;
        int c = TOps.Count;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref T b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        TV e0 = TOps.Load(ref b);
        TV e1 = TOps.Load(ref Unsafe.Add(ref b, c));
        TV e2 = TOps.Load(ref Unsafe.Add(ref b, 2 * c));
        TV e3 = TOps.Load(ref Unsafe.Add(ref b, 3 * c));
        TV e4 = TOps.Load(ref Unsafe.Add(ref b, 4 * c));
        TV e5 = registers > 5 ? TOps.Load(ref Unsafe.Add(ref b, 5 * c)) : TOps.Zero;
        TV e6 = registers > 6 ? TOps.Load(ref Unsafe.Add(ref b, 6 * c)) : TOps.Zero;
        TV e7 = registers > 7 ? TOps.Load(ref Unsafe.Add(ref b, 7 * c)) : TOps.Zero;
        for (int j = 0; j < TLayer.Inputs; j++)
        {
            TV xj = TOps.Broadcast(Unsafe.Add(ref x, j));
            ref T r = ref Unsafe.Add(ref w, j * n);
            e0 = TOps.MultiplyAdd(xj, TOps.Load(ref r), e0);
            e1 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, c)), e1);
            e2 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, 2 * c)), e2);
            e3 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, 3 * c)), e3);
            e4 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, 4 * c)), e4);
            e5 = registers > 5 ? TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, 5 * c)), e5) : e5;
            e6 = registers > 6 ? TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, 6 * c)), e6) : e6;
            e7 = registers > 7 ? TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref r, 7 * c)), e7) : e7;
        }

        TOps.Store(e0, ref y);
        TOps.Store(e1, ref Unsafe.Add(ref y, c));
        TOps.Store(e2, ref Unsafe.Add(ref y, 2 * c));
        TOps.Store(e3, ref Unsafe.Add(ref y, 3 * c));
        TOps.Store(e4, ref Unsafe.Add(ref y, 4 * c));
        if (registers > 5)
        {
            TOps.Store(e5, ref Unsafe.Add(ref y, 5 * c));
        }

        if (registers > 6)
        {
            TOps.Store(e6, ref Unsafe.Add(ref y, 6 * c));
        }

        if (registers > 7)
        {
            TOps.Store(e7, ref Unsafe.Add(ref y, 7 * c));
        }
    }

    /// <summary>The same sums one unit at a time, for a runtime without SIMD (or told not to use it).</summary>
    internal static void ForwardScalar<T, TLayer, TActivation>(ref T p, ref T x, ref T y)
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int n = TLayer.Units;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        for (int k = 0; k < n; k++)
        {
            T z = Unsafe.Add(ref p, TLayer.BiasOffset + k);
            for (int j = 0; j < TLayer.Inputs; j++)
            {
                z = Scalar<T>.MultiplyAdd(Unsafe.Add(ref x, j), Unsafe.Add(ref w, (j * n) + k), z);
            }

            Unsafe.Add(ref y, k) = TActivation.IsSoftmax ? z : TActivation.Apply<Scalar<T>, T, T>(z);
        }

        if (TActivation.IsSoftmax)
        {
            Dense.SoftmaxExample(ref y, n);
        }
    }
}
#endif
