using System;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;

namespace Backprop.Generated.Numerics.Tests.Training;

/// <summary>data/digits.csv.gz (inputs / 16, one-hot targets) split by data/digits_split.json (scikit-learn's indices).</summary>
internal sealed class DigitsData
{
    public const int Features = 64;
    public const int Classes = 10;

    private static readonly Lazy<DigitsData> Lazy = new(Load);

    private DigitsData(float[] trainX, float[] trainY, float[] testX, float[] testY)
    {
        TrainInputs = trainX;
        TrainTargets = trainY;
        TestInputs = testX;
        TestTargets = testY;
    }

    public static DigitsData Instance => Lazy.Value;

    public float[] TrainInputs { get; }

    public float[] TrainTargets { get; }

    public float[] TestInputs { get; }

    public float[] TestTargets { get; }

    private static DigitsData Load()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "data");
        using var file = File.OpenRead(Path.Combine(folder, "digits.csv.gz"));
        using var gzip = new GZipStream(file, CompressionMode.Decompress);
        using var reader = new StreamReader(gzip);
        var rows = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray())
            .ToArray();
        using JsonDocument split = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "digits_split.json")));
        int[] train = split.RootElement.GetProperty("train").Deserialize<int[]>()!;
        int[] test = split.RootElement.GetProperty("test").Deserialize<int[]>()!;
        (float[] X, float[] Y) Take(int[] indices)
        {
            var x = new float[indices.Length * Features];
            var y = new float[indices.Length * Classes];
            for (int i = 0; i < indices.Length; i++)
            {
                float[] row = rows[indices[i]];
                for (int j = 0; j < Features; j++)
                {
                    x[(i * Features) + j] = row[j] / 16f;
                }

                y[(i * Classes) + (int)row[Features]] = 1f;
            }

            return (x, y);
        }

        (float[] trainX, float[] trainY) = Take(train);
        (float[] testX, float[] testY) = Take(test);
        return new DigitsData(trainX, trainY, testX, testY);
    }
}
