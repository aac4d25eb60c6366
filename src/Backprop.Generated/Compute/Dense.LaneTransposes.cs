#if NET8_0_OR_GREATER
using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Backprop.Generated.Compute;

/// <summary>
/// The transposes between the caller's row-major rows (X, Y, A[L]: example i's feature k at i * width + k) and a
/// block in lanes (feature k of example i at k * <see cref="LaneStride"/> + i).
/// </summary>
/// <remarks>
/// With AVX, whole 8 x 8 (float) or 4 x 4 (double) squares go through registers: one unaligned load per row, the
/// textbook unpack / shuffle / 128-bit-permute network, one store per lane row. The features past the last whole
/// square and the rows past the last whole square are copied one value at a time, which is also the whole path
/// without AVX (the JIT removes the branch it does not take).
/// </remarks>
public static partial class Dense
{
    /// <summary>The widest tile of lanes any kernel reads: 2 registers of <see cref="Vector512{T}"/> floats.</summary>
    private const int PaddedTile = 32;

    /// <summary>
    /// Copies rows of a row-major matrix (<paramref name="rows"/> x <paramref name="width"/>) into lanes
    /// (<paramref name="width"/> x <see cref="LaneStride"/>), zeroing the lanes past the last row up to the next
    /// multiple of 32 (the widest tile the kernels read).
    /// </summary>
    /// <param name="source">The rows, <paramref name="rows"/> x <paramref name="width"/> row-major.</param>
    /// <param name="width">The values per row.</param>
    /// <param name="rows">The rows (1 to <see cref="BlockRows"/>).</param>
    /// <param name="lanes">Receives the block in lanes, <paramref name="width"/> x <see cref="LaneStride"/>.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void ToLanes<T>(ReadOnlySpan<T> source, int width, int rows, Span<T> lanes)
        where T : unmanaged
    {
        ref T s = ref MemoryMarshal.GetReference(source);
        ref T d = ref MemoryMarshal.GetReference(lanes);
        if (width == 1)
        {
            // One value per row (the targets of a one-output network): a copy.
            source.Slice(0, rows).CopyTo(lanes);
        }
        else if (rows < 4 || (rows < 8 && typeof(T) == typeof(float)))
        {
            // Fewer rows than one AVX square (XOR's 4 examples): value by value, as the transposes below would do for
            // so few rows, without compiling them in a small network's first call.
            RowsToLanesValueByValue(ref s, 0, rows, width, ref d);
        }
        else if (Avx2.IsSupported && typeof(T) == typeof(float) && width <= 4)
        {
            // 2 to 4 features (a small network's inputs): its own small method, so a first call does not compile the
            // general transpose.
            NarrowRowsToLanes(ref Unsafe.As<T, float>(ref s), rows, width, ref Unsafe.As<T, float>(ref d));
        }
        else
        {
            Transpose(ref s, rows, width, width, ref d, LaneStride);
        }

        // Zero the lanes past the last row up to the widest tile's edge (2 registers of 16 floats): the kernels read
        // whole tiles, and the lanes past that edge are never read.
        int edge = Math.Min(BlockRows, (rows + PaddedTile - 1) / PaddedTile * PaddedTile);
        if (rows < edge)
        {
            for (int k = 0; k < width; k++)
            {
                lanes.Slice((k * LaneStride) + rows, edge - rows).Clear();
            }
        }
    }

    /// <summary>The inverse of <see cref="ToLanes{T}"/>: the first <paramref name="rows"/> lanes back to row-major rows.</summary>
    /// <param name="lanes">The block in lanes, <paramref name="width"/> x <see cref="LaneStride"/>.</param>
    /// <param name="width">The values per row.</param>
    /// <param name="rows">The rows to write (1 to <see cref="BlockRows"/>).</param>
    /// <param name="destination">Receives <paramref name="rows"/> x <paramref name="width"/> values, row-major.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void FromLanes<T>(ReadOnlySpan<T> lanes, int width, int rows, Span<T> destination)
        where T : unmanaged
    {
        if (width == 1)
        {
            // One output per row (a one-output network): a copy.
            lanes.Slice(0, rows).CopyTo(destination);
            return;
        }

        LanesToRows(ref MemoryMarshal.GetReference(lanes), width, rows, ref MemoryMarshal.GetReference(destination), width);
    }

