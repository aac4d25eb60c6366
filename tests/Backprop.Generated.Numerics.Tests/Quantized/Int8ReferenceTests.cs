using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Backprop.Generated.Internals;
using Backprop.Generated.Quantized;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Numerics.Tests.Quantized;

/// <summary>
/// The int8 scheme against Reference/int8_reference.py, a numpy emulation written from docs/int8.md (not from the
/// kernels), on every path this process can run: the int32 sums of every layer bit-exactly and the outputs as the same
/// bits for the identity/ReLU networks; for the tanh/softmax network the first layer's sums bit-exactly and the outputs
/// within 1e-6 (numpy's tanh and exp are not the runtime's). Then PyTorch's quantize_dynamic on the same weights, a
/// different scheme, within 0.02.
/// </summary>
public class Int8ReferenceTests
{
    private readonly ITestOutputHelper _output;

    public Int8ReferenceTests(ITestOutputHelper output) => _output = output;

    public static IEnumerable<object[]> Networks() => Load().Select(n => new object[] { n.GetProperty("name").GetString()! });

    [Theory]
    [MemberData(nameof(Networks))]
    public void Sums_and_outputs_match_the_numpy_emulation_on_every_path(string name)
    {
        JsonElement network = Load().Single(n => n.GetProperty("name").GetString() == name);
        Int8Network net = Build(network);
        bool exact = network.GetProperty("exact").GetBoolean();
        foreach (Int8Path path in Int8KernelTests.RunnablePaths())
        {
            foreach (JsonElement c in network.GetProperty("cases").EnumerateArray())
            {
                float[] x = Floats(c.GetProperty("input"));
                float[] expected = Floats(c.GetProperty("output"));
                int[][] sums = c.GetProperty("sums").EnumerateArray().Select(l => l.EnumerateArray().Select(v => v.GetInt32()).ToArray()).ToArray();
                var trace = new List<int[]>();
                float[] y = new float[expected.Length];
                Int8KernelTests.WithPath(path, () => net.ForwardTrace(x, y, trace));
                for (int l = 0; l < (exact ? sums.Length : 1); l++)
                {
                    Assert.True(sums[l].SequenceEqual(trace[l]), $"{name} on {path}: layer {l + 1} sums differ");
                }

                if (exact)
                {
                    Assert.True(expected.Select(BitConverter.SingleToInt32Bits).SequenceEqual(y.Select(BitConverter.SingleToInt32Bits)), $"{name} on {path}: outputs differ");
                }
                else
                {
                    Assert.All(expected.Zip(y), p => Assert.True(Math.Abs(p.First - p.Second) <= 1e-6, $"{name} on {path}: {p.First} vs {p.Second}"));
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Networks))]
    public void Outputs_are_near_PyTorch_dynamic_quantisation(string name)
    {
        JsonElement network = Load().Single(n => n.GetProperty("name").GetString() == name);
        Int8Network net = Build(network);
        double[][] torch = network.GetProperty("torch_dynamic_outputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        double[][] float64 = network.GetProperty("float64_outputs").EnumerateArray().Select(r => r.EnumerateArray().Select(v => v.GetDouble()).ToArray()).ToArray();
        double worstTorch = 0, worstFloat = 0;
        int row = 0;
        foreach (JsonElement c in network.GetProperty("cases").EnumerateArray())
        {
            float[] y = new float[torch[row].Length];
            net.Forward(Floats(c.GetProperty("input")), y);
            for (int j = 0; j < y.Length; j++)
            {
                worstTorch = Math.Max(worstTorch, Math.Abs(y[j] - torch[row][j]));
                worstFloat = Math.Max(worstFloat, Math.Abs(y[j] - float64[row][j]));
            }

            row++;
        }

        _output.WriteLine($"{name}: max |ours - torch quantize_dynamic| = {worstTorch:G3}, max |ours - float64| = {worstFloat:G3}, max |torch dynamic - float64| = {network.GetProperty("max_abs_torch_dynamic_vs_float").GetDouble():G3}");
        Assert.True(worstTorch <= 0.02, $"{name}: {worstTorch}");
        Assert.True(worstFloat <= 0.02, $"{name}: {worstFloat}");
    }

    private static Int8Network Build(JsonElement network)
    {
        int[] sizes = network.GetProperty("sizes").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        Activation[] activations = network.GetProperty("activations").EnumerateArray().Select(v => Enum.Parse<Activation>(v.GetString()!)).ToArray();
        var net = new Int8Network(sizes, activations);
        net.Quantize(Floats(network.GetProperty("parameters")));
        return net;
    }

    private static float[] Floats(JsonElement array) => array.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    private static JsonElement[] Load()
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Reference", "int8_reference.json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllText(path));
        return document.RootElement.GetProperty("networks").EnumerateArray().Select(e => e.Clone()).ToArray();
    }
}
