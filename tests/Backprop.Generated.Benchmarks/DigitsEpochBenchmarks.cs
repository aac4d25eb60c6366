using System;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text.Json;
using Backprop.Generated;
using BenchmarkDotNet.Attributes;

/// <summary>
/// The handwritten digits data of samples/Digits (data/digits.csv.gz, inputs / 16, one-hot targets) split by
/// data/digits_split.json (scikit-learn's stratified train_test_split(test_size=0.25, random_state=0)).
/// </summary>
public static class DigitsData
{
    public const int Features = 64;
    public const int Classes = 10;

    public static (float[] TrainX, float[] TrainY, float[] TestX, float[] TestY) Load()
    {
        string folder = Path.Combine(AppContext.BaseDirectory, "data");
        float[][] rows;
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(folder, "digits.csv.gz")), CompressionMode.Decompress)))
        {
            rows = reader.ReadToEnd()
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
                .ToArray();
        }

        using JsonDocument split = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "digits_split.json")));
        (float[] trainX, float[] trainY) = Take(rows, split.RootElement.GetProperty("train").Deserialize<int[]>()!);
        (float[] testX, float[] testY) = Take(rows, split.RootElement.GetProperty("test").Deserialize<int[]>()!);
        return (trainX, trainY, testX, testY);
    }

    private static (float[] X, float[] Y) Take(float[][] rows, int[] indices)
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
}

/// <summary>
/// One epoch of the digits network (64-32-10, tanh/softmax, cross-entropy): 1,347 training rows in the split's order,
/// batches of 32 (the last one 3 rows), plain SGD with lr 0.1, one TrainStep per batch. The generated code is the baseline.
/// Shuffling is left out so that every peer does exactly the same arithmetic; the scikit-learn comparison
/// (digits_vs_sklearn.py) shuffles on both sides.
/// </summary>
[MemoryDiagnoser]
public class DigitsEpochBenchmarks
{
    public const int Batch = 32;
    public const float LearningRate = 0.1f;

    private readonly DigitsNet _net = new();
    private readonly Sgd _sgd = new(LearningRate);
    private readonly DigitsNet _fitNet = new();
    private readonly Sgd _fitSgd = new(LearningRate);
    private ArrayMlp _array = null!;
    private TiledMlp _tiled = null!;
    private TensorPrimitivesMlp _primitives = null!;
    private float[] _x = null!, _y = null!;

    /// <summary>Multiply-adds of one epoch: rows x the per-example training multiply-adds.</summary>
    public static long MultiplyAdds(int rows) => rows * Workloads.Digits.TrainingMultiplyAdds;

    [GlobalSetup]
    public void Setup()
    {
        (_x, _y, _, _) = DigitsData.Load();
        _net.InitializeParameters(Workloads.Seed);
        _fitNet.InitializeParameters(Workloads.Seed);
        float[] theta = _net.Parameters.ToArray();
        _array = new ArrayMlp(Workloads.Digits, theta);
        _tiled = new TiledMlp(Workloads.Digits, theta, Batch);
        _primitives = new TensorPrimitivesMlp(Workloads.Digits, theta, Batch);
        int last = Rows % Batch == 0 ? Batch : Rows % Batch;
        _lastX = new float[last * 64];
        _lastY = new float[last * 10];
    }

    [Benchmark(Baseline = true, Description = "Generated")]
    public float Generated()
    {
        float cost = 0;
        for (int start = 0; start < Rows; start += Batch)
        {
            int m = Math.Min(Batch, Rows - start);
            cost += _net.TrainStep(_x.AsSpan(start * 64, m * 64), _y.AsSpan(start * 10, m * 10), _sgd);
        }

        return cost;
    }

    /// <summary>
    /// The same epoch through <c>Trainer.Fit(shuffle: false)</c> on its own network (issue 19 item 7: Fit should cost
    /// little more than the steps it runs).
    /// </summary>
    [Benchmark(Description = "Fit (shuffle: false)")]
    public double Fit() => _fitNet.Fit<float>(_x, _y, _fitSgd, epochs: 1, Batch, shuffle: false)[0];

