using System;
using Backprop.Generated;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

/// <summary>
/// One training step (gradients of a batch of 32 plus an SGD update) of the generated classes against the
/// hand-written array MLP of the same shape, which is each category's ratio baseline.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class TrainStepBenchmarks
{
    private const int Batch = 32;

    private readonly Net3x2x1 _small = new();
    private readonly Net8x16x16x4 _medium = new();
    private readonly Net64x32x10 _digits = new();
    private readonly Sgd _smallSgd = new(1e-3);
    private readonly Sgd _mediumSgd = new(1e-3);
    private readonly Sgd _digitsSgd = new(1e-3);
    private ArrayMlp _smallPeer = null!;
    private ArrayMlp _mediumPeer = null!;
    private ArrayMlp _digitsPeer = null!;
    private float[] _smallX = null!, _smallY = null!, _mediumX = null!, _mediumY = null!, _digitsX = null!, _digitsY = null!;

    [GlobalSetup]
    public void Setup()
    {
        _small.InitializeParameters(1);
        _medium.InitializeParameters(1);
        _digits.InitializeParameters(1);
        _smallPeer = new ArrayMlp(new[] { 3, 2, 1 }, new[] { ArrayMlp.Kind.Tanh, ArrayMlp.Kind.Sigmoid }, false, 1);
        _mediumPeer = new ArrayMlp(new[] { 8, 16, 16, 4 }, new[] { ArrayMlp.Kind.ReLU, ArrayMlp.Kind.ReLU, ArrayMlp.Kind.Identity }, false, 1);
        _digitsPeer = new ArrayMlp(new[] { 64, 32, 10 }, new[] { ArrayMlp.Kind.Tanh, ArrayMlp.Kind.Softmax }, true, 1);
        var random = new Random(7);
        (_smallX, _smallY) = Data(random, 3, 1, oneHot: false);
        (_mediumX, _mediumY) = Data(random, 8, 4, oneHot: false);
        (_digitsX, _digitsY) = Data(random, 64, 10, oneHot: true);
    }

    private static (float[], float[]) Data(Random random, int inputs, int outputs, bool oneHot)
    {
        var x = new float[Batch * inputs];
        var y = new float[Batch * outputs];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)random.NextDouble();
        }

        for (int i = 0; i < Batch; i++)
        {
            if (oneHot)
            {
                y[(i * outputs) + random.Next(outputs)] = 1;
            }
            else
            {
                for (int k = 0; k < outputs; k++)
                {
                    y[(i * outputs) + k] = (float)random.NextDouble();
                }
            }
        }

        return (x, y);
    }

    [Benchmark(Baseline = true, Description = "ArrayMlp")]
    [BenchmarkCategory("3-2-1")]
    public float Peer_3_2_1() => _smallPeer.TrainStep(_smallX, _smallY, 1e-3f);

    [Benchmark(Description = "Generated")]
    [BenchmarkCategory("3-2-1")]
    public float Generated_3_2_1() => _small.TrainStep(_smallX, _smallY, _smallSgd);

    [Benchmark(Baseline = true, Description = "ArrayMlp")]
    [BenchmarkCategory("8-16-16-4")]
    public float Peer_8_16_16_4() => _mediumPeer.TrainStep(_mediumX, _mediumY, 1e-3f);

    [Benchmark(Description = "Generated")]
    [BenchmarkCategory("8-16-16-4")]
    public float Generated_8_16_16_4() => _medium.TrainStep(_mediumX, _mediumY, _mediumSgd);

    [Benchmark(Baseline = true, Description = "ArrayMlp")]
    [BenchmarkCategory("64-32-10")]
    public float Peer_64_32_10() => _digitsPeer.TrainStep(_digitsX, _digitsY, 1e-3f);

    [Benchmark(Description = "Generated")]
    [BenchmarkCategory("64-32-10")]
    public float Generated_64_32_10() => _digits.TrainStep(_digitsX, _digitsY, _digitsSgd);
}
