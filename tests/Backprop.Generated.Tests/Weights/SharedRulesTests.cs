using System;
using System.Globalization;
using System.Linq;
using Backprop.Generated.Serialization;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Tests.Weights;

/// <summary>
/// The generator's build-time reader and the runtime loader apply one set of safetensors rules
/// (src/Shared/SafeTensorsRules.cs): for the same broken file, the reason in BPG052 is the runtime's
/// SafeTensorsException message with its first letter in lower case and no final full stop, and both readers draw the
/// JSON nesting limit at the same depth.
/// </summary>
public class SharedRulesTests
{
    private const string Source = """
        using Backprop.Generated;
        namespace App;
        [Network(3, 2, 1, Hidden = Activation.Tanh, Weights = "models/net.safetensors")]
        public partial class Net { }
        """;

    private const string Path = "models/net.safetensors";

    private const string Malformed = "is not a valid safetensors file: ";

    private static readonly NetworkTopology Topology = new(new[] { 3, 2, 1 }, new[] { Activation.Tanh, Activation.Sigmoid }, Loss.MeanSquaredError);

    private readonly ITestOutputHelper _output;

    public SharedRulesTests(ITestOutputHelper output) => _output = output;

    private static byte[] Good(float firstWeight = 1) => WeightsProject.File(
        Tensor.F32("layers.0.weight", new[] { 2, 3 }, firstWeight, 2, 3, 4, 5, 6),
        Tensor.F32("layers.0.bias", new[] { 2 }, 0.5f, -0.5f),
        Tensor.F32("layers.1.weight", new[] { 1, 2 }, 7, 8),
        Tensor.F32("layers.1.bias", new[] { 1 }, 0.25f));

    private static (string Header, byte[] Data) Split(byte[] file)
    {
        int length = (int)BitConverter.ToUInt64(file, 0);
        return (System.Text.Encoding.UTF8.GetString(file, 8, length), file.Skip(8 + length).ToArray());
    }

    private static byte[] Edit(Func<string, string> header, Func<byte[], byte[]>? data = null)
    {
        (string h, byte[] d) = Split(Good());
        return WeightsProject.Frame(System.Text.Encoding.UTF8.GetBytes(header(h)), (data ?? (x => x))(d));
    }

    public static TheoryData<string, byte[]> BrokenFiles()
    {
        byte[] good = Good();
        byte[] oversized = good.ToArray();
        BitConverter.GetBytes(1UL << 40).CopyTo(oversized, 0);
        byte[] huge = WeightsProject.File(
            Tensor.F64("layers.0.weight", new[] { 2, 3 }, 1, 2, 1e300, 4, 5, 6),
            Tensor.F64("layers.0.bias", new[] { 2 }, 0.5, -0.5),
            Tensor.F64("layers.1.weight", new[] { 1, 2 }, 7, 8),
            Tensor.F64("layers.1.bias", new[] { 1 }, 0.25));
        return new TheoryData<string, byte[]>
        {
            { "truncated before the header length", good.Take(5).ToArray() },
            { "truncated in the header", good.Take(20).ToArray() },
            { "an oversized header length", oversized },
            { "truncated in the data", good.Take(good.Length - 4).ToArray() },
            { "bytes after the last tensor", Edit(h => h, d => d.Concat(new byte[4]).ToArray()) },
            { "the end before the begin", Edit(h => h.Replace("[24,32]", "[32,24]")) },
            { "offsets that do not match the shape", Edit(h => h.Replace("[24,32]", "[24,28]")) },
            { "overlapping offsets", Edit(h => h.Replace("[24,32]", "[20,28]")) },
            { "a gap", Edit(h => h.Replace("\"shape\":[2],\"data_offsets\":[24,32]", "\"shape\":[1],\"data_offsets\":[28,32]")) },
            { "a NaN weight", Good(float.NaN) },
            { "an F64 weight beyond float", huge },
            { "a Git LFS pointer", System.Text.Encoding.ASCII.GetBytes("version https://git-lfs.github.com/spec/v1\noid sha256:" + new string('4', 64) + "\nsize 1234\n") },
            { "a byte-order mark before the header", Edit(h => "\uFEFF" + h) },
        };
    }

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void The_generator_and_the_runtime_give_the_same_reason(string why, byte[] file)
    {
        string reason = GeneratorReason(file);
        SafeTensorsException e = Assert.Throws<SafeTensorsException>(() => SafeTensors.Load<float>(file, Topology, new float[Topology.ParameterCount]));
        _output.WriteLine($"{why}:\n  BPG052: {reason}\n  runtime: {e.Message}");
        Assert.Equal(e.Message, char.ToUpperInvariant(reason[0]) + reason.Substring(1) + ".");
    }

    [Fact]
    public void Both_readers_accept_16_levels_of_JSON_nesting_and_reject_17()
    {
        // The root object is one level; __metadata__ adds the rest. At 16 the JSON parses and the metadata is wrong;
        // at 17 the JSON itself is refused.
        byte[] Nested(int levels) => WeightsProject.Frame(
            System.Text.Encoding.UTF8.GetBytes("{\"__metadata__\":" + new string('[', levels - 1) + new string(']', levels - 1) + "}"), Array.Empty<byte>());

        Assert.Contains("\"__metadata__\" must be an object of strings", GeneratorReason(Nested(16)), StringComparison.Ordinal);
        Assert.Contains("at most 16 levels of nesting", GeneratorReason(Nested(17)), StringComparison.Ordinal);
        Assert.Contains("'__metadata__' must be a JSON object of strings", RuntimeMessage(Nested(16)), StringComparison.Ordinal);
        Assert.Contains("not valid JSON", RuntimeMessage(Nested(17)), StringComparison.Ordinal);
    }

    [Fact]
    public void Both_readers_take_null_metadata_as_none()
    {
        // The reference reader's __metadata__ is Option<HashMap<String, String>> (safetensors/src/tensor.rs): null is None.
        (string header, byte[] data) = Split(Good());
        byte[] file = WeightsProject.Frame(System.Text.Encoding.UTF8.GetBytes("{\"__metadata__\":null," + header.Substring(1)), data);
        GeneratorRun run = WeightsProject.Run(Source, (Path, file));
        Assert.Empty(run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        var fromFile = new float[Topology.ParameterCount];
        var fromGood = new float[Topology.ParameterCount];
        SafeTensors.Load<float>(file, Topology, fromFile);
        SafeTensors.Load<float>(Good(), Topology, fromGood);
        Assert.Equal(fromGood, fromFile);
    }

    private static string RuntimeMessage(byte[] file) =>
        Assert.Throws<SafeTensorsException>(() => SafeTensors.Load<float>(file, Topology, new float[Topology.ParameterCount])).Message;

    private static string GeneratorReason(byte[] file)
    {
        GeneratorRun run = WeightsProject.Run(Source, (Path, file));
        Diagnostic diagnostic = Assert.Single(run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning));
        Assert.Equal("BPG052", diagnostic.Id);
        string message = diagnostic.GetMessage(CultureInfo.InvariantCulture);
        int at = message.IndexOf(Malformed, StringComparison.Ordinal);
        Assert.True(at >= 0, message);
        return message.Substring(at + Malformed.Length);
    }
}