    /// <summary>
    /// The first <paramref name="rows"/> lanes of <paramref name="width"/> lane rows to row-major rows
    /// <paramref name="rowStride"/> values apart: destination[i * rowStride + k] = lanes[k * <see cref="LaneStride"/> + i].
    /// </summary>
    internal static void LanesToRows<T>(ref T s, int width, int rows, ref T d, int rowStride)
        where T : unmanaged =>
        Transpose(ref s, width, rows, LaneStride, ref d, rowStride);

    /// <summary>
    /// d[c * destinationStride + r] = s[r * sourceStride + c] for the <paramref name="rows"/> x <paramref name="columns"/>
    /// block at <paramref name="s"/>: whole 8 x 8 (double: 4 x 4) squares through AVX registers, the edges value by value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Transpose<T>(ref T s, int rows, int columns, int sourceStride, ref T d, int destinationStride)
        where T : unmanaged
    {
        int squareRows = 0;
        int squareColumns = 0;
        if (Avx.IsSupported && typeof(T) == typeof(float))
        {
            squareRows = rows & ~7;
            squareColumns = columns & ~7;
            ref float sf = ref Unsafe.As<T, float>(ref s);
            ref float df = ref Unsafe.As<T, float>(ref d);
            for (int r = 0; r < squareRows; r += 8)
            {
                for (int c = 0; c < squareColumns; c += 8)
                {
                    Transpose8x8(ref Unsafe.Add(ref sf, (r * sourceStride) + c), sourceStride, ref Unsafe.Add(ref df, (c * destinationStride) + r), destinationStride);
                }
            }
        }
        else if (Avx.IsSupported && typeof(T) == typeof(double))
        {
            squareRows = rows & ~3;
            squareColumns = columns & ~3;
            ref double sd = ref Unsafe.As<T, double>(ref s);
            ref double dd = ref Unsafe.As<T, double>(ref d);
            for (int r = 0; r < squareRows; r += 4)
            {
                for (int c = 0; c < squareColumns; c += 4)
                {
                    Transpose4x4(ref Unsafe.Add(ref sd, (r * sourceStride) + c), sourceStride, ref Unsafe.Add(ref dd, (c * destinationStride) + r), destinationStride);
                }
            }
        }

        // Rows of fewer than 8 values (the inputs of a network of a few features, to lanes; 2 to 4 with AVX2 take
        // NarrowRowsToLanes): 8 rows at a time, one 256-bit register per column filled from the 8 rows, instead of a
        // store per value (3 features x 64 rows: 171 ns value by value, 74 ns so; with AVX2's gather instead of the
        // inserts, 140 ns on Zen 3).
        int narrowRows = 0;
        if (Vector256.IsHardwareAccelerated && typeof(T) == typeof(float) && columns < 8)
        {
            narrowRows = rows & ~7;
            ref float sf = ref Unsafe.As<T, float>(ref s);
            ref float df = ref Unsafe.As<T, float>(ref d);
            for (int r = 0; r < narrowRows; r += 8)
            {
                ref float block = ref Unsafe.Add(ref sf, r * sourceStride);
                for (int c = 0; c < columns; c++)
                {
                    ref float column = ref Unsafe.Add(ref block, c);
                    Vector256.Create(
                        column,
                        Unsafe.Add(ref column, sourceStride),
                        Unsafe.Add(ref column, 2 * sourceStride),
                        Unsafe.Add(ref column, 3 * sourceStride),
                        Unsafe.Add(ref column, 4 * sourceStride),
                        Unsafe.Add(ref column, 5 * sourceStride),
                        Unsafe.Add(ref column, 6 * sourceStride),
                        Unsafe.Add(ref column, 7 * sourceStride)).StoreUnsafe(ref df, (nuint)((c * destinationStride) + r));
                }
            }
        }

        // The columns right of the squares, for the square rows; then every column of the rows below them.
        for (int r = narrowRows; r < rows; r++)
        {
            ref T row = ref Unsafe.Add(ref s, r * sourceStride);
            for (int c = r < squareRows ? squareColumns : 0; c < columns; c++)
            {
                Unsafe.Add(ref d, (c * destinationStride) + r) = Unsafe.Add(ref row, c);
            }
        }
    }