    [Benchmark(Description = "Tiled (hand-written)")]
    public float Tiled()
    {
        float cost = 0;
        for (int start = 0; start < Rows; start += Batch)
        {
            int m = Math.Min(Batch, Rows - start);
            cost += _tiled.TrainStep(_x.AsSpan(start * 64, m * 64), _y.AsSpan(start * 10, m * 10), LearningRate);
        }

        return cost;
    }

    [Benchmark(Description = "TensorPrimitives")]
    public float Primitives()
    {
        float cost = 0;
        for (int start = 0; start < Rows; start += Batch)
        {
            int m = Math.Min(Batch, Rows - start);
            cost += _primitives.TrainStep(_x.AsSpan(start * 64, m * 64), _y.AsSpan(start * 10, m * 10), LearningRate);
        }

        return cost;
    }

    [Benchmark(Description = "ArrayMlp")]
    public float Array()
    {
        // ArrayMlp takes arrays: copy each batch into reusable arrays (two small copies per step).
        float cost = 0;
        for (int start = 0; start < Rows; start += Batch)
        {
            int m = Math.Min(Batch, Rows - start);
            float[] x = m == Batch ? _fullX : _lastX;
            float[] y = m == Batch ? _fullY : _lastY;
            System.Array.Copy(_x, start * 64, x, 0, m * 64);
            System.Array.Copy(_y, start * 10, y, 0, m * 10);
            cost += _array.TrainStep(x, y, LearningRate);
        }

        return cost;
    }

    /// <summary>
    /// <c>--digits-overhead [ROUNDS]</c>: the TrainStep loop and the one-epoch <c>Fit(shuffle: false)</c> timed in turns
    /// (each turn 20 epochs after a warm-up), median and best ms per epoch of each, the median of the paired ratios,
    /// and the bytes the Fit turns allocated per epoch.
    /// </summary>
    public static void RunOverhead(int rounds)
    {
        var b = new DigitsEpochBenchmarks();
        b.Setup();
        const int Epochs = 20;
        for (int i = 0; i < 50; i++)
        {
            b.Generated();
            b.Fit();
        }

        var steps = new double[rounds];
        var fits = new double[rounds];
        var ratios = new double[rounds];
        long fitBytes = 0;
        for (int r = 0; r < rounds; r++)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            for (int e = 0; e < Epochs; e++)
            {
                b.Generated();
            }

            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            long a0 = GC.GetAllocatedBytesForCurrentThread();
            for (int e = 0; e < Epochs; e++)
            {
                b.Fit();
            }

            fitBytes += GC.GetAllocatedBytesForCurrentThread() - a0;
            long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            double ms = 1e3 / System.Diagnostics.Stopwatch.Frequency / Epochs;
            steps[r] = (t1 - t0) * ms;
            fits[r] = (t2 - t1) * ms;
            ratios[r] = fits[r] / steps[r];
        }

        static double Median(double[] v)
        {
            double[] s = v.Order().ToArray();
            return s.Length % 2 == 1 ? s[s.Length / 2] : (s[(s.Length / 2) - 1] + s[s.Length / 2]) / 2;
        }

        // The medians, and the fastest turns (least disturbed by other processes on a shared core).
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"digits epoch ({b.Rows} rows, batch {Batch}), {rounds} rounds of {Epochs} epochs each: TrainStep loop {Median(steps):F3} ms (best {steps.Min():F3}), Fit(shuffle: false) {Median(fits):F3} ms (best {fits.Min():F3}), paired ratio {Median(ratios):F3} (best-to-best {fits.Min() / steps.Min():F3}), Fit allocated {fitBytes / (double)(rounds * Epochs):F0} bytes per one-epoch call"));
    }

    private int Rows => _x.Length / 64;

    /// <summary>The current parameters of one peer in the generated layout (for <c>--verify</c>).</summary>
    public float[] Parameters(string peer)
    {
        float[] theta = new float[DigitsNet.ParameterCount];
        switch (peer)
        {
            case "Generated": _net.Parameters.CopyTo(theta); break;
            case "Tiled": _tiled.CopyParametersTo(theta); break;
            case "TensorPrimitives": _primitives.CopyParametersTo(theta); break;
            default: _array.CopyParametersTo(theta); break;
        }

        return theta;
    }

    private readonly float[] _fullX = new float[Batch * 64], _fullY = new float[Batch * 10];
    private float[] _lastX = null!, _lastY = null!;
}
