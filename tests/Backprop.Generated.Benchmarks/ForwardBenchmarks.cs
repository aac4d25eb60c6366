using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

/// <summary>
/// One example's inference: the generated Forward (span API) against the hand-written array MLP of the same
/// shape, each category's ratio baseline. The Allocated column must read 0 B (shown as "-") for Generated.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class ForwardBenchmarks
{
    private readonly Net3x2x1 _small = new();
    private readonly Net8x16x16x4 _medium = new();
    private readonly Net64x32x10 _digits = new();
    private readonly Net784x128x10 _mnist = new();
    private ArrayMlp _smallPeer = null!, _mediumPeer = null!, _digitsPeer = null!, _mnistPeer = null!;
    private float[] _smallX = null!, _mediumX = null!, _digitsX = null!, _mnistX = null!;
    private readonly float[] _smallY = new float[1], _mediumY = new float[4], _digitsY = new float[10], _mnistY = new float[10];
    private Net3x2x1.Input _smallInput;

    [GlobalSetup]
    public void Setup()
    {
        _small.InitializeParameters(1);
        _medium.InitializeParameters(1);
        _digits.InitializeParameters(1);
        _mnist.InitializeParameters(1);
        _smallPeer = new ArrayMlp(new[] { 3, 2, 1 }, new[] { ArrayMlp.Kind.Tanh, ArrayMlp.Kind.Sigmoid }, false, 1);
        _mediumPeer = new ArrayMlp(new[] { 8, 16, 16, 4 }, new[] { ArrayMlp.Kind.ReLU, ArrayMlp.Kind.ReLU, ArrayMlp.Kind.Identity }, false, 1);
        _digitsPeer = new ArrayMlp(new[] { 64, 32, 10 }, new[] { ArrayMlp.Kind.Tanh, ArrayMlp.Kind.Softmax }, true, 1);
        _mnistPeer = new ArrayMlp(new[] { 784, 128, 10 }, new[] { ArrayMlp.Kind.ReLU, ArrayMlp.Kind.Softmax }, true, 1);
        var random = new Random(3);
        _smallX = Vector(random, 3);
        _mediumX = Vector(random, 8);
        _digitsX = Vector(random, 64);
        _mnistX = Vector(random, 784);
        for (int j = 0; j < 3; j++)
        {
            _smallInput[j] = _smallX[j];
        }
    }

    private static float[] Vector(Random random, int length)
    {
        var x = new float[length];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (float)random.NextDouble();
        }

        return x;
    }

    [Benchmark(Baseline = true, Description = "ArrayMlp")]
    [BenchmarkCategory("3-2-1")]
    public void Peer_3_2_1() => _smallPeer.Forward(_smallX, _smallY);

    [Benchmark(Description = "Generated")]
    [BenchmarkCategory("3-2-1")]
    public void Generated_3_2_1() => _small.Forward(_smallX, _smallY);

    [Benchmark(Description = "Generated (in Input)")]
    [BenchmarkCategory("3-2-1")]
    public float Generated_3_2_1_Typed() => _small.Forward(_smallInput)[0];

    [Benchmark(Baseline = true, Description = "ArrayMlp")]
    [BenchmarkCategory("8-16-16-4")]
    public void Peer_8_16_16_4() => _mediumPeer.Forward(_mediumX, _mediumY);

    [Benchmark(Description = "Generated")]
    [BenchmarkCategory("8-16-16-4")]
    public void Generated_8_16_16_4() => _medium.Forward(_mediumX, _mediumY);

    [Benchmark(Baseline = true, Description = "ArrayMlp")]
    [BenchmarkCategory("64-32-10")]
    public void Peer_64_32_10() => _digitsPeer.Forward(_digitsX, _digitsY);

    [Benchmark(Description = "Generated")]
    [BenchmarkCategory("64-32-10")]
    public void Generated_64_32_10() => _digits.Forward(_digitsX, _digitsY);

    [Benchmark(Baseline = true, Description = "ArrayMlp")]
    [BenchmarkCategory("784-128-10")]
    public void Peer_784_128_10() => _mnistPeer.Forward(_mnistX, _mnistY);

    [Benchmark(Description = "Generated")]
    [BenchmarkCategory("784-128-10")]
    public void Generated_784_128_10() => _mnist.Forward(_mnistX, _mnistY);
}
