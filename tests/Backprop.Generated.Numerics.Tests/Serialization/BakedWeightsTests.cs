using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>
/// Weights baked in at build time through the package's build logic (this project imports
/// build/Backprop.Generated.targets and lists the PyTorch files as AdditionalFiles): a fresh instance holds exactly the
/// parameters that <c>Load</c> reads from the same file at run time, gives bit-identical outputs, and reproduces the
/// outputs PyTorch recorded for that module (Reference/safetensors/make_reference.py).
/// </summary>
public sealed class BakedWeightsTests
{
    private static readonly int[] Sizes = { 4, 8, 6, 3 };

    private readonly ITestOutputHelper _output;

    public BakedWeightsTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string, string> FloatFiles => new()
    {
        { "sequential_f32", "" },
        { "sequential_f16", "" },
        { "sequential_bf16", "" },
        { "prefixed_f32", "layers." },
        { "sequential_f64", "" },
    };

    private static INetwork<float> Baked(string file) => file switch
    {
        "sequential_f32" => new BakedF32(),
        "sequential_f16" => new BakedF16(),
        "sequential_bf16" => new BakedBF16(),
        "prefixed_f32" => new BakedPrefixed(),
        _ => new BakedF64IntoSingle(),
    };

    [Theory]
    [MemberData(nameof(FloatFiles))]
    public void BakedFloatNetworkEqualsTheSameFileLoadedAtRunTime(string file, string prefix)
    {
        INetwork<float> baked = Baked(file);
        var loaded = new TorchSequential();
        loaded.Load(TorchFiles.Bytes(file));

        // The parameters: equal to torch's tensors transposed here in the test (rounded to float for F64), and to Load's.
        float[] expected = TorchFiles.ExpectedParameters(file, Sizes, prefix).Select(v => (float)v).ToArray();
        Assert.Equal(expected, baked.Parameters.ToArray());
        Assert.Equal(loaded.Parameters.ToArray(), baked.Parameters.ToArray());

        // The outputs: bit-identical to the runtime-loaded network's, and within 1e-6 of torch's.
        float[] x = TorchFiles.Inputs.Select(v => (float)v).ToArray();
        float[] yBaked = new float[TorchFiles.Rows * 3];
        float[] yLoaded = new float[TorchFiles.Rows * 3];
        baked.ForwardBatch(x, yBaked);
        loaded.ForwardBatch(x, yLoaded);
        Assert.Equal(yLoaded, yBaked);
        double[] torch = TorchFiles.Outputs(file);
        double error = yBaked.Select((v, i) => Math.Abs(v - torch[i])).Max();
        _output.WriteLine($"{file}: baked parameters equal Load's; outputs bit-equal; max |baked - torch| = {error:E2}");
        Assert.True(error <= 1e-6, $"max |baked - torch| = {error}");
    }

    [Fact]
    public void BakedDoubleNetworkEqualsTheSameFileLoadedAtRunTime()
    {
        var baked = new BakedDouble();
        var loaded = new TorchSequentialDouble();
        loaded.Load(TorchFiles.Bytes("sequential_f64"));
        Assert.Equal(TorchFiles.ExpectedParameters("sequential_f64", Sizes, ""), baked.Parameters.ToArray());
        Assert.Equal(loaded.Parameters.ToArray(), baked.Parameters.ToArray());

        double[] yBaked = new double[TorchFiles.Rows * 3];
        double[] yLoaded = new double[TorchFiles.Rows * 3];
        baked.ForwardBatch(TorchFiles.Inputs, yBaked);
        loaded.ForwardBatch(TorchFiles.Inputs, yLoaded);
        Assert.Equal(yLoaded, yBaked);
        double[] torch = TorchFiles.Outputs("sequential_f64");
        Assert.All(Enumerable.Range(0, yBaked.Length), i => Assert.True(Math.Abs(yBaked[i] - torch[i]) <= 1e-13));
    }

    [Fact]
    public void EveryInstanceStartsFromTheBakedValuesIndependently()
    {
        var first = new BakedF32();
        first.Parameters.Clear();
        var second = new BakedF32();
        Assert.Equal(TorchFiles.ExpectedParameters("sequential_f32", Sizes, "").Select(v => (float)v).ToArray(), second.Parameters.ToArray());
    }
}
