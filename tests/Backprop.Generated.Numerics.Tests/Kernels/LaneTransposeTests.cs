using System;
using Backprop.Generated.Compute;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Kernels;

/// <summary>
/// <see cref="Dense.ToLanes{T}"/> and <see cref="Dense.FromLanes{T}"/> against the definition
/// (lanes[k * LaneStride + i] = rows[i * width + k]) for every width from 1 to 37 and every row count from 1 to
/// <see cref="Dense.BlockRows"/>: whole 8 x 8 (4 x 4) squares, the features right of them, the rows below them, and
/// the lanes past the last row, zeroed up to the widest tile's edge. With AVX the squares go through registers; <c>.ci/run</c> repeats these with
/// <c>DOTNET_EnableHWIntrinsic=0</c>, where every value takes the scalar path.
/// </summary>
public sealed class LaneTransposeTests
{
    [Fact]
    public void Float_rows_go_to_lanes_and_back() => Check<float>(v => (float)v);

    [Fact]
    public void Double_rows_go_to_lanes_and_back() => Check<double>(v => v);

    private static void Check<T>(Func<double, T> convert)
        where T : unmanaged, IEquatable<T>
    {
        for (int width = 1; width <= 37; width++)
        {
            for (int rows = 1; rows <= Dense.BlockRows; rows++)
            {
                var source = new T[rows * width];
                for (int q = 0; q < source.Length; q++)
                {
                    source[q] = convert(q + 1);
                }

                var lanes = new T[width * Dense.LaneStride];
                lanes.AsSpan().Fill(convert(-1));
                Dense.ToLanes<T>(source, width, rows, lanes);
                // Lanes past the last row are zero up to the next multiple of 32 (the widest tile), untouched after.
                int edge = Math.Min(Dense.BlockRows, (rows + 31) / 32 * 32);
                for (int k = 0; k < width; k++)
                {
                    for (int i = 0; i < Dense.BlockRows; i++)
                    {
                        T expected = i < rows ? source[(i * width) + k] : i < edge ? default : convert(-1);
                        Assert.True(expected.Equals(lanes[(k * Dense.LaneStride) + i]), $"ToLanes width {width}, rows {rows}: lane ({k}, {i})");
                    }
                }

                var back = new T[rows * width + 1];
                back[^1] = convert(-7);
                Dense.FromLanes<T>(lanes, width, rows, back.AsSpan(0, rows * width));
                Assert.Equal(source, back.AsSpan(0, rows * width).ToArray());
                Assert.Equal(convert(-7), back[^1]);
            }
        }
    }
}
