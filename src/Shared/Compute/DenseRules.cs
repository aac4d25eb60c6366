// The block, stride and tiling rules of the runtime's dense kernels (src/Backprop.Generated/Compute/Dense*.cs),
// written once for the two that apply them: the kernels, and the generator, which sizes the training scratch and the
// one-example buffers from them (Emit/ComputeGradientsEmitter.cs, Emit/ForwardEmitter.cs), chooses each layer's
// one-example code (Rules/LayerPlan.cs) and names the passes and tiles in generated comments (Emit/Strategies.cs).
// The generator cannot reference the runtime assembly, so this file is compiled into both, as SafeTensorsRules.cs is
// (<Compile Include="..." Link="..." /> in each project file): plain C# for netstandard2.0 and net8.0, internal in both.
using System;
using System.Runtime.CompilerServices;

namespace Backprop.Generated.Compute;

/// <summary>The sizes the dense kernels work in, as functions of a layer's shape and the element size alone.</summary>
internal static class DenseRules
{
    /// <summary>The examples in one block of the batch kernels (a multiple of 2 x 16 lanes, the widest tile).</summary>
    public const int BlockRows = 64;

    /// <summary>
    /// The distance, in values, between two rows (units) of a matrix in lanes: <see cref="BlockRows"/> plus 16, so
    /// consecutive rows start 5 cache lines apart and a tile's rows spread over every set of the L1 cache instead of
    /// the 16 of a 256-byte stride.
    /// </summary>
    public const int LaneStride = BlockRows + 16;

    /// <summary>
    /// The row stride of a row-major dZ block and of the padded gradient sums of a layer of n units:
    /// <see cref="Padded"/>(n) + 16, an odd number of cache lines for the widths used here, again to spread rows over the L1 sets.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int GradientStride(int units) => Padded(units) + 16;

    /// <summary>n rounded up to a multiple of 16, the row stride of a row-major dZ block and of the padded gradient sums.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Padded(int units) => (units + 15) & ~15;

    /// <summary>
    /// Whether the one-example kernel (Dense.ForwardExample) sums 16 registers of units per pass over W's rows:
    /// only when W[l] is larger than a 32 KB L1 cache, so its rows stream from L2 or beyond. On x64 without AVX-512
    /// (16 vector registers) the 16-register loop keeps an accumulator on the stack; with W in L1 that chain through
    /// memory made it slower than passes of 8 (16 x 256 floats: 108.5 -> 153-170 ns), while from 128 x 128 (64 KB) on it is
    /// faster (889-1,125 -> 686-716 ns; 784 x 128: 5,316-5,397 -> 4,200-4,314 ns; figures in docs/performance.md).
    /// </summary>
    /// <param name="inputs">n_{l-1}, the rows of W[l].</param>
    /// <param name="units">n_l, the columns of W[l].</param>
    /// <param name="elementBytes">4 for float, 8 for double.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool SixteenRegisterPasses(int inputs, int units, int elementBytes) => (long)inputs * units * elementBytes > 32768;

    /// <summary>
    /// The most inputs the batch kernels sum in one block: the block's rows of W[l] take at most 16 KB (half of a 32 KB
    /// L1 cache), so they stay in L1 beside the lane tile's A[l-1] slice while each tile of examples reads them again;
    /// between 8 and 64. Wider layers are summed block by block, parking the partial sums in the output. (W4's 784 x 128
    /// layer: blocks of at most 32 rows; with blocks of 61, 31 KB of W per block, the layer took about 3% longer, best of
    /// 150 rounds.)
    /// </summary>
    /// <param name="units">n_l, the columns of W[l].</param>
    /// <param name="elementBytes">4 for float, 8 for double.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int InputBlock(int units, int elementBytes) => Math.Max(8, Math.Min(64, 16384 / (elementBytes * units)));

    /// <summary>
    /// How many of <paramref name="count"/> units (or inputs, or rows of dW) the batch kernels cover with tiles of 6; the
    /// rest go in tiles of 4, then 2 or 1. When 2 would be left after a tile of 6, the last 8 go as two tiles of 4 (8
    /// accumulators each) instead of 6 and then 2 (or 1 and 1), whose few chains would wait on the multiply-add latency:
    /// W3's 64-to-8 output layer (m = 64) took 792-804 ns as 6 + 2 and 681-684 ns as 4 + 4 (best of 150 rounds of 200
    /// calls, three processes each, old and new build alternated on one core).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int SixTiles(int count) => (count % 6 == 2 && count >= 8 ? count - 8 : count) / 6 * 6;

    /// <summary>
    /// The most bytes of units (32 floats, 16 doubles) of a layer whose one-example code keeps all its units in
    /// registers for the whole sum (Compute.RegisterLanes; eight 128-bit registers at most). Wider layers take the
    /// passes of Dense.ForwardExample.
    /// </summary>
    public const int RegisterLanesMaxBytes = 128;

    /// <summary>
    /// The register width, in bits, that Compute.RegisterLanes uses for a layer of <paramref name="bytes"/> bytes of
    /// units where that width is accelerated: the narrowest that is not mostly empty, 512 above 32 bytes, 256 above 16,
    /// else 128 (a narrower accelerated width is the fallback).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RegisterLanesWidth(int bytes) => bytes > 32 ? 512 : bytes > 16 ? 256 : 128;

    /// <summary>
    /// The elements of the destination that Compute.RegisterLanes writes for a layer of <paramref name="units"/> units:
    /// whole registers, so the units rounded up to a whole 64-byte line (which covers whole registers of every width).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RegisterLanesBufferLength(int units, int elementBytes)
    {
        int perLine = 64 / elementBytes;
        return (units + perLine - 1) / perLine * perLine;
    }
}