    /// <summary>
    /// <see cref="ToLanes{T}"/> of rows of 2, 3 or 4 features with AVX2: 8 rows are 2, 3 or 4 whole registers,
    /// deinterleaved into one register per feature by shuffles (<see cref="Deinterleave"/>; 3 features x 64 rows on Zen 3:
    /// 74 ns with the inserts of <see cref="Transpose{T}"/>, about 30 ns so); the rows past the last 8 value by value.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void NarrowRowsToLanes(ref float s, int rows, int columns, ref float d)
    {
        int whole = rows & ~7;
        for (int r = 0; r < whole; r += 8)
        {
            Deinterleave(ref Unsafe.Add(ref s, r * columns), columns, ref Unsafe.Add(ref d, r), LaneStride);
        }

        RowsToLanesValueByValue(ref s, whole, rows, columns, ref d);
    }

    /// <summary>Rows <paramref name="first"/> to <paramref name="rows"/> - 1 of rows of <paramref name="width"/> values into lanes, value by value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void RowsToLanesValueByValue<T>(ref T s, int first, int rows, int width, ref T d)
        where T : unmanaged
    {
        for (int r = first; r < rows; r++)
        {
            for (int c = 0; c < width; c++)
            {
                Unsafe.Add(ref d, (c * LaneStride) + r) = Unsafe.Add(ref s, (r * width) + c);
            }
        }
    }

    /// <summary>
    /// 8 rows of <paramref name="columns"/> (2, 3 or 4) adjacent values at <paramref name="source"/> to one register per
    /// column at <paramref name="destination"/> (columns <paramref name="destinationStride"/> apart): column c's register
    /// holds the 8 rows' value c in row order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Deinterleave(ref float source, int columns, ref float destination, int destinationStride)
    {
        Vector256<float> a = Vector256.LoadUnsafe(ref source);
        Vector256<float> b = Vector256.LoadUnsafe(ref source, 8);
        if (columns == 2)
        {
            // a = x0 y0 x1 y1 | x2 y2 x3 y3, b the same for rows 4..7; shufps picks x (or y) of both, 128-bit lanes
            // interleaved: x0 x1 x4 x5 | x2 x3 x6 x7; vpermpd puts the 64-bit pairs in row order.
            Avx2.Permute4x64(Avx.Shuffle(a, b, 0x88).AsDouble(), 0xD8).AsSingle().StoreUnsafe(ref destination);
            Avx2.Permute4x64(Avx.Shuffle(a, b, 0xDD).AsDouble(), 0xD8).AsSingle().StoreUnsafe(ref destination, (nuint)destinationStride);
            return;
        }

        Vector256<float> c = Vector256.LoadUnsafe(ref source, 16);
        if (columns == 3)
        {
            // Value k of the 24 is column k mod 3 of row k / 3, in register k / 8, lane k mod 8: two blends gather each
            // column's 8 values (every lane from the one register that holds it there), a permute puts them in row order.
            Avx2.PermuteVar8x32(Avx.Blend(Avx.Blend(a, b, 0x92), c, 0x24), Vector256.Create(0, 3, 6, 1, 4, 7, 2, 5)).StoreUnsafe(ref destination);
            Avx2.PermuteVar8x32(Avx.Blend(Avx.Blend(a, b, 0x24), c, 0x49), Vector256.Create(1, 4, 7, 2, 5, 0, 3, 6)).StoreUnsafe(ref destination, (nuint)destinationStride);
            Avx2.PermuteVar8x32(Avx.Blend(Avx.Blend(a, b, 0x49), c, 0x92), Vector256.Create(2, 5, 0, 3, 6, 1, 4, 7)).StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
            return;
        }

        // Four columns: a = row 0 | row 1, b = rows 2 | 3, c = rows 4 | 5, e = rows 6 | 7. Unpacking pairs and shuffling
        // gives column j of rows 0 2 4 6 | 1 3 5 7; a permute puts the rows in order.
        Vector256<float> e = Vector256.LoadUnsafe(ref source, 24);
        Vector256<float> t0 = Avx.UnpackLow(a, b);
        Vector256<float> t1 = Avx.UnpackHigh(a, b);
        Vector256<float> t2 = Avx.UnpackLow(c, e);
        Vector256<float> t3 = Avx.UnpackHigh(c, e);
        Vector256<int> order = Vector256.Create(0, 4, 1, 5, 2, 6, 3, 7);
        Avx2.PermuteVar8x32(Avx.Shuffle(t0, t2, 0x44), order).StoreUnsafe(ref destination);
        Avx2.PermuteVar8x32(Avx.Shuffle(t0, t2, 0xEE), order).StoreUnsafe(ref destination, (nuint)destinationStride);
        Avx2.PermuteVar8x32(Avx.Shuffle(t1, t3, 0x44), order).StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
        Avx2.PermuteVar8x32(Avx.Shuffle(t1, t3, 0xEE), order).StoreUnsafe(ref destination, (nuint)(3 * destinationStride));
    }

