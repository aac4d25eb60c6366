#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Backprop.Generated.Compute;

/// <summary>
/// The shape of one dense layer as a type: generated code declares one per layer, so a kernel specialised for it
/// has every trip count and offset as a JIT-time constant.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IDenseLayer
{
    /// <summary>n_{l-1}, the rows of W[l].</summary>
    static abstract int Inputs { get; }

    /// <summary>n_l, the columns of W[l].</summary>
    static abstract int Units { get; }

    /// <summary>Where W[l] (row-major, n_{l-1} x n_l) starts in the parameters.</summary>
    static abstract int WeightOffset { get; }

    /// <summary>Where b[l] (n_l values) starts in the parameters.</summary>
    static abstract int BiasOffset { get; }
}

/// <summary>
/// The dense-layer kernels that generated code calls: Z = A W + b with A[l] = g(Z) fused, dA = dZ W^T with g' fused,
/// and dW += A^T dZ, db += column sums of dZ. Each public method picks the widest accelerated register
/// (<see cref="Vector512"/>, <see cref="Vector256"/>, <see cref="Vector128"/>, else scalar) with checks the JIT
/// folds to constants, and runs one specialised copy of the kernel.
/// </summary>
/// <remarks>
/// <para>
/// Batch kernels work on a block of at most <see cref="LaneStride"/> examples held feature-major ("lanes"):
/// unit k of example i at <c>k * LaneStride + i</c>, so consecutive examples fill a SIMD register and a layer of any
/// width keeps every lane busy. Z[l]^T = W[l]^T A[l-1]^T + b[l] is computed in register tiles of 6 units x 2
/// registers of examples (then 4, 2 and 1 for the rest; see <see cref="SixTiles"/>); each step of the inner loop over
/// the n_{l-1} inputs loads two registers of A[l-1] and broadcasts six consecutive weights of row j of W[l], so W is
/// read in its documented row-major layout.
/// </para>
/// <para>
/// Parameters and lengths are validated by the generated caller; these methods trust them.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static partial class Dense
{
    /// <inheritdoc cref="DenseRules.BlockRows"/>
    public const int BlockRows = DenseRules.BlockRows;

    /// <inheritdoc cref="DenseRules.LaneStride"/>
    public const int LaneStride = DenseRules.LaneStride;

    /// <inheritdoc cref="DenseRules.GradientStride"/>
    public static int GradientStride(int units) => DenseRules.GradientStride(units);

    /// <inheritdoc cref="DenseRules.Padded"/>
    public static int Padded(int units) => DenseRules.Padded(units);

    // ------------------------------------------------------------------ one example

    /// <summary>
    /// One example through one layer: <paramref name="output"/> = g(<paramref name="input"/> W + b), units in SIMD lanes,
    /// register-blocked 16 registers of units per pass over the rows of W when W is larger than L1 (then 8, then passes of
    /// up to 4 for the rest; see <see cref="SixteenRegisterPasses{T}(int, int)"/>).
    /// </summary>
    /// <param name="parameters">All parameters of the network.</param>
    /// <param name="input">A[l-1] of the example (n_{l-1} values).</param>
    /// <param name="output">Receives A[l] (n_l values).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardExample<TLayer, TActivation, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> output)
        where TLayer : IDenseLayer
        where TActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T x = ref MemoryMarshal.GetReference(input);
        ref T y = ref MemoryMarshal.GetReference(output);
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            ForwardExample<Lanes512<T>, Vector512<T>, T, TLayer, TActivation>(ref p, ref x, ref y);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            ForwardExample<Lanes256<T>, Vector256<T>, T, TLayer, TActivation>(ref p, ref x, ref y);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            ForwardExample<Lanes128<T>, Vector128<T>, T, TLayer, TActivation>(ref p, ref x, ref y);
        }
        else
        {
            ForwardExample<Scalar<T>, T, T, TLayer, TActivation>(ref p, ref x, ref y);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardExample<TOps, TV, T, TLayer, TActivation>(ref T p, ref T x, ref T y)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int n = TLayer.Units;
        int c = TOps.Count;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref T b = ref Unsafe.Add(ref p, TLayer.BiasOffset);
        int k = 0;

        // Z[k..k+16c) = b + sum_j x_j W[j, k..k+16c): sixteen accumulators, one broadcast of x_j per row of W. One pass
        // reads whole 16-register spans of each row, so for a layer like 784 -> 128 (W from L2, 401 KB) the rows stream
        // once, in order, instead of in two halves whose neighbouring lines the prefetcher fetches twice. With 16
        // vector registers (x64 without AVX-512) one accumulator lives on the stack, and its chain through memory
        // costs more than the second pass saves when W is read from L1: only for W larger than an L1 cache (see
        // SixteenRegisterPasses).
        for (; SixteenRegisterPasses<T>(TLayer.Inputs, n) && k + (16 * c) <= n; k += 16 * c)
        {
            ref T bk = ref Unsafe.Add(ref b, k);
            TV z0 = TOps.Load(ref bk), z1 = TOps.Load(ref Unsafe.Add(ref bk, c)), z2 = TOps.Load(ref Unsafe.Add(ref bk, 2 * c)), z3 = TOps.Load(ref Unsafe.Add(ref bk, 3 * c));
            TV z4 = TOps.Load(ref Unsafe.Add(ref bk, 4 * c)), z5 = TOps.Load(ref Unsafe.Add(ref bk, 5 * c)), z6 = TOps.Load(ref Unsafe.Add(ref bk, 6 * c)), z7 = TOps.Load(ref Unsafe.Add(ref bk, 7 * c));
            TV z8 = TOps.Load(ref Unsafe.Add(ref bk, 8 * c)), z9 = TOps.Load(ref Unsafe.Add(ref bk, 9 * c)), z10 = TOps.Load(ref Unsafe.Add(ref bk, 10 * c)), z11 = TOps.Load(ref Unsafe.Add(ref bk, 11 * c));
            TV z12 = TOps.Load(ref Unsafe.Add(ref bk, 12 * c)), z13 = TOps.Load(ref Unsafe.Add(ref bk, 13 * c)), z14 = TOps.Load(ref Unsafe.Add(ref bk, 14 * c)), z15 = TOps.Load(ref Unsafe.Add(ref bk, 15 * c));
            ref T row = ref Unsafe.Add(ref w, k);
            for (int j = 0; j < TLayer.Inputs; j++)
            {
                TV xj = TOps.Broadcast(Unsafe.Add(ref x, j));
                z0 = TOps.MultiplyAdd(xj, TOps.Load(ref row), z0);
                z1 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, c)), z1);
                z2 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 2 * c)), z2);
                z3 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 3 * c)), z3);
                z4 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 4 * c)), z4);
                z5 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 5 * c)), z5);
                z6 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 6 * c)), z6);
                z7 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 7 * c)), z7);
                z8 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 8 * c)), z8);
                z9 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 9 * c)), z9);
                z10 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 10 * c)), z10);
                z11 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 11 * c)), z11);
                z12 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 12 * c)), z12);
                z13 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 13 * c)), z13);
                z14 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 14 * c)), z14);
                z15 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 15 * c)), z15);
                row = ref Unsafe.Add(ref row, n);
            }

            ref T yk = ref Unsafe.Add(ref y, k);
            TOps.Store(z0, ref yk);
            TOps.Store(z1, ref Unsafe.Add(ref yk, c));
            TOps.Store(z2, ref Unsafe.Add(ref yk, 2 * c));
            TOps.Store(z3, ref Unsafe.Add(ref yk, 3 * c));
            TOps.Store(z4, ref Unsafe.Add(ref yk, 4 * c));
            TOps.Store(z5, ref Unsafe.Add(ref yk, 5 * c));
            TOps.Store(z6, ref Unsafe.Add(ref yk, 6 * c));
            TOps.Store(z7, ref Unsafe.Add(ref yk, 7 * c));
            TOps.Store(z8, ref Unsafe.Add(ref yk, 8 * c));
            TOps.Store(z9, ref Unsafe.Add(ref yk, 9 * c));
            TOps.Store(z10, ref Unsafe.Add(ref yk, 10 * c));
            TOps.Store(z11, ref Unsafe.Add(ref yk, 11 * c));
            TOps.Store(z12, ref Unsafe.Add(ref yk, 12 * c));
            TOps.Store(z13, ref Unsafe.Add(ref yk, 13 * c));
            TOps.Store(z14, ref Unsafe.Add(ref yk, 14 * c));
            TOps.Store(z15, ref Unsafe.Add(ref yk, 15 * c));
        }

        // Z[k..k+8c) = b + sum_j x_j W[j, k..k+8c): eight accumulators, one broadcast of x_j per row of W (one pass after
        // the 16-register passes, as many as fit when there were none).
        for (; k + (8 * c) <= n; k += 8 * c)
        {
            ref T bk = ref Unsafe.Add(ref b, k);
            TV z0 = TOps.Load(ref bk), z1 = TOps.Load(ref Unsafe.Add(ref bk, c)), z2 = TOps.Load(ref Unsafe.Add(ref bk, 2 * c)), z3 = TOps.Load(ref Unsafe.Add(ref bk, 3 * c));
            TV z4 = TOps.Load(ref Unsafe.Add(ref bk, 4 * c)), z5 = TOps.Load(ref Unsafe.Add(ref bk, 5 * c)), z6 = TOps.Load(ref Unsafe.Add(ref bk, 6 * c)), z7 = TOps.Load(ref Unsafe.Add(ref bk, 7 * c));
            ref T row = ref Unsafe.Add(ref w, k);
            for (int j = 0; j < TLayer.Inputs; j++)
            {
                TV xj = TOps.Broadcast(Unsafe.Add(ref x, j));
                z0 = TOps.MultiplyAdd(xj, TOps.Load(ref row), z0);
                z1 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, c)), z1);
                z2 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 2 * c)), z2);
                z3 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 3 * c)), z3);
                z4 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 4 * c)), z4);
                z5 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 5 * c)), z5);
                z6 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 6 * c)), z6);
                z7 = TOps.MultiplyAdd(xj, TOps.Load(ref Unsafe.Add(ref row, 7 * c)), z7);
                row = ref Unsafe.Add(ref row, n);
            }

            ref T yk = ref Unsafe.Add(ref y, k);
            TOps.Store(z0, ref yk);
            TOps.Store(z1, ref Unsafe.Add(ref yk, c));
            TOps.Store(z2, ref Unsafe.Add(ref yk, 2 * c));
            TOps.Store(z3, ref Unsafe.Add(ref yk, 3 * c));
            TOps.Store(z4, ref Unsafe.Add(ref yk, 4 * c));
            TOps.Store(z5, ref Unsafe.Add(ref yk, 5 * c));
            TOps.Store(z6, ref Unsafe.Add(ref yk, 6 * c));
            TOps.Store(z7, ref Unsafe.Add(ref yk, 7 * c));
        }

        // The units left (fewer than 8 registers): up to 4 registers per pass over W's rows, the last possibly partial.
        int registers = (n - k + c - 1) / c;
        if (registers > 4)
        {
            ForwardExampleColumns<TOps, TV, T, TLayer>(ref w, ref b, ref x, ref y, k, 4, 4 * c);
            ForwardExampleColumns<TOps, TV, T, TLayer>(ref w, ref b, ref x, ref y, k + (4 * c), registers - 4, n - k - (4 * c));
        }
        else if (registers > 0)
        {
            ForwardExampleColumns<TOps, TV, T, TLayer>(ref w, ref b, ref x, ref y, k, registers, n - k);
        }

        // A = g(Z), a register at a time, then the units past the last whole register.
        if (TActivation.IsSoftmax)
        {
            SoftmaxExample(ref y, n);
        }
        else if (typeof(TActivation) != typeof(Activations.Identity))
        {
            int vectorUnits = n - (n % c);
            for (int u = 0; u < vectorUnits; u += c)
            {
                ref T cell = ref Unsafe.Add(ref y, u);
                TOps.Store(TActivation.Apply<TOps, TV, T>(TOps.Load(ref cell)), ref cell);
            }

            for (int u = vectorUnits; u < n; u++)
            {
                Unsafe.Add(ref y, u) = TActivation.Apply<Scalar<T>, T, T>(Unsafe.Add(ref y, u));
            }
        }
    }

    /// <summary>
    /// Whether <see cref="ForwardExample{TLayer, TActivation, T}"/> sums 16 registers of units per pass over W's rows
    /// (<see cref="DenseRules.SixteenRegisterPasses"/>, shared with the generator's strategy text).
    /// </summary>
    internal static bool SixteenRegisterPasses<T>(int inputs, int units) => DenseRules.SixteenRegisterPasses(inputs, units, Unsafe.SizeOf<T>());

    /// <summary>
    /// Z of <paramref name="units"/> units from unit <paramref name="k"/> in <paramref name="registers"/> (1 to 4)
    /// registers, the last possibly partial: Z[k..] = b + sum_j x_j W[j, k..], into y. Even and odd rows of W are
    /// summed apart, so two chains per register are in flight (four rows apart, four chains, for one or two
    /// registers). A partial register's loads run past the end of the row's units into the next row (lanes that are
    /// discarded) on every row where that read stays inside W[l]; the last rows, where it would not, are added one
    /// value at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardExampleColumns<TOps, TV, T, TLayer>(ref T w, ref T b, ref T x, ref T y, int k, int registers, int units)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
    {
        int n = TLayer.Units;
        int c = TOps.Count;

        // Rows 0..vectorRows-1 read whole registers: row j's last read, j * n + k + registers * c, stays inside W[l].
        int vectorRows = Math.Clamp((((TLayer.Inputs * n) - k - (registers * c)) / n) + 1, 0, TLayer.Inputs);
        TV e0 = TOps.Zero, e1 = TOps.Zero, e2 = TOps.Zero, e3 = TOps.Zero;
        TV o0 = TOps.Zero, o1 = TOps.Zero, o2 = TOps.Zero, o3 = TOps.Zero;
        ref T row = ref Unsafe.Add(ref w, k);
        int j = 0;
        if (registers <= 2)
        {
            // One or two registers: four rows per step (four chains per register), else the FMA latency would bind.
            TV f0 = TOps.Zero, f1 = TOps.Zero, g0 = TOps.Zero, g1 = TOps.Zero;
            for (; j + 4 <= vectorRows; j += 4)
            {
                TV x0 = TOps.Broadcast(Unsafe.Add(ref x, j));
                TV x1 = TOps.Broadcast(Unsafe.Add(ref x, j + 1));
                TV x2 = TOps.Broadcast(Unsafe.Add(ref x, j + 2));
                TV x3 = TOps.Broadcast(Unsafe.Add(ref x, j + 3));
                ref T row1 = ref Unsafe.Add(ref row, n);
                ref T row2 = ref Unsafe.Add(ref row, 2 * n);
                ref T row3 = ref Unsafe.Add(ref row, 3 * n);
                e0 = TOps.MultiplyAdd(x0, TOps.Load(ref row), e0);
                o0 = TOps.MultiplyAdd(x1, TOps.Load(ref row1), o0);
                f0 = TOps.MultiplyAdd(x2, TOps.Load(ref row2), f0);
                g0 = TOps.MultiplyAdd(x3, TOps.Load(ref row3), g0);
                if (registers > 1)
                {
                    e1 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, c)), e1);
                    o1 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref row1, c)), o1);
                    f1 = TOps.MultiplyAdd(x2, TOps.Load(ref Unsafe.Add(ref row2, c)), f1);
                    g1 = TOps.MultiplyAdd(x3, TOps.Load(ref Unsafe.Add(ref row3, c)), g1);
                }

                row = ref Unsafe.Add(ref row, 4 * n);
            }

            e0 = TOps.Add(e0, f0);
            o0 = TOps.Add(o0, g0);
            e1 = TOps.Add(e1, f1);
            o1 = TOps.Add(o1, g1);
        }

        for (; j + 2 <= vectorRows; j += 2)
        {
            TV x0 = TOps.Broadcast(Unsafe.Add(ref x, j));
            TV x1 = TOps.Broadcast(Unsafe.Add(ref x, j + 1));
            ref T next = ref Unsafe.Add(ref row, n);
            e0 = TOps.MultiplyAdd(x0, TOps.Load(ref row), e0);
            o0 = TOps.MultiplyAdd(x1, TOps.Load(ref next), o0);
            if (registers > 1)
            {
                e1 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, c)), e1);
                o1 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref next, c)), o1);
            }

            if (registers > 2)
            {
                e2 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, 2 * c)), e2);
                o2 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref next, 2 * c)), o2);
            }

            if (registers > 3)
            {
                e3 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, 3 * c)), e3);
                o3 = TOps.MultiplyAdd(x1, TOps.Load(ref Unsafe.Add(ref next, 3 * c)), o3);
            }

            row = ref Unsafe.Add(ref row, 2 * n);
        }

        if (j < vectorRows)
        {
            TV x0 = TOps.Broadcast(Unsafe.Add(ref x, j));
            e0 = TOps.MultiplyAdd(x0, TOps.Load(ref row), e0);
            if (registers > 1)
            {
                e1 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, c)), e1);
            }

            if (registers > 2)
            {
                e2 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, 2 * c)), e2);
            }

            if (registers > 3)
            {
                e3 = TOps.MultiplyAdd(x0, TOps.Load(ref Unsafe.Add(ref row, 3 * c)), e3);
            }

            j++;
        }

        if (units == registers * c && vectorRows == TLayer.Inputs)
        {
            // Whole registers, every row summed: add b and store.
            TOps.Store(TOps.Add(TOps.Add(e0, o0), TOps.Load(ref Unsafe.Add(ref b, k))), ref Unsafe.Add(ref y, k));
            if (registers > 1)
            {
                TOps.Store(TOps.Add(TOps.Add(e1, o1), TOps.Load(ref Unsafe.Add(ref b, k + c))), ref Unsafe.Add(ref y, k + c));
            }

            if (registers > 2)
            {
                TOps.Store(TOps.Add(TOps.Add(e2, o2), TOps.Load(ref Unsafe.Add(ref b, k + (2 * c)))), ref Unsafe.Add(ref y, k + (2 * c)));
            }

            if (registers > 3)
            {
                TOps.Store(TOps.Add(TOps.Add(e3, o3), TOps.Load(ref Unsafe.Add(ref b, k + (3 * c)))), ref Unsafe.Add(ref y, k + (3 * c)));
            }

            return;
        }

        // Otherwise through the stack: the rows left one value at a time, then b, then the real units to y.
        Span<T> sums = stackalloc T[4 * TOps.Count];
        ref T z = ref MemoryMarshal.GetReference(sums);
        TOps.Store(TOps.Add(e0, o0), ref z);
        TOps.Store(TOps.Add(e1, o1), ref Unsafe.Add(ref z, c));
        TOps.Store(TOps.Add(e2, o2), ref Unsafe.Add(ref z, 2 * c));
        TOps.Store(TOps.Add(e3, o3), ref Unsafe.Add(ref z, 3 * c));
        for (; j < TLayer.Inputs; j++)
        {
            T xj = Unsafe.Add(ref x, j);
            ref T weights = ref Unsafe.Add(ref w, (j * n) + k);
            for (int u = 0; u < units; u++)
            {
                Unsafe.Add(ref z, u) += xj * Unsafe.Add(ref weights, u);
            }
        }

        for (int u = 0; u < units; u++)
        {
            Unsafe.Add(ref y, k + u) = Unsafe.Add(ref z, u) + Unsafe.Add(ref b, k + u);
        }
    }

    /// <summary>softmax over the n values at y, in place: e^(z_k - max z) / sum_j e^(z_j - max z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxExample<T>(ref T y, int n)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T max = y;
        for (int k = 1; k < n; k++)
        {
            max = Scalar<T>.Max(max, Unsafe.Add(ref y, k));
        }

        T sum = T.Zero;
        for (int k = 0; k < n; k++)
        {
            T e = ExpOfDifference<Scalar<T>, T, T>(Unsafe.Add(ref y, k), max);
            Unsafe.Add(ref y, k) = e;
            sum += e;
        }

        T inverse = T.One / sum;
        for (int k = 0; k < n; k++)
        {
            Unsafe.Add(ref y, k) *= inverse;
        }
    }

    // ------------------------------------------------------------------ batch blocks, examples in lanes

    /// <summary>
    /// Z[l] and A[l] of a block: Z^T = W^T A[l-1]^T + b broadcast over lanes, A = g(Z), all in lanes.
    /// </summary>
    /// <param name="parameters">All parameters of the network.</param>
    /// <param name="input">A[l-1] of the block in lanes (n_{l-1} x <see cref="LaneStride"/>).</param>
    /// <param name="z">Receives Z[l] in lanes, or is empty when only A[l] is wanted.</param>
    /// <param name="output">Receives A[l] in lanes (n_l x <see cref="LaneStride"/>).</param>
    /// <param name="rows">The examples in the block (1 to <see cref="LaneStride"/>).</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void ForwardBlock<TLayer, TActivation, T>(ReadOnlySpan<T> parameters, ReadOnlySpan<T> input, Span<T> z, Span<T> output, int rows)
        where TLayer : IDenseLayer
        where TActivation : IActivation
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T p = ref MemoryMarshal.GetReference(parameters);
        ref T x = ref MemoryMarshal.GetReference(input);
        ref T zr = ref MemoryMarshal.GetReference(z);
        ref T a = ref MemoryMarshal.GetReference(output);
        bool keepZ = !z.IsEmpty;
        if (Vector512.IsHardwareAccelerated && Vector512<T>.IsSupported)
        {
            ForwardBlock<Lanes512<T>, Vector512<T>, T, TLayer, TActivation>(ref p, ref x, ref zr, keepZ, ref a, rows);
        }
        else if (Vector256.IsHardwareAccelerated && Vector256<T>.IsSupported)
        {
            ForwardBlock<Lanes256<T>, Vector256<T>, T, TLayer, TActivation>(ref p, ref x, ref zr, keepZ, ref a, rows);
        }
        else if (Vector128.IsHardwareAccelerated && Vector128<T>.IsSupported)
        {
            ForwardBlock<Lanes128<T>, Vector128<T>, T, TLayer, TActivation>(ref p, ref x, ref zr, keepZ, ref a, rows);
        }
        else
        {
            ForwardBlock<Scalar<T>, T, T, TLayer, TActivation>(ref p, ref x, ref zr, keepZ, ref a, rows);
        }
    }

    /// <summary>The most inputs summed in one block of a batch kernel (<see cref="DenseRules.InputBlock"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static int InputBlock<T>(int units) => DenseRules.InputBlock(units, Unsafe.SizeOf<T>());

    /// <inheritdoc cref="DenseRules.SixTiles"/>
    internal static int SixTiles(int count) => DenseRules.SixTiles(count);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void ForwardBlock<TOps, TV, T, TLayer, TActivation>(ref T p, ref T x, ref T z, bool keepZ, ref T a, int rows)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int tile = 2 * TOps.Count;
        int lanes = (rows + tile - 1) / tile * tile;
        int n = TLayer.Units;
        int inputBlock = InputBlock<T>(n);
        int blocks = (TLayer.Inputs + inputBlock - 1) / inputBlock;
        int span = (TLayer.Inputs + blocks - 1) / blocks;
        ref T w = ref Unsafe.Add(ref p, TLayer.WeightOffset);
        ref T b = ref Unsafe.Add(ref p, TLayer.BiasOffset);

        // Units in tiles of 6 (12 accumulators), then tiles of 4, 2 and 1 for the rest (see SixTiles).
        int sixes = SixTiles(n);
        for (int j0 = 0; j0 < TLayer.Inputs; j0 += span)
        {
            int count = Math.Min(span, TLayer.Inputs - j0);
            bool first = j0 == 0;
            bool last = j0 + count == TLayer.Inputs;
            for (int i = 0; i < lanes; i += tile)
            {
                int k = 0;
                for (; k < sixes; k += 6)
                {
                    ForwardTile6<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                }

                for (; k + 4 <= n; k += 4)
                {
                    ForwardTile4<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                }

                if (k + 2 <= n)
                {
                    ForwardTile2<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                    k += 2;
                }

                if (k < n)
                {
                    ForwardTile1<TOps, TV, T, TLayer, TActivation>(ref w, ref b, ref x, ref z, keepZ, ref a, i, k, j0, count, first, last);
                }
            }
        }

        if (TActivation.IsSoftmax)
        {
            SoftmaxLanes<TOps, TV, T>(ref a, n, lanes);
        }
    }

    /// <summary>Units k..k+5 of lanes i..i+2c over inputs j0..j0+count: 12 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardTile6<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int c = TOps.Count;
        int at = (k * LaneStride) + i;
        TV z00, z01, z10, z11, z20, z21, z30, z31, z40, z41, z50, z51;
        if (first)
        {
            z00 = TOps.Broadcast(Unsafe.Add(ref b, k + 0));
            z01 = z00;
            z10 = TOps.Broadcast(Unsafe.Add(ref b, k + 1));
            z11 = z10;
            z20 = TOps.Broadcast(Unsafe.Add(ref b, k + 2));
            z21 = z20;
            z30 = TOps.Broadcast(Unsafe.Add(ref b, k + 3));
            z31 = z30;
            z40 = TOps.Broadcast(Unsafe.Add(ref b, k + 4));
            z41 = z40;
            z50 = TOps.Broadcast(Unsafe.Add(ref b, k + 5));
            z51 = z50;
        }
        else
        {
            // The sums of the earlier input blocks, parked in the output.
            z00 = TOps.Load(ref Unsafe.Add(ref a, at));
            z01 = TOps.Load(ref Unsafe.Add(ref a, at + c));
            z10 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride)));
            z11 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride) + c));
            z20 = TOps.Load(ref Unsafe.Add(ref a, at + (2 * LaneStride)));
            z21 = TOps.Load(ref Unsafe.Add(ref a, at + (2 * LaneStride) + c));
            z30 = TOps.Load(ref Unsafe.Add(ref a, at + (3 * LaneStride)));
            z31 = TOps.Load(ref Unsafe.Add(ref a, at + (3 * LaneStride) + c));
            z40 = TOps.Load(ref Unsafe.Add(ref a, at + (4 * LaneStride)));
            z41 = TOps.Load(ref Unsafe.Add(ref a, at + (4 * LaneStride) + c));
            z50 = TOps.Load(ref Unsafe.Add(ref a, at + (5 * LaneStride)));
            z51 = TOps.Load(ref Unsafe.Add(ref a, at + (5 * LaneStride) + c));
        }

        ref T xj = ref Unsafe.Add(ref x, (j0 * LaneStride) + i);
        ref T wj = ref Unsafe.Add(ref w, (j0 * TLayer.Units) + k);
        for (int j = 0; j < count; j++)
        {
            TV x0 = TOps.Load(ref xj);
            TV x1 = TOps.Load(ref Unsafe.Add(ref xj, c));
            TV w0 = TOps.Broadcast(wj);
            z00 = TOps.MultiplyAdd(w0, x0, z00);
            z01 = TOps.MultiplyAdd(w0, x1, z01);
            TV w1 = TOps.Broadcast(Unsafe.Add(ref wj, 1));
            z10 = TOps.MultiplyAdd(w1, x0, z10);
            z11 = TOps.MultiplyAdd(w1, x1, z11);
            TV w2 = TOps.Broadcast(Unsafe.Add(ref wj, 2));
            z20 = TOps.MultiplyAdd(w2, x0, z20);
            z21 = TOps.MultiplyAdd(w2, x1, z21);
            TV w3 = TOps.Broadcast(Unsafe.Add(ref wj, 3));
            z30 = TOps.MultiplyAdd(w3, x0, z30);
            z31 = TOps.MultiplyAdd(w3, x1, z31);
            TV w4 = TOps.Broadcast(Unsafe.Add(ref wj, 4));
            z40 = TOps.MultiplyAdd(w4, x0, z40);
            z41 = TOps.MultiplyAdd(w4, x1, z41);
            TV w5 = TOps.Broadcast(Unsafe.Add(ref wj, 5));
            z50 = TOps.MultiplyAdd(w5, x0, z50);
            z51 = TOps.MultiplyAdd(w5, x1, z51);
            xj = ref Unsafe.Add(ref xj, LaneStride);
            wj = ref Unsafe.Add(ref wj, TLayer.Units);
        }

        FinishForward<TOps, TV, T, TActivation>(z00, z01, ref z, keepZ, ref a, at, last);
        FinishForward<TOps, TV, T, TActivation>(z10, z11, ref z, keepZ, ref a, at + (1 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z20, z21, ref z, keepZ, ref a, at + (2 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z30, z31, ref z, keepZ, ref a, at + (3 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z40, z41, ref z, keepZ, ref a, at + (4 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z50, z51, ref z, keepZ, ref a, at + (5 * LaneStride), last);
        ActivateRows<TOps, TV, T, TActivation>(ref a, at, 6, last);
    }

    /// <summary>Units k..k+3 of lanes i..i+2c over inputs j0..j0+count: 8 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardTile4<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int c = TOps.Count;
        int at = (k * LaneStride) + i;
        TV z00, z01, z10, z11, z20, z21, z30, z31;
        if (first)
        {
            z00 = TOps.Broadcast(Unsafe.Add(ref b, k + 0));
            z01 = z00;
            z10 = TOps.Broadcast(Unsafe.Add(ref b, k + 1));
            z11 = z10;
            z20 = TOps.Broadcast(Unsafe.Add(ref b, k + 2));
            z21 = z20;
            z30 = TOps.Broadcast(Unsafe.Add(ref b, k + 3));
            z31 = z30;
        }
        else
        {
            // The sums of the earlier input blocks, parked in the output.
            z00 = TOps.Load(ref Unsafe.Add(ref a, at));
            z01 = TOps.Load(ref Unsafe.Add(ref a, at + c));
            z10 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride)));
            z11 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride) + c));
            z20 = TOps.Load(ref Unsafe.Add(ref a, at + (2 * LaneStride)));
            z21 = TOps.Load(ref Unsafe.Add(ref a, at + (2 * LaneStride) + c));
            z30 = TOps.Load(ref Unsafe.Add(ref a, at + (3 * LaneStride)));
            z31 = TOps.Load(ref Unsafe.Add(ref a, at + (3 * LaneStride) + c));
        }

        ref T xj = ref Unsafe.Add(ref x, (j0 * LaneStride) + i);
        ref T wj = ref Unsafe.Add(ref w, (j0 * TLayer.Units) + k);
        for (int j = 0; j < count; j++)
        {
            TV x0 = TOps.Load(ref xj);
            TV x1 = TOps.Load(ref Unsafe.Add(ref xj, c));
            TV w0 = TOps.Broadcast(wj);
            z00 = TOps.MultiplyAdd(w0, x0, z00);
            z01 = TOps.MultiplyAdd(w0, x1, z01);
            TV w1 = TOps.Broadcast(Unsafe.Add(ref wj, 1));
            z10 = TOps.MultiplyAdd(w1, x0, z10);
            z11 = TOps.MultiplyAdd(w1, x1, z11);
            TV w2 = TOps.Broadcast(Unsafe.Add(ref wj, 2));
            z20 = TOps.MultiplyAdd(w2, x0, z20);
            z21 = TOps.MultiplyAdd(w2, x1, z21);
            TV w3 = TOps.Broadcast(Unsafe.Add(ref wj, 3));
            z30 = TOps.MultiplyAdd(w3, x0, z30);
            z31 = TOps.MultiplyAdd(w3, x1, z31);
            xj = ref Unsafe.Add(ref xj, LaneStride);
            wj = ref Unsafe.Add(ref wj, TLayer.Units);
        }

        FinishForward<TOps, TV, T, TActivation>(z00, z01, ref z, keepZ, ref a, at, last);
        FinishForward<TOps, TV, T, TActivation>(z10, z11, ref z, keepZ, ref a, at + (1 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z20, z21, ref z, keepZ, ref a, at + (2 * LaneStride), last);
        FinishForward<TOps, TV, T, TActivation>(z30, z31, ref z, keepZ, ref a, at + (3 * LaneStride), last);
        ActivateRows<TOps, TV, T, TActivation>(ref a, at, 4, last);
    }

    /// <summary>Units k..k+1 of lanes i..i+2c over inputs j0..j0+count: 4 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardTile2<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int c = TOps.Count;
        int at = (k * LaneStride) + i;
        TV z00, z01, z10, z11;
        if (first)
        {
            z00 = TOps.Broadcast(Unsafe.Add(ref b, k + 0));
            z01 = z00;
            z10 = TOps.Broadcast(Unsafe.Add(ref b, k + 1));
            z11 = z10;
        }
        else
        {
            // The sums of the earlier input blocks, parked in the output.
            z00 = TOps.Load(ref Unsafe.Add(ref a, at));
            z01 = TOps.Load(ref Unsafe.Add(ref a, at + c));
            z10 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride)));
            z11 = TOps.Load(ref Unsafe.Add(ref a, at + (1 * LaneStride) + c));
        }

        ref T xj = ref Unsafe.Add(ref x, (j0 * LaneStride) + i);
        ref T wj = ref Unsafe.Add(ref w, (j0 * TLayer.Units) + k);
        for (int j = 0; j < count; j++)
        {
            TV x0 = TOps.Load(ref xj);
            TV x1 = TOps.Load(ref Unsafe.Add(ref xj, c));
            TV w0 = TOps.Broadcast(wj);
            z00 = TOps.MultiplyAdd(w0, x0, z00);
            z01 = TOps.MultiplyAdd(w0, x1, z01);
            TV w1 = TOps.Broadcast(Unsafe.Add(ref wj, 1));
            z10 = TOps.MultiplyAdd(w1, x0, z10);
            z11 = TOps.MultiplyAdd(w1, x1, z11);
            xj = ref Unsafe.Add(ref xj, LaneStride);
            wj = ref Unsafe.Add(ref wj, TLayer.Units);
        }

        FinishForward<TOps, TV, T, TActivation>(z00, z01, ref z, keepZ, ref a, at, last);
        FinishForward<TOps, TV, T, TActivation>(z10, z11, ref z, keepZ, ref a, at + (1 * LaneStride), last);
        ActivateRows<TOps, TV, T, TActivation>(ref a, at, 2, last);
    }

    /// <summary>Units k..k+0 of lanes i..i+2c over inputs j0..j0+count: 2 accumulators.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ForwardTile1<TOps, TV, T, TLayer, TActivation>(ref T w, ref T b, ref T x, ref T z, bool keepZ, ref T a, int i, int k, int j0, int count, bool first, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TLayer : IDenseLayer
        where TActivation : IActivation
    {
        int c = TOps.Count;
        int at = (k * LaneStride) + i;
        TV z00, z01;
        if (first)
        {
            z00 = TOps.Broadcast(Unsafe.Add(ref b, k + 0));
            z01 = z00;
        }
        else
        {
            // The sums of the earlier input blocks, parked in the output.
            z00 = TOps.Load(ref Unsafe.Add(ref a, at));
            z01 = TOps.Load(ref Unsafe.Add(ref a, at + c));
        }

        ref T xj = ref Unsafe.Add(ref x, (j0 * LaneStride) + i);
        ref T wj = ref Unsafe.Add(ref w, (j0 * TLayer.Units) + k);
        for (int j = 0; j < count; j++)
        {
            TV x0 = TOps.Load(ref xj);
            TV x1 = TOps.Load(ref Unsafe.Add(ref xj, c));
            TV w0 = TOps.Broadcast(wj);
            z00 = TOps.MultiplyAdd(w0, x0, z00);
            z01 = TOps.MultiplyAdd(w0, x1, z01);
            xj = ref Unsafe.Add(ref xj, LaneStride);
            wj = ref Unsafe.Add(ref wj, TLayer.Units);
        }

        FinishForward<TOps, TV, T, TActivation>(z00, z01, ref z, keepZ, ref a, at, last);
        ActivateRows<TOps, TV, T, TActivation>(ref a, at, 1, last);
    }

    /// <summary>
    /// The tile epilogue: the sums go to the output (after the last input block also to Z, if asked); the activation
    /// follows in <see cref="ActivateRows"/> while the tile is still in L1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void FinishForward<TOps, TV, T, TActivation>(TV z0, TV z1, ref T z, bool keepZ, ref T a, int at, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TActivation : IActivation
    {
        int c = TOps.Count;
        if (keepZ && last)
        {
            TOps.Store(z0, ref Unsafe.Add(ref z, at));
            TOps.Store(z1, ref Unsafe.Add(ref z, at + c));
        }

        if (last && IsCheap<TActivation>())
        {
            // A cheap g (one or two instructions per register) is applied here in registers, saving a pass.
            z0 = TActivation.Apply<TOps, TV, T>(z0);
            z1 = TActivation.Apply<TOps, TV, T>(z1);
        }

        TOps.Store(z0, ref Unsafe.Add(ref a, at));
        TOps.Store(z1, ref Unsafe.Add(ref a, at + c));
    }

    /// <summary>
    /// Whether g costs so little (ReLU, leaky ReLU: a compare and a select) that the tile epilogue applies it in
    /// registers; the others are applied by <see cref="ActivateRowsCore"/>, so their polynomials are inlined once.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool IsCheap<TActivation>()
        where TActivation : IActivation =>
        typeof(TActivation) == typeof(Activations.ReLU) || typeof(TActivation) == typeof(Activations.LeakyReLU);

    /// <summary>
    /// A = g(Z) in place for the <paramref name="units"/> rows of one tile (2 registers each), after the last input block.
    /// One loop, so g is inlined once however many tiles there are (softmax: left to <see cref="SoftmaxLanes"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ActivateRows<TOps, TV, T, TActivation>(ref T a, int at, int units, bool last)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TActivation : IActivation
    {
        if (!last || TActivation.IsSoftmax || typeof(TActivation) == typeof(Activations.Identity) || IsCheap<TActivation>())
        {
            return;
        }

        ActivateRowsCore<TOps, TV, T, TActivation>(ref a, at, units);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void ActivateRowsCore<TOps, TV, T, TActivation>(ref T a, int at, int units)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
        where TActivation : IActivation
    {
        int c = TOps.Count;
        for (int u = 0; u < units; u++)
        {
            ref T row = ref Unsafe.Add(ref a, at + (u * LaneStride));
            for (int v = 0; v < 2 * c; v += c)
            {
                ref T cell = ref Unsafe.Add(ref row, v);
                TOps.Store(TActivation.Apply<TOps, TV, T>(TOps.Load(ref cell)), ref cell);
            }
        }
    }

    /// <summary>
    /// e^(z - max) with the rounding error r of d = z - max put back: e^(d + r) = e^d (1 + r) to first order. Without it a
    /// softmax probability far below the largest (z - max = -16, say) would carry a relative error of 16 ulps of 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static TV ExpOfDifference<TOps, TV, T>(TV z, TV max)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Knuth's TwoSum for z + (-max): d + r = z - max exactly. NaN and infinities make r NaN only when d is NaN too.
        TV d = TOps.Subtract(z, max);
        TV zPart = TOps.Add(d, max);
        TV maxPart = TOps.Subtract(zPart, d);
        TV r = TOps.Add(TOps.Subtract(z, zPart), TOps.Subtract(maxPart, max));
        TV e = TOps.Exp(d);
        TV corrected = TOps.MultiplyAdd(e, r, e);

        // Where d is -infinity (a -infinity logit), r is NaN but e^d is 0: keep e.
        return TOps.SelectEqual(r, r, corrected, e);
    }

    /// <summary>softmax across the n unit rows of each lane, in place.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SoftmaxLanes<TOps, TV, T>(ref T a, int n, int lanes)
        where TOps : ILanes<TV, T>
        where TV : struct
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (int i = 0; i < lanes; i += TOps.Count)
        {
            ref T column = ref Unsafe.Add(ref a, i);
            TV max = TOps.Load(ref column);
            for (int k = 1; k < n; k++)
            {
                max = TOps.Max(max, TOps.Load(ref Unsafe.Add(ref column, k * LaneStride)));
            }

            TV sum = TOps.Zero;
            for (int k = 0; k < n; k++)
            {
                ref T at = ref Unsafe.Add(ref column, k * LaneStride);
                TV e = ExpOfDifference<TOps, TV, T>(TOps.Load(ref at), max);
                TOps.Store(e, ref at);
                sum = TOps.Add(sum, e);
            }

            TV inverse = TOps.Divide(TOps.Broadcast(T.One), sum);
            for (int k = 0; k < n; k++)
            {
                ref T at = ref Unsafe.Add(ref column, k * LaneStride);
                TOps.Store(TOps.Multiply(TOps.Load(ref at), inverse), ref at);
            }
        }
    }
}
#endif
