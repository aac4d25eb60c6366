using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Backprop.Generated.Generator;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Tests.Weights;

/// <summary>
/// <c>[Network(..., Weights = "models/net.safetensors")]</c>: a good file builds and a fresh instance holds its values
/// (transposed from PyTorch's [n_l, n_{l-1}] here in the test), in every dtype and both name styles; every bad file is
/// one error BPG050-BPG056 on the Weights argument and nothing else; the generated source stays compact; and the
/// pipeline stays incremental.
/// </summary>
public class BakedWeightsGeneratorTests
{
    private const string Declared = "Weights = \"models/net.safetensors\"";

    private const string Source = """
        using Backprop.Generated;
        namespace App;
        [Network(3, 2, 1, Hidden = Activation.Tanh, Weights = "models/net.safetensors")]
        public partial class Net { }
        """;

    private const string Path = "models/net.safetensors";

    // PyTorch's weight [n_l, n_{l-1}]: layer 1 [[1, 2, 3], [4, 5, 6]], bias [0.5, -0.5]; layer 2 [[7, 8]], bias [0.25].
    private static readonly float[] TorchW1 = { 1, 2, 3, 4, 5, 6 };
    private static readonly float[] TorchB1 = { 0.5f, -0.5f };
    private static readonly float[] TorchW2 = { 7, 8 };
    private static readonly float[] TorchB2 = { 0.25f };

    // Ours: W1 (3, 2) row-major with W1[j, k] = torch[k, j], then b1, W2 (2, 1), b2.
    private static readonly float[] Expected = { 1, 4, 2, 5, 3, 6, 0.5f, -0.5f, 7, 8, 0.25f };

    private readonly ITestOutputHelper _output;

    public BakedWeightsGeneratorTests(ITestOutputHelper output) => _output = output;

    private static byte[] Good(string dtype = "F32", string prefix = "layers.", int second = 1)
    {
        Tensor Make(string name, int[] shape, float[] values) => dtype switch
        {
            "F32" => Tensor.F32(name, shape, values),
            "F64" => Tensor.F64(name, shape, values.Select(v => (double)v).ToArray()),
            _ => Tensor.Half(name, dtype, shape, values),
        };

        return WeightsProject.File(
            Make(prefix + "0.weight", new[] { 2, 3 }, TorchW1),
            Make(prefix + "0.bias", new[] { 2 }, TorchB1),
            Make(prefix + second + ".weight", new[] { 1, 2 }, TorchW2),
            Make(prefix + second + ".bias", new[] { 1 }, TorchB2));
    }

    private static float[] Parameters(GeneratorRun run, string type = "App.Net")
    {
        Assembly assembly = WeightsProject.CompileAndLoad(run);
        object net = Activator.CreateInstance(assembly.GetType(type)!)!;
        return ((INetwork<float>)net).Parameters.ToArray();
    }

    [Theory]
    [InlineData("F32")]
    [InlineData("F64")]
    [InlineData("F16")]
    [InlineData("BF16")]
    public void A_good_file_builds_and_a_new_instance_holds_its_values(string dtype)
    {
        GeneratorRun run = WeightsProject.Run(Source, (Path, Good(dtype)));
        Assert.Equal(Expected, Parameters(run));
    }

    [Fact]
    public void An_nn_Sequential_state_dict_is_read_in_index_order()
    {
        // Linear, Tanh, Linear: the modules 0 and 2 hold the tensors.
        GeneratorRun run = WeightsProject.Run(Source, (Path, Good(prefix: "", second: 2)));
        Assert.Equal(Expected, Parameters(run));
    }

    [Fact]
    public void A_double_network_reads_a_float_file_exactly()
    {
        GeneratorRun run = WeightsProject.Run(Source.Replace("Hidden = Activation.Tanh", "Hidden = Activation.Tanh, Precision = Precision.Double"), (Path, Good()));
        Assembly assembly = WeightsProject.CompileAndLoad(run);
        var net = (INetwork<double>)Activator.CreateInstance(assembly.GetType("App.Net")!)!;
        Assert.Equal(Expected.Select(v => (double)v).ToArray(), net.Parameters.ToArray());
    }

