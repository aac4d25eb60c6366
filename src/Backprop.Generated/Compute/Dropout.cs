#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Backprop.Generated.Compute;

/// <summary>
/// Inverted dropout for the training kernels, as PyTorch's <c>nn.Dropout</c> after a hidden layer's activation:
/// a unit is kept with probability 1 - p and then scaled by 1 / (1 - p), so the expected activation is unchanged.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class Dropout
{
    /// <summary>
    /// Draws the factors D of one example's units of one layer into lanes: u = <see cref="SplitMix64.NextDouble"/>
    /// per unit in ascending order, D = 1 / (1 - p) where u &gt;= p, else 0.
    /// </summary>
    /// <param name="random">The network's dropout stream.</param>
    /// <param name="mask">D of the block in lanes (units x <see cref="Dense.LaneStride"/>).</param>
    /// <param name="example">The example's lane, 0 to <see cref="Dense.LaneStride"/> - 1.</param>
    /// <param name="units">n_l.</param>
    /// <param name="rate">p, in [0, 1).</param>
    public static void Draw<T>(ref SplitMix64 random, Span<T> mask, int example, int units, double rate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        T keep = T.CreateTruncating(1d / (1d - rate));
        for (int k = 0; k < units; k++)
        {
            mask[(k * Dense.LaneStride) + example] = random.NextDouble() >= rate ? keep : T.Zero;
        }
    }

    /// <summary>
    /// Moves <paramref name="random"/> on by <paramref name="draws"/> draws, as that many <see cref="Draw{T}"/> units would:
    /// a chunk of rows starting at row r of a batch starts its masks r x (the dropped units of one example) draws on, so
    /// every example gets the factors of a sequential run whatever thread computes it.
    /// </summary>
    /// <param name="random">The stream.</param>
    /// <param name="draws">The draws to skip, 0 or more.</param>
    public static void Skip(ref SplitMix64 random, long draws) => random.Advance(draws);

    /// <summary>A~ = A * D, element by element over the first <paramref name="units"/> rows of lanes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Apply<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> mask, Span<T> dropped, int units)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int length = units * Dense.LaneStride;
        ReadOnlySpan<T> x = a.Slice(0, length);
        ReadOnlySpan<T> d = mask.Slice(0, length);
        Span<T> y = dropped.Slice(0, length);
        for (int q = 0; q < length; q++)
        {
            y[q] = x[q] * d[q];
        }
    }
}
#endif
