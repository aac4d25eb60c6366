using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Backprop.Generated.Tests.Infrastructure;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Tests.Weights;

/// <summary>
/// <c>Weights = "..."</c> with <c>Quantization = Quantization.Int8</c> (docs/int8.md, "Baked weights"): the generator
/// quantises the file's weights per output unit at build time and the assembly holds only the int8 values, the scales
/// and the biases; <c>new Net.Int8()</c> holds them and the float network starts from W_ij = s_j q_ij. The expected
/// values are worked out by hand from the scheme's formulas, not by the code under test.
/// </summary>
[UseReporter(typeof(QuietReporter))]
[UseApprovalSubdirectory("../Snapshots")]
public class BakedInt8GeneratorTests
{
    private const string Path = "models/net.safetensors";

    private const string Source = """
        using Backprop.Generated;
        namespace App;
        [Network(3, 2, 1, Hidden = Activation.Tanh, Weights = "models/net.safetensors", Quantization = Quantization.Int8)]
        public partial class Net { }
        """;

    private readonly ITestOutputHelper _output;

    public BakedInt8GeneratorTests(ITestOutputHelper output) => _output = output;

    // PyTorch's weight [n_l, n_{l-1}]: layer 1 [[1, 2, 3], [4, -5, 6]], bias [0.5, -0.5]; layer 2 [[7, -8]], bias [0.25].
    private static byte[] File(string dtype = "F32")
    {
        Tensor Make(string name, int[] shape, float[] values) => dtype == "F32"
            ? Tensor.F32(name, shape, values)
            : Tensor.Half(name, dtype, shape, values);

        return WeightsProject.File(
            Make("layers.0.weight", new[] { 2, 3 }, new float[] { 1, 2, 3, 4, -5, 6 }),
            Make("layers.0.bias", new[] { 2 }, new[] { 0.5f, -0.5f }),
            Make("layers.1.weight", new[] { 1, 2 }, new float[] { 7, -8 }),
            Make("layers.1.bias", new[] { 1 }, new[] { 0.25f }));
    }

    // By hand: unit 1 of layer 1 has max |W| = 3, s = 3/127, q = round(W * 127 / 3) = round(42.33, 84.67, 127) = 42, 85, 127;
    // unit 2: s = 6/127, q = round(84.67, -105.83, 127) = 85, -106, 127; layer 2: s = 8/127, q = round(111.125, -127) = 111, -127.
    // The float network holds W_ij = s_j q_ij (one single-precision product each) in our (n_{l-1}, n_l) layout, then b.
    private static float[] ExpectedParameters()
    {
        float s1 = 3f / 127f, s2 = 6f / 127f, s3 = 8f / 127f;
        return new[]
        {
            s1 * 42, s2 * 85,
            s1 * 85, s2 * -106,
            s1 * 127, s2 * 127,
            0.5f, -0.5f,
            s3 * 111,
            s3 * -127,
            0.25f,
        };
    }

    [Theory]
    [InlineData("F32")]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void The_float_network_starts_from_the_dequantised_values(string dtype)
    {
        // 1 .. 8 and the biases are exact in F16 and BF16, so every dtype gives the same int8 values.
        GeneratorRun run = WeightsProject.Run(Source, (Path, File(dtype)));
        GeneratorHarness.AssertClean(run);
        Assembly assembly = WeightsProject.CompileAndLoad(run);
        var net = (INetwork<float>)Activator.CreateInstance(assembly.GetType("App.Net")!)!;
        Assert.Equal(ExpectedParameters(), net.Parameters.ToArray());
    }

    [Fact]
    public void The_int8_type_holds_the_baked_values_and_Load_replaces_them()
    {
        GeneratorRun run = WeightsProject.Run(Source, (Path, File()));
        Assembly assembly = WeightsProject.CompileAndLoad(run);
        Type int8 = assembly.GetType("App.Net+Int8")!;
        object baked = Activator.CreateInstance(int8)!;
        byte[] file = (byte[])int8.GetMethod("ToSafeTensors")!.Invoke(baked, null)!;

        // The int8 file of docs/int8.md: layers.0.weight I8 [2, 3] in (out, in) order, then scales and biases.
        Assert.Equal(new sbyte[] { 42, 85, 127, 85, -106, 127 }, Int8Tensor(file, "layers.0.weight"));
        Assert.Equal(new sbyte[] { 111, -127 }, Int8Tensor(file, "layers.1.weight"));
        Assert.Equal(new[] { 3f / 127f, 6f / 127f }, FloatTensor(file, "layers.0.weight_scale"));
        Assert.Equal(new[] { 8f / 127f }, FloatTensor(file, "layers.1.weight_scale"));
        Assert.Equal(new[] { 0.5f, -0.5f }, FloatTensor(file, "layers.0.bias"));

        // Load of an empty network's file makes every value 0: the baked values were replaceable.
        object empty = Activator.CreateInstance(int8)!;
        MethodInfo loadStream = int8.GetMethod("Load", new[] { typeof(System.IO.Stream) })!;
        byte[] zeros = ZeroFile(file);
        loadStream.Invoke(empty, new object[] { new System.IO.MemoryStream(zeros) });
        byte[] after = (byte[])int8.GetMethod("ToSafeTensors")!.Invoke(empty, null)!;
        Assert.All(Int8Tensor(after, "layers.0.weight"), q => Assert.Equal(0, q));
        Assert.All(FloatTensor(after, "layers.0.weight_scale"), s => Assert.Equal(0f, s));
    }

