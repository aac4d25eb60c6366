using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Text.Json;

namespace Backprop.Generated.Samples.Browser;

/// <summary>
/// The handwritten digits as samples/Digits reads them: data/digits.csv.gz (1797 rows of 64 pixel counts 0..16, 8x8
/// row by row, then the label 0-9) and data/digits_split.json (the row indices of scikit-learn's
/// <c>train_test_split(test_size=0.25, random_state=0, stratify=y)</c>), inputs divided by 16 into [0, 1].
/// </summary>
public sealed class DigitsData
{
    /// <summary>Pixels per example (8 x 8).</summary>
    public const int Features = 64;

    /// <summary>The largest pixel count: a pixel is the number of ink pixels in a 4x4 block of a 32x32 bitmap.</summary>
    public const float MaxPixel = 16f;

    private DigitsData(float[] trainX, int[] trainLabels, float[] testX, int[] testLabels)
    {
        TrainX = trainX;
        TrainLabels = trainLabels;
        TestX = testX;
        TestLabels = testLabels;
    }

    /// <summary>Training inputs, n x 64 row-major, each pixel / 16 in [0, 1] (1347 rows).</summary>
    public float[] TrainX { get; }

    /// <summary>Training labels, n digits 0-9.</summary>
    public int[] TrainLabels { get; }

    /// <summary>Test inputs, n_t x 64 row-major, each pixel / 16 (450 rows).</summary>
    public float[] TestX { get; }

    /// <summary>Test labels, n_t digits 0-9.</summary>
    public int[] TestLabels { get; }

    /// <summary>Parses the two files as downloaded.</summary>
    /// <param name="csv">digits.csv.gz as served: gzip bytes, or the CSV text itself when a server sent the file with
    /// <c>Content-Encoding: gzip</c> and the browser already decompressed it.</param>
    /// <param name="splitJson">digits_split.json: an object with integer arrays "train" and "test".</param>
    /// <returns>The training and test sets.</returns>
    /// <exception cref="FormatException">A row does not have 65 numbers, a value is not a number, or an index is out of range.</exception>
    /// <exception cref="JsonException"><paramref name="splitJson"/> is not JSON, or "train" or "test" is not an integer array.</exception>
    /// <exception cref="System.Collections.Generic.KeyNotFoundException"><paramref name="splitJson"/> has no "train" or "test".</exception>
    public static DigitsData Parse(byte[] csv, string splitJson)
    {
        string text;
        if (csv.Length >= 2 && csv[0] == 0x1f && csv[1] == 0x8b)
        {
            using var reader = new StreamReader(new GZipStream(new MemoryStream(csv), CompressionMode.Decompress));
            text = reader.ReadToEnd();
        }
        else
        {
            text = Encoding.UTF8.GetString(csv);
        }

        float[][] rows = text
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        if (rows.Any(row => row.Length != Features + 1))
        {
            throw new FormatException($"digits.csv: every row must hold {Features} pixels and a label.");
        }

        using JsonDocument split = JsonDocument.Parse(splitJson);
        (float[] trainX, int[] trainLabels) = Take(rows, split.RootElement.GetProperty("train").Deserialize<int[]>()!);
        (float[] testX, int[] testLabels) = Take(rows, split.RootElement.GetProperty("test").Deserialize<int[]>()!);
        return new DigitsData(trainX, trainLabels, testX, testLabels);
    }

    private static (float[] X, int[] Labels) Take(float[][] rows, int[] indices)
    {
        var x = new float[indices.Length * Features];
        var y = new int[indices.Length];
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)rows.Length)
            {
                throw new FormatException($"digits_split.json: index {indices[i]} is outside the {rows.Length} rows.");
            }

            float[] row = rows[indices[i]];
            for (int j = 0; j < Features; j++)
            {
                x[(i * Features) + j] = row[j] / MaxPixel;
            }

            y[i] = (int)row[Features];
        }

        return (x, y);
    }
}
