using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Serialization;

/// <summary>
/// Files written from real torch.nn.Sequential modules (Reference/safetensors/make_reference.py) load and reproduce
/// torch's outputs; files this library saves are read by torch (check_saved.py) and give the same outputs.
/// </summary>
public sealed class SafeTensorsTorchTests
{
    private static readonly int[] Sizes = { 4, 8, 6, 3 };

    private readonly ITestOutputHelper _output;

    public SafeTensorsTorchTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("sequential_f32", "")]
    [InlineData("sequential_f16", "")]
    [InlineData("sequential_bf16", "")]
    [InlineData("prefixed_f32", "layers.")]
    public void FloatNetworkLoadsTorchFileExactlyAndReproducesTorchOutputs(string file, string prefix)
    {
        var net = new TorchSequential();
        net.Load(TorchFiles.Bytes(file));

        // F32, F16 and BF16 values are all exact in float: the parameters equal torch's tensors bit for bit.
        double[] expected = TorchFiles.ExpectedParameters(file, Sizes, prefix);
        Assert.Equal(expected.Select(v => (float)v).ToArray(), net.Parameters.ToArray());

        float[] x = TorchFiles.Inputs.Select(v => (float)v).ToArray();
        float[] y = new float[TorchFiles.Rows * TorchSequential.OutputSize];
        net.ForwardBatch(x, y);
        double[] torch = TorchFiles.Outputs(file);
        _output.WriteLine($"{file}: parameters bit-equal; max |ForwardBatch - torch| = {y.Select((v, i) => Math.Abs(v - torch[i])).Max():E2}");
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - torch[i]) <= 1e-6, $"output {i}: {y[i]} vs torch {torch[i]}");
        }
    }

    [Fact]
    public void DoubleNetworkLoadsTorchF64FileExactlyAndReproducesTorchOutputs()
    {
        var net = new TorchSequentialDouble();
        net.Load(TorchFiles.Bytes("sequential_f64"));
        Assert.Equal(TorchFiles.ExpectedParameters("sequential_f64", Sizes, ""), net.Parameters.ToArray());

        double[] y = new double[TorchFiles.Rows * TorchSequentialDouble.OutputSize];
        net.ForwardBatch(TorchFiles.Inputs, y);
        double[] torch = TorchFiles.Outputs("sequential_f64");
        _output.WriteLine($"sequential_f64: parameters bit-equal; max |ForwardBatch - torch| = {y.Select((v, i) => Math.Abs(v - torch[i])).Max():E2}");
        for (int i = 0; i < y.Length; i++)
        {
            Assert.True(Math.Abs(y[i] - torch[i]) <= 1e-13, $"output {i}: {y[i]} vs torch {torch[i]}");
        }
    }

    [Fact]
    public void PrecisionIsConvertedBothWays()
    {
        // F64 into a float network rounds each value to nearest float; F32 into a double network is exact.
        var single = new TorchSequential();
        single.Load(TorchFiles.Bytes("sequential_f64"));
        Assert.Equal(TorchFiles.ExpectedParameters("sequential_f64", Sizes, "").Select(v => (float)v).ToArray(), single.Parameters.ToArray());

        var @double = new TorchSequentialDouble();
        @double.Load(TorchFiles.Bytes("sequential_f32"));
        Assert.Equal(TorchFiles.ExpectedParameters("sequential_f32", Sizes, ""), @double.Parameters.ToArray());
        double[] y = new double[TorchFiles.Rows * 3];
        @double.ForwardBatch(TorchFiles.Inputs, y);
        double[] torch = TorchFiles.Outputs("sequential_f32");
        Assert.All(Enumerable.Range(0, y.Length), i => Assert.True(Math.Abs(y[i] - torch[i]) <= 1e-6));
    }

    /// <summary>
    /// What this library saves is pinned to the committed files that check_saved.py read with torch; the outputs
    /// torch computed from them (torch_reads_backprop.json) equal ours.
    /// </summary>
    [Theory]
    [InlineData("backprop_saved_f32")]
    [InlineData("backprop_saved_f64")]
    public void TorchReadsWhatWeSave(string file)
    {
        byte[] saved;
        double[] ours;
        if (file.EndsWith("f32", StringComparison.Ordinal))
        {
            var net = new TorchSequential();
            net.Load(TorchFiles.Bytes("sequential_f32"));
            saved = net.ToSafeTensors();
            float[] y = new float[TorchFiles.Rows * 3];
            net.ForwardBatch(TorchFiles.Inputs.Select(v => (float)v).ToArray(), y);
            ours = y.Select(v => (double)v).ToArray();
        }
        else
        {
            var net = new TorchSequentialDouble();
            net.Load(TorchFiles.Bytes("sequential_f64"));
            saved = net.ToSafeTensors();
            ours = new double[TorchFiles.Rows * 3];
            net.ForwardBatch(TorchFiles.Inputs, ours);
        }

        string committed = Path.Combine(TorchFiles.Folder, file + ".safetensors");
        if (!File.Exists(committed) || !File.ReadAllBytes(committed).SequenceEqual(saved))
        {
            File.WriteAllBytes(Path.Combine(TorchFiles.SourceFolder(), file + ".received.safetensors"), saved);
            Assert.Fail($"{file}.safetensors differs from what Save writes now: review {file}.received.safetensors, rename it, and rerun check_saved.py.");
        }

        using JsonDocument torch = JsonDocument.Parse(File.ReadAllText(Path.Combine(TorchFiles.Folder, "torch_reads_backprop.json")));
        JsonElement result = torch.RootElement.GetProperty(file);
        Assert.True(result.GetProperty("tensors_equal_original").GetBoolean());
        double[] outputs = result.GetProperty("outputs").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        double tolerance = file.EndsWith("f32", StringComparison.Ordinal) ? 1e-6 : 1e-13;
        Assert.Equal(ours.Length, outputs.Length);
        _output.WriteLine($"{file}: torch read it, tensors equal the original; max |ours - torch| = {ours.Select((v, i) => Math.Abs(v - outputs[i])).Max():E2}");
        Assert.All(Enumerable.Range(0, ours.Length), i => Assert.True(Math.Abs(ours[i] - outputs[i]) <= tolerance, $"{i}: {ours[i]} vs {outputs[i]}"));
    }
}