    [Fact]
    public void Only_int8_values_scales_and_biases_are_in_the_baked_file()
    {
        GeneratorRun run = WeightsProject.Run(Source, (Path, File()));
        string baked = run.Sources["App.Net{Weights}.g.cs"];
        Assert.Contains("q1 => \"", baked, StringComparison.Ordinal);
        Assert.Contains("s1 => \"", baked, StringComparison.Ordinal);
        Assert.Contains("b1 => \"", baked, StringComparison.Ordinal);
        Assert.DoesNotContain("W1 => \"", baked, StringComparison.Ordinal);
        Assert.Contains("__BakedWeights.SetInt8(_network);", run.Sources["App.Net.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void Baked_int8_file()
    {
        GeneratorRun run = WeightsProject.Run(Source, (Path, File()));
        GeneratorHarness.AssertClean(run);
        Approvals.Verify(run.Sources["App.Net{Weights}.g.cs"]);
    }

    [Fact]
    public void A_bad_file_is_still_one_error_on_the_Weights_argument()
    {
        byte[] file = File();
        byte[] truncated = file.Take(file.Length - 4).ToArray();
        GeneratorRun run = WeightsProject.Run(Source, (Path, truncated));

        // One diagnostic in the whole build, generated files included: the int8 form compiles over the zeros.
        Microsoft.CodeAnalysis.Diagnostic problem = Assert.Single(run.AllDiagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        Assert.Equal("BPG052", problem.Id);
    }

    /// <summary>An int8 network file (docs/int8.md, "Files") of the 3-2-1 network, with <paramref name="change"/> applied.</summary>
    private static byte[] Int8File(Func<List<Tensor>, List<Tensor>>? change = null, string? metadata = null)
    {
        static Tensor I8(string name, int[] shape, params sbyte[] values) => new(name, "I8", shape, values.Select(v => unchecked((byte)v)).ToArray());
        var tensors = new List<Tensor>
        {
            I8("layers.0.weight", new[] { 2, 3 }, 42, 85, 127, 85, -106, 127),
            Tensor.F32("layers.0.weight_scale", new[] { 2 }, 0.5f, 0.25f),
            Tensor.F32("layers.0.bias", new[] { 2 }, 1f, -1f),
            I8("layers.1.weight", new[] { 1, 2 }, -3, 4),
            Tensor.F32("layers.1.weight_scale", new[] { 1 }, 2f),
            Tensor.F32("layers.1.bias", new[] { 1 }, 0.25f),
        };
        return WeightsProject.File(metadata, (change ?? (t => t))(tensors).ToArray());
    }

    [Fact]
    public void An_int8_network_file_is_baked_as_it_is()
    {
        // The metadata Int8.Save writes, matching the declaration, is accepted (spaces and case as Load allows).
        string metadata = "{\"quantization\":\"int8-per-unit-symmetric\",\"layer_sizes\":\"3, 2, 1\",\"activations\":\"tanh,identity\",\"loss\":\"MeanSquaredError\"}";
        GeneratorRun run = WeightsProject.Run(Source, (Path, Int8File(metadata: metadata)));
        Assembly assembly = WeightsProject.CompileAndLoad(run);
        var net = (INetwork<float>)Activator.CreateInstance(assembly.GetType("App.Net")!)!;

        // W_ij = s_j q_ij in our (n_{l-1}, n_l) layout: q is (out, in), so W1[i, j] = s_j q[j, i].
        Assert.Equal(new[] { 0.5f * 42, 0.25f * 85, 0.5f * 85, 0.25f * -106, 0.5f * 127, 0.25f * 127, 1f, -1f, 2f * -3, 2f * 4, 0.25f }, net.Parameters.ToArray());
        Type int8 = assembly.GetType("App.Net+Int8")!;
        byte[] file = (byte[])int8.GetMethod("ToSafeTensors")!.Invoke(Activator.CreateInstance(int8), null)!;
        Assert.Equal(new sbyte[] { 42, 85, 127, 85, -106, 127 }, Int8Tensor(file, "layers.0.weight"));
        Assert.Equal(new[] { 0.5f, 0.25f }, FloatTensor(file, "layers.0.weight_scale"));
        Assert.Contains("I8 with 'layers.0.weight_scale'", run.Sources["App.Net{Weights}.g.cs"], StringComparison.Ordinal);
    }

    public static IEnumerable<object[]> BadInt8Files()
    {
        static Tensor Replace(List<Tensor> tensors, string name, Tensor with) => tensors[tensors.FindIndex(t => t.Name == name)] = with;
        yield return new object[] { "BPG052", "a weight of -128", Int8File(t => { Replace(t, "layers.1.weight", new Tensor("layers.1.weight", "I8", new[] { 1, 2 }, new byte[] { 0x80, 4 })); return t; }), "holds -128 at [0, 0]" };
        yield return new object[] { "BPG052", "a negative scale", Int8File(t => { Replace(t, "layers.0.weight_scale", Tensor.F32("layers.0.weight_scale", new[] { 2 }, 0.5f, -0.25f)); return t; }), "'layers.0.weight_scale' element [1] is -0.25" };
        yield return new object[] { "BPG052", "a NaN scale", Int8File(t => { Replace(t, "layers.0.weight_scale", Tensor.F32("layers.0.weight_scale", new[] { 2 }, float.NaN, 0.25f)); return t; }), "must be finite and >= 0" };
        yield return new object[] { "BPG052", "an infinite bias", Int8File(t => { Replace(t, "layers.1.bias", Tensor.F32("layers.1.bias", new[] { 1 }, float.PositiveInfinity)); return t; }), "'layers.1.bias'" };
        yield return new object[] { "BPG052", "float weights beside the scales", Int8File(t => { Replace(t, "layers.1.weight", Tensor.F32("layers.1.weight", new[] { 1, 2 }, 1f, 2f)); return t; }), "tensor 'layers.1.weight' has dtype F32, but an int8 network file holds it as I8" };
        yield return new object[] { "BPG052", "another scheme in the metadata", Int8File(metadata: "{\"quantization\":\"int4-grouped\"}"), "its metadata says quantization 'int4-grouped' but this network reads 'int8-per-unit-symmetric'" };
        yield return new object[] { "BPG052", "other layer sizes in the metadata", Int8File(metadata: "{\"layer_sizes\":\"3,4,1\"}"), "its metadata says layer sizes 3,4,1 but this network has 3,2,1" };
        yield return new object[] { "BPG052", "other activations in the metadata", Int8File(metadata: "{\"activations\":\"ReLU,Identity\"}"), "its metadata says activations ReLU,Identity but this network has Tanh,Identity" };
        yield return new object[] { "BPG053", "a missing scale", Int8File(t => { t.RemoveAll(x => x.Name == "layers.1.weight_scale"); return t; }), "no tensor 'layers.1.weight_scale': layer 2 (2 -> 1) of this 3-2-1 network needs it with shape [1] F32" };
        yield return new object[] { "BPG054", "an extra tensor", Int8File(t => { t.Add(Tensor.F32("layers.2.weight_scale", new[] { 1 }, 1f)); return t; }), "tensor 'layers.2.weight_scale' (shape [1]), which is not a parameter of this 3-2-1 network" };
        yield return new object[] { "BPG055", "a transposed int8 weight", Int8File(t => { Replace(t, "layers.0.weight", new Tensor("layers.0.weight", "I8", new[] { 3, 2 }, new byte[6])); return t; }), "has shape [3, 2], but layer 1 (3 -> 2) of this 3-2-1 network needs [2, 3] (it looks transposed" };
    }

    [Theory]
    [MemberData(nameof(BadInt8Files))]
    public void A_bad_int8_file_is_one_error_on_the_Weights_argument(string id, string why, byte[] file, string message)
    {
        GeneratorRun run = WeightsProject.Run(Source, (Path, file));
        Microsoft.CodeAnalysis.Diagnostic problem = Assert.Single(run.AllDiagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        string text = problem.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        _output.WriteLine($"{why}: {problem.Id}: {text}");
        Assert.Equal(id, problem.Id);
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.StartsWith("Weights = ", run.Input.SyntaxTrees.Single().ToString().Substring(problem.Location.SourceSpan.Start), StringComparison.Ordinal);
    }

    [Fact]
    public void A_float_network_still_refuses_an_int8_file()
    {
        GeneratorRun run = WeightsProject.Run(Source.Replace(", Quantization = Quantization.Int8", string.Empty), (Path, Int8File()));
        Microsoft.CodeAnalysis.Diagnostic problem = Assert.Single(run.AllDiagnostics.Where(d => d.Severity >= Microsoft.CodeAnalysis.DiagnosticSeverity.Warning));
        Assert.Equal("BPG056", problem.Id);
    }

    [Theory]
    [InlineData(new[] { 64, 32, 10 })]
    [InlineData(new[] { 784, 128, 10 })]
    public void The_baked_source_holds_one_byte_per_weight(int[] sizes)
    {
        var random = new Random(7);
        var tensors = new List<Tensor>();
        int weights = 0, units = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            float[] w = Enumerable.Range(0, sizes[l] * sizes[l - 1]).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            float[] b = Enumerable.Range(0, sizes[l]).Select(_ => (float)random.NextDouble()).ToArray();
            tensors.Add(Tensor.F32($"layers.{l - 1}.weight", new[] { sizes[l], sizes[l - 1] }, w));
            tensors.Add(Tensor.F32($"layers.{l - 1}.bias", new[] { sizes[l] }, b));
            weights += w.Length;
            units += b.Length;
        }

        string declaration = $"using Backprop.Generated;\nnamespace App;\n[Network({string.Join(", ", sizes)}, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = \"models/net.safetensors\"{{0}})]\npublic partial class Net {{{{ }}}}\n";
        byte[] file = WeightsProject.File(tensors.ToArray());
        GeneratorRun asFloat = WeightsProject.Run(string.Format(declaration, string.Empty), (Path, file));
        GeneratorRun asInt8 = WeightsProject.Run(string.Format(declaration, ", Quantization = Quantization.Int8"), (Path, file));
        GeneratorHarness.AssertClean(asInt8);
        int floatBytes = System.Text.Encoding.UTF8.GetByteCount(asFloat.Sources["App.Net{Weights}.g.cs"]);
        int int8Bytes = System.Text.Encoding.UTF8.GetByteCount(asInt8.Sources["App.Net{Weights}.g.cs"]);
        _output.WriteLine($"{string.Join("-", sizes)}: {weights} weights, {units} units; baked file float {floatBytes} bytes, int8 {int8Bytes} bytes ({(double)int8Bytes / floatBytes:F3})");

        // Base64 of 1 byte per weight and 8 bytes per unit (scale and bias), plus a fixed frame (decoders, comments) of under 8 KB.
        Assert.True(int8Bytes < ((weights + (8 * units)) * 4 / 3) + 8192, $"int8 baked file {int8Bytes} bytes");
    }

    private static sbyte[] Int8Tensor(byte[] file, string name)
    {
        (int begin, int end) = Range(file, name, "I8");
        return file.Skip(begin).Take(end - begin).Select(b => unchecked((sbyte)b)).ToArray();
    }

    private static float[] FloatTensor(byte[] file, string name)
    {
        (int begin, int end) = Range(file, name, "F32");
        var values = new float[(end - begin) / 4];
        Buffer.BlockCopy(file, begin, values, 0, end - begin);
        return values;
    }

    /// <summary>The absolute byte range of tensor <paramref name="name"/>, read from the JSON header.</summary>
    private static (int Begin, int End) Range(byte[] file, string name, string dtype)
    {
        int headerLength = (int)BitConverter.ToUInt64(file, 0);
        using var json = System.Text.Json.JsonDocument.Parse(file.AsMemory(8, headerLength));
        System.Text.Json.JsonElement entry = json.RootElement.GetProperty(name);
        Assert.Equal(dtype, entry.GetProperty("dtype").GetString());
        System.Text.Json.JsonElement offsets = entry.GetProperty("data_offsets");
        return (8 + headerLength + offsets[0].GetInt32(), 8 + headerLength + offsets[1].GetInt32());
    }

    /// <summary>The same file with every data byte 0: zero weights, scales and biases.</summary>
    private static byte[] ZeroFile(byte[] file)
    {
        int headerLength = (int)BitConverter.ToUInt64(file, 0);
        byte[] copy = (byte[])file.Clone();
        Array.Clear(copy, 8 + headerLength, copy.Length - 8 - headerLength);
        return copy;
    }
}