    /// <summary>
    /// Writes the transpose of the 8 x 8 square at <paramref name="source"/> (rows <paramref name="sourceStride"/> apart)
    /// to <paramref name="destination"/> (rows <paramref name="destinationStride"/> apart): destination row c = source column c.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Transpose8x8(ref float source, int sourceStride, ref float destination, int destinationStride)
    {
        Vector256<float> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<float> r1 = Vector256.LoadUnsafe(ref source, (nuint)sourceStride);
        Vector256<float> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
        Vector256<float> r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride));
        Vector256<float> r4 = Vector256.LoadUnsafe(ref source, (nuint)(4 * sourceStride));
        Vector256<float> r5 = Vector256.LoadUnsafe(ref source, (nuint)(5 * sourceStride));
        Vector256<float> r6 = Vector256.LoadUnsafe(ref source, (nuint)(6 * sourceStride));
        Vector256<float> r7 = Vector256.LoadUnsafe(ref source, (nuint)(7 * sourceStride));

        // Pairs of rows interleaved: t0 = r0[0] r1[0] r0[1] r1[1] | r0[4] r1[4] r0[5] r1[5], and so on.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1);
        Vector256<float> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3);
        Vector256<float> t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5);
        Vector256<float> t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7);
        Vector256<float> t7 = Avx.UnpackHigh(r6, r7);

        // Columns 0..3 of four rows in each 128-bit half: s0 = column 0 of r0..r3 | column 4 of r0..r3, and so on.
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44);
        Vector256<float> s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44);
        Vector256<float> s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44);
        Vector256<float> s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44);
        Vector256<float> s7 = Avx.Shuffle(t5, t7, 0xEE);

        // The low halves of r0..r3 and r4..r7 give columns 0..3, the high halves columns 4..7.
        Avx.Permute2x128(s0, s4, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(s1, s5, 0x20).StoreUnsafe(ref destination, (nuint)destinationStride);
        Avx.Permute2x128(s2, s6, 0x20).StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
        Avx.Permute2x128(s3, s7, 0x20).StoreUnsafe(ref destination, (nuint)(3 * destinationStride));
        Avx.Permute2x128(s0, s4, 0x31).StoreUnsafe(ref destination, (nuint)(4 * destinationStride));
        Avx.Permute2x128(s1, s5, 0x31).StoreUnsafe(ref destination, (nuint)(5 * destinationStride));
        Avx.Permute2x128(s2, s6, 0x31).StoreUnsafe(ref destination, (nuint)(6 * destinationStride));
        Avx.Permute2x128(s3, s7, 0x31).StoreUnsafe(ref destination, (nuint)(7 * destinationStride));
    }

    /// <summary>The double-precision square: the transpose of 4 x 4 values, as <see cref="Transpose8x8"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining | MethodImplOptions.AggressiveOptimization)]
    private static void Transpose4x4(ref double source, int sourceStride, ref double destination, int destinationStride)
    {
        Vector256<double> r0 = Vector256.LoadUnsafe(ref source);
        Vector256<double> r1 = Vector256.LoadUnsafe(ref source, (nuint)sourceStride);
        Vector256<double> r2 = Vector256.LoadUnsafe(ref source, (nuint)(2 * sourceStride));
        Vector256<double> r3 = Vector256.LoadUnsafe(ref source, (nuint)(3 * sourceStride));

        // t0 = r0[0] r1[0] | r0[2] r1[2]; t1 = r0[1] r1[1] | r0[3] r1[3]; t2, t3 the same for r2, r3.
        Vector256<double> t0 = Avx.UnpackLow(r0, r1);
        Vector256<double> t1 = Avx.UnpackHigh(r0, r1);
        Vector256<double> t2 = Avx.UnpackLow(r2, r3);
        Vector256<double> t3 = Avx.UnpackHigh(r2, r3);

        Avx.Permute2x128(t0, t2, 0x20).StoreUnsafe(ref destination);
        Avx.Permute2x128(t1, t3, 0x20).StoreUnsafe(ref destination, (nuint)destinationStride);
        Avx.Permute2x128(t0, t2, 0x31).StoreUnsafe(ref destination, (nuint)(2 * destinationStride));
        Avx.Permute2x128(t1, t3, 0x31).StoreUnsafe(ref destination, (nuint)(3 * destinationStride));
    }
}
#endif