    [Fact]
    public void F64_values_are_rounded_once_to_the_nearest_float()
    {
        double third = 1.0 / 3.0;
        byte[] file = WeightsProject.File(
            Tensor.F64("layers.0.weight", new[] { 2, 3 }, third, 2, 3, 4, 5, 6),
            Tensor.F64("layers.0.bias", new[] { 2 }, 0.5, -0.5),
            Tensor.F64("layers.1.weight", new[] { 1, 2 }, 7, 8),
            Tensor.F64("layers.1.bias", new[] { 1 }, 0.1));
        float[] parameters = Parameters(WeightsProject.Run(Source, (Path, file)));
        Assert.Equal((float)third, parameters[0]);
        Assert.Equal((float)0.1, parameters[10]);
    }

    [Fact]
    public void Each_instance_gets_its_own_copy_and_the_network_file_calls_the_baked_initialiser()
    {
        GeneratorRun run = WeightsProject.Run(Source, (Path, Good()));
        Assembly assembly = WeightsProject.CompileAndLoad(run);
        var first = (INetwork<float>)Activator.CreateInstance(assembly.GetType("App.Net")!)!;
        first.Parameters.Fill(42f);
        var second = (INetwork<float>)Activator.CreateInstance(assembly.GetType("App.Net")!)!;
        Assert.Equal(Expected, second.Parameters.ToArray());
        Assert.Contains("_parameters = __BakedWeights.CreateParameters();", run.Sources["App.Net.g.cs"], StringComparison.Ordinal);
        Assert.Contains("\"u8;", run.Sources["App.Net{Weights}.g.cs"], StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_without_Weights_is_generated_as_before()
    {
        GeneratorRun run = WeightsProject.Run(Source.Replace(", " + Declared, string.Empty), (Path, Good()));
        GeneratorHarness.AssertClean(run);
        Assert.Equal(new[] { "App.Net.g.cs" }, run.Sources.Keys.Where(k => k.StartsWith("App.", StringComparison.Ordinal)).ToArray());
        // A tiny network (3-2-1) holds its parameters in the instance, with no initialiser; a larger one in an aligned array.
        Assert.Contains("private __ParameterBlock _parameters;", run.Sources["App.Net.g.cs"], StringComparison.Ordinal);
        GeneratorRun wide = WeightsProject.Run(Source.Replace(", " + Declared, string.Empty).Replace("Network(3, 2, 1", "Network(3, 20, 1"), (Path, Good()));
        GeneratorHarness.AssertClean(wide);
        Assert.Contains("_parameters = new(ParameterCount);", wide.Sources["App.Net.g.cs"], StringComparison.Ordinal);
    }

    public static IEnumerable<object[]> BadFiles()
    {
        byte[] good = Good();
        yield return new object[] { "BPG052", "truncated before the header length", good.Take(5).ToArray(), "fewer than the 8-byte header length" };
        yield return new object[] { "BPG052", "truncated data", good.Take(good.Length - 4).ToArray(), "beyond the data section" };
        yield return new object[] { "BPG052", "header length beyond the file", WeightsProject.Frame(new byte[0], new byte[0]).Select((b, i) => i == 0 ? (byte)200 : b).ToArray(), "only 0 follow" };
        yield return new object[] { "BPG052", "header not JSON", WeightsProject.Frame("{\"layers.0.weight\": nope}"u8.ToArray(), new byte[0]), "the header is not JSON" };
        yield return new object[] { "BPG052", "header not an object", WeightsProject.Frame("[1, 2]"u8.ToArray(), new byte[0]), "must be a JSON object" };
        yield return new object[] { "BPG052", "bytes after the last tensor", WeightsProject.Frame(good.Skip(8).Take((int)BitConverter.ToUInt64(good, 0)).ToArray(), good.Skip(8 + (int)BitConverter.ToUInt64(good, 0)).Concat(new byte[4]).ToArray()), "follow the last tensor" };
        yield return new object[] { "BPG052", "overlapping offsets", Overlap(WeightsProject.File(Tensor.F32("layers.0.weight", new[] { 2, 3 }, TorchW1), Tensor.F32("layers.0.bias", new[] { 2 }, TorchB1))), "overlaps" };
        yield return new object[] { "BPG052", "a NaN weight", WeightsProject.File(
            Tensor.F32("layers.0.weight", new[] { 2, 3 }, 1, 2, float.NaN, 4, 5, 6), Tensor.F32("layers.0.bias", new[] { 2 }, TorchB1),
            Tensor.F32("layers.1.weight", new[] { 1, 2 }, TorchW2), Tensor.F32("layers.1.bias", new[] { 1 }, TorchB2)), "element [0, 2] is NaN" };
        yield return new object[] { "BPG053", "a missing bias", WeightsProject.File(
            Tensor.F32("layers.0.weight", new[] { 2, 3 }, TorchW1), Tensor.F32("layers.0.bias", new[] { 2 }, TorchB1),
            Tensor.F32("layers.1.weight", new[] { 1, 2 }, TorchW2)), "no tensor 'layers.1.bias': layer 2 (2 -> 1) of this 3-2-1 network needs it with shape [1]" };
        yield return new object[] { "BPG053", "a missing layer", WeightsProject.File(
            Tensor.F32("layers.0.weight", new[] { 2, 3 }, TorchW1), Tensor.F32("layers.0.bias", new[] { 2 }, TorchB1)), "no tensor 'layers.1.weight': layer 2 (2 -> 1)" };
        yield return new object[] { "BPG054", "an extra layer", WeightsProject.File(
            Tensor.F32("layers.0.weight", new[] { 2, 3 }, TorchW1), Tensor.F32("layers.0.bias", new[] { 2 }, TorchB1),
            Tensor.F32("layers.1.weight", new[] { 1, 2 }, TorchW2), Tensor.F32("layers.1.bias", new[] { 1 }, TorchB2),
            Tensor.F32("layers.2.weight", new[] { 1, 1 }, 1), Tensor.F32("layers.2.bias", new[] { 1 }, 1)), "tensor 'layers.2.weight' (shape [1, 1]), which is not a parameter of this 3-2-1 network" };
        yield return new object[] { "BPG054", "a tensor that is not a layer", WeightsProject.File(
            Tensor.F32("layers.0.weight", new[] { 2, 3 }, TorchW1), Tensor.F32("layers.0.bias", new[] { 2 }, TorchB1),
            Tensor.F32("layers.1.weight", new[] { 1, 2 }, TorchW2), Tensor.F32("layers.1.bias", new[] { 1 }, TorchB2),
            Tensor.F32("running_mean", new[] { 2 }, 0, 0)), "tensor 'running_mean'" };
        yield return new object[] { "BPG055", "a transposed weight", WeightsProject.File(
            Tensor.F32("layers.0.weight", new[] { 3, 2 }, TorchW1), Tensor.F32("layers.0.bias", new[] { 2 }, TorchB1),
            Tensor.F32("layers.1.weight", new[] { 1, 2 }, TorchW2), Tensor.F32("layers.1.bias", new[] { 1 }, TorchB2)), "Tensor 'layers.0.weight' in the weights file 'models/net.safetensors' has shape [3, 2], but layer 1 (3 -> 2) of this 3-2-1 network needs [2, 3] (it looks transposed" };
        yield return new object[] { "BPG055", "a bias of the wrong length", WeightsProject.File(
            Tensor.F32("layers.0.weight", new[] { 2, 3 }, TorchW1), Tensor.F32("layers.0.bias", new[] { 3 }, 1, 2, 3),
            Tensor.F32("layers.1.weight", new[] { 1, 2 }, TorchW2), Tensor.F32("layers.1.bias", new[] { 1 }, TorchB2)), "'layers.0.bias' in the weights file 'models/net.safetensors' has shape [3], but layer 1 (3 -> 2) of this 3-2-1 network needs [2]" };
        yield return new object[] { "BPG056", "an integer dtype", WeightsProject.File(
            new Tensor("layers.0.weight", "I8", new[] { 2, 3 }, new byte[6]), Tensor.F32("layers.0.bias", new[] { 2 }, TorchB1),
            Tensor.F32("layers.1.weight", new[] { 1, 2 }, TorchW2), Tensor.F32("layers.1.bias", new[] { 1 }, TorchB2)), "has dtype \"I8\"" };
    }

    private static byte[] Overlap(byte[] file)
    {
        // The bias claims the weight's last 8 bytes: [16, 24] instead of [24, 32].
        string text = System.Text.Encoding.UTF8.GetString(file, 8, (int)BitConverter.ToUInt64(file, 0)).Replace("[24,32]", "[16,24]");
        byte[] data = file.Skip(8 + (int)BitConverter.ToUInt64(file, 0)).Take(24).ToArray();
        return WeightsProject.Frame(System.Text.Encoding.UTF8.GetBytes(text), data);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_file_is_one_error_on_the_Weights_argument(string id, string why, byte[] file, string message)
    {
        AssertOnlyError(WeightsProject.Run(Source, (Path, file)), id, message, why);
    }

    [Fact]
    public void A_file_that_is_not_an_additional_file_is_BPG050()
    {
        AssertOnlyError(WeightsProject.Run(Source), "BPG050", "is not among the project's AdditionalFiles (looked for /project/models/net.safetensors)", "no file");
        AssertOnlyError(WeightsProject.Run(Source, ("models/other.safetensors", Good())), "BPG050", "add <AdditionalFiles Include=\"models/net.safetensors\" />", "another file");
    }

    [Fact]
    public void A_binary_file_without_the_build_logic_is_BPG051_and_never_read_as_text()
    {
        // WeightsProject's binary file throws if read as text, as the compiler reports CS2015.
        AssertOnlyError(WeightsProject.WithoutBuildLogic(Source, (Path, Good())), "BPG051", "the build logic Backprop.Generated.targets", "binary file");
    }

    [Fact]
    public void Without_the_build_logic_or_the_file_it_is_BPG050_naming_the_build_logic()
    {
        AssertOnlyError(WeightsProject.WithoutBuildLogic(Source), "BPG050", "Backprop.Generated.targets", "nothing");
    }

    [Fact]
    public void Paths_resolve_from_the_project_directory_with_dot_segments_and_backslashes()
    {
        GeneratorRun run = WeightsProject.Run(Source.Replace(Declared, "Weights = @\"./models\\..\\models\\net.safetensors\""), (Path, Good()));
        Assert.Equal(Expected, Parameters(run));
    }

    private void AssertOnlyError(GeneratorRun run, string id, string message, string why)
    {
        Diagnostic[] problems = run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
        Diagnostic diagnostic = Assert.Single(problems);
        string text = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        _output.WriteLine($"{why}: {diagnostic.Id}: {text}");
        Assert.Equal(id, diagnostic.Id);
        Assert.Contains(message, text, StringComparison.Ordinal);

        // Located on the Weights argument of the declaration.
        string source = run.Input.SyntaxTrees.Single().ToString();
        FileLinePositionSpan span = diagnostic.Location.GetLineSpan();
        Assert.Equal(WeightsProject.Directory + "/Network.cs", span.Path);
        int start = source.IndexOf("Weights = ", StringComparison.Ordinal);
        Assert.Equal(start, diagnostic.Location.SourceSpan.Start);
        Assert.StartsWith("Weights = ", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length), StringComparison.Ordinal);
        Assert.Equal(2, span.StartLinePosition.Line);
    }

    [Theory]
    [InlineData(new[] { 64, 32, 10 })]
    [InlineData(new[] { 784, 128, 10 })]
    public void The_generated_source_stays_compact(int[] sizes)
    {
        // Parameters from a seeded stream, written as PyTorch would (F32, [n_l, n_{l-1}]).
        var random = new Random(7);
        var tensors = new List<Tensor>();
        int count = 0;
        for (int l = 1; l < sizes.Length; l++)
        {
            float[] w = Enumerable.Range(0, sizes[l] * sizes[l - 1]).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray();
            float[] b = Enumerable.Range(0, sizes[l]).Select(_ => (float)random.NextDouble()).ToArray();
            tensors.Add(Tensor.F32($"layers.{l - 1}.weight", new[] { sizes[l], sizes[l - 1] }, w));
            tensors.Add(Tensor.F32($"layers.{l - 1}.bias", new[] { sizes[l] }, b));
            count += w.Length + b.Length;
        }

        string source = $"using Backprop.Generated;\nnamespace App;\n[Network({string.Join(", ", sizes)}, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Weights = \"models/net.safetensors\")]\npublic partial class Net {{ }}\n";
        GeneratorRun run = WeightsProject.Run(source, (Path, WeightsProject.File(tensors.ToArray())));
        GeneratorHarness.AssertClean(run);
        int network = System.Text.Encoding.UTF8.GetByteCount(run.Sources["App.Net.g.cs"]);
        int baked = System.Text.Encoding.UTF8.GetByteCount(run.Sources["App.Net{Weights}.g.cs"]);
        _output.WriteLine($"{string.Join("-", sizes)}: {count} parameters ({4 * count} bytes of float); network file {network} bytes, baked weights file {baked} bytes ({(double)baked / (4 * count):F3} bytes of source per byte of data)");

        // Base64: 4 characters per 3 bytes, plus a fixed frame (decoder, comments) of under 4 KB.
        Assert.True(baked < (4 * count * 4 / 3) + 4096, $"baked weights file {baked} bytes");
    }

    [Fact]
    public void The_pipeline_is_incremental()
    {
        var files = new[] { (Path, Good()) };
        GeneratorDriver driver = WeightsProject.CreateDriver(buildLogic: true, files, trackSteps: true, out IReadOnlyList<AdditionalText> texts);
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(Source, path: WeightsProject.Directory + "/Network.cs")
            .AddSyntaxTrees(CSharpSyntaxTree.ParseText("namespace App; public static class Util { public static int Twice(int x) => 2 * x; }", GeneratorHarness.ParseOptions(), WeightsProject.Directory + "/Util.cs"));
        driver = driver.RunGenerators(compilation);

        // An unrelated edit: the baked step and its output are cached.
        SyntaxTree util = compilation.SyntaxTrees.Last();
        CSharpCompilation edited = compilation.ReplaceSyntaxTree(util, CSharpSyntaxTree.ParseText("namespace App; public static class Util { public static int Twice(int x) => x + x; }", GeneratorHarness.ParseOptions(), util.FilePath));
        driver = driver.RunGenerators(edited);
        GeneratorRunResult result = driver.GetRunResult().Results.Single();
        foreach (string name in new[] { NetworkGenerator.WeightsTrackingNames.Requests, NetworkGenerator.WeightsTrackingNames.Files, NetworkGenerator.WeightsTrackingNames.Baked })
        {
            Assert.All(result.TrackedSteps[name].SelectMany(s => s.Outputs), o => Assert.True(
                o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"{name}: {o.Reason}"));
        }

        Assert.All(result.TrackedSteps[NetworkGenerator.WeightsTrackingNames.Baked].SelectMany(s => s.Outputs), o => Assert.IsType<Backprop.Generated.Generator.Model.BakedWeightsModel>(o.Value));
        Assert.All(result.TrackedOutputSteps.SelectMany(o => o.Value).SelectMany(s => s.Outputs), o => Assert.Equal(IncrementalStepRunReason.Cached, o.Reason));

        // A changed file: the baked file is regenerated, the network file is not.
        AdditionalText old = texts.Single();
        byte[] changed = Good();
        changed[changed.Length - 1] ^= 0x01; // the last byte of b2
        driver = driver.ReplaceAdditionalText(old, new WeightsProject.InMemoryText(old.Path, Convert.ToBase64String(changed))).RunGenerators(edited);
        result = driver.GetRunResult().Results.Single();
        Assert.Contains(result.TrackedSteps[NetworkGenerator.WeightsTrackingNames.Baked].SelectMany(s => s.Outputs), o => o.Reason == IncrementalStepRunReason.Modified);
        Assert.Contains(result.TrackedSteps[NetworkGenerator.TrackingNames.Models].SelectMany(s => s.Outputs), o => o.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged);
    }
}
