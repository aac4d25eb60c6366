using System;

namespace Backprop.Generated.Samples.Browser;

/// <summary>
/// A drawn digit turned into the digits data's form. The UCI data behind scikit-learn's digits scaled each
/// handwritten digit into a 32x32 bitmap and counted the ink pixels in each of its 64 non-overlapping 4x4 blocks, so an
/// input pixel is an integer 0..16; the page's script does the first step (the strokes' bounding box scaled to fit
/// 32x32, centred, thresholded), this class the second.
/// </summary>
public static class DigitImage
{
    /// <summary>The bitmap's side in pixels.</summary>
    public const int BitmapSize = 32;

    /// <summary>The side of a block whose ink pixels make one input pixel.</summary>
    public const int BlockSize = 4;

    /// <summary>The input image's side: 32 / 4 = 8.</summary>
    public const int GridSize = BitmapSize / BlockSize;

    /// <summary>
    /// Counts the ink pixels of each 4x4 block: counts[8 r + c] = sum_{i,j &lt; 4} bitmap[32 (4 r + i) + 4 c + j].
    /// </summary>
    /// <param name="bitmap">32 x 32 row-major, each 0 (blank) or 1 (ink).</param>
    /// <returns>8 x 8 row-major counts, each 0..16 (the digits data's scale).</returns>
    /// <exception cref="ArgumentException"><paramref name="bitmap"/> is not 1024 values of 0 or 1.</exception>
    public static int[] Downsample(ReadOnlySpan<int> bitmap)
    {
        if (bitmap.Length != BitmapSize * BitmapSize)
        {
            throw new ArgumentException($"The bitmap must hold {BitmapSize} x {BitmapSize} values, not {bitmap.Length}.", nameof(bitmap));
        }

        var counts = new int[GridSize * GridSize];
        for (int y = 0; y < BitmapSize; y++)
        {
            for (int x = 0; x < BitmapSize; x++)
            {
                int ink = bitmap[(y * BitmapSize) + x];
                if (ink is not (0 or 1))
                {
                    throw new ArgumentException($"Bitmap pixel ({x}, {y}) is {ink}; pixels are 0 or 1.", nameof(bitmap));
                }

                counts[((y / BlockSize) * GridSize) + (x / BlockSize)] += ink;
            }
        }

        return counts;
    }

    /// <summary>The network's input for counts: each count / 16, as <see cref="DigitsData"/> scales the data set.</summary>
    /// <param name="counts">8 x 8 counts 0..16.</param>
    /// <returns>64 inputs in [0, 1].</returns>
    public static float[] ToInput(ReadOnlySpan<int> counts)
    {
        var input = new float[counts.Length];
        for (int i = 0; i < counts.Length; i++)
        {
            input[i] = counts[i] / DigitsData.MaxPixel;
        }

        return input;
    }
}
