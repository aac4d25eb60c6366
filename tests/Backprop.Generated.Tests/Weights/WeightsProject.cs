using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Text;
using System.Threading;
using Backprop.Generated.Generator;
using Backprop.Generated.Generator.Analyzers;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Text;

namespace Backprop.Generated.Tests.Weights;

/// <summary>One tensor of a test safetensors file: name, dtype, shape and the raw little-endian bytes.</summary>
public sealed record Tensor(string Name, string DType, int[] Shape, byte[] Data)
{
    public static Tensor F32(string name, int[] shape, params float[] values)
    {
        var data = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(data.AsSpan(i * 4), values[i]);
        }

        return new Tensor(name, "F32", shape, data);
    }

    public static Tensor F64(string name, int[] shape, params double[] values)
    {
        var data = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++)
        {
            BinaryPrimitives.WriteDoubleLittleEndian(data.AsSpan(i * 8), values[i]);
        }

        return new Tensor(name, "F64", shape, data);
    }

    /// <summary>F16 (IEEE binary16) or BF16 (upper half of a float) from values the test knows are exact in both.</summary>
    public static Tensor Half(string name, string dtype, int[] shape, params float[] values)
    {
        var data = new byte[values.Length * 2];
        for (int i = 0; i < values.Length; i++)
        {
            ushort bits = dtype == "F16"
                ? BitConverter.HalfToUInt16Bits((System.Half)values[i])
                : (ushort)(BitConverter.SingleToUInt32Bits(values[i]) >> 16);
            BinaryPrimitives.WriteUInt16LittleEndian(data.AsSpan(i * 2), bits);
        }

        return new Tensor(name, dtype, shape, data);
    }
}

/// <summary>
/// A project with weights files, as the compiler sees it after build/Backprop.Generated.targets ran: each
/// <c>.safetensors</c> additional file replaced by its base64 text with the <c>BackpropWeightsSource</c> metadata, and
/// the project directory as a compiler-visible property. <see cref="WithoutBuildLogic"/> gives the binary file itself
/// and no metadata, as a project that does not import the build logic.
/// </summary>
public static class WeightsProject
{
    public const string Directory = "/project";

    /// <summary>The safetensors bytes: 8-byte little-endian header length, the JSON header, the data in tensor order.</summary>
    public static byte[] File(params Tensor[] tensors) => File(null, tensors);

    public static byte[] File(string? metadata, params Tensor[] tensors)
    {
        var json = new StringBuilder("{");
        long offset = 0;
        if (metadata is not null)
        {
            json.Append("\"__metadata__\":").Append(metadata).Append(',');
        }

        foreach (Tensor t in tensors)
        {
            json.Append($"\"{t.Name}\":{{\"dtype\":\"{t.DType}\",\"shape\":[{string.Join(",", t.Shape)}],\"data_offsets\":[{offset},{offset + t.Data.Length}]}},");
            offset += t.Data.Length;
        }

        json.Length--;
        json.Append('}');
        return Frame(Encoding.UTF8.GetBytes(json.ToString()), tensors.SelectMany(t => t.Data).ToArray());
    }

    public static byte[] Frame(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    /// <summary>Runs the generator and the declaration analyzer with <paramref name="files"/> (path relative to the project, bytes).</summary>
    public static GeneratorRun Run(string source, params (string Path, byte[] Bytes)[] files) => Run(source, buildLogic: true, files);

    public static GeneratorRun WithoutBuildLogic(string source, params (string Path, byte[] Bytes)[] files) => Run(source, buildLogic: false, files);

    private static GeneratorRun Run(string source, bool buildLogic, (string Path, byte[] Bytes)[] files)
    {
        CSharpCompilation input = GeneratorHarness.CreateCompilation(source, path: Directory + "/Network.cs");
        GeneratorDriver driver = CreateDriver(buildLogic, files);
        driver = driver.RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        ImmutableArray<Diagnostic> compilerDiagnostics = output.GetDiagnostics().AddRange(
            output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeclarationAnalyzer())).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());
        return new GeneratorRun(input, output, driver, driver.GetRunResult(), generatorDiagnostics, compilerDiagnostics);
    }

    public static GeneratorDriver CreateDriver(bool buildLogic, (string Path, byte[] Bytes)[] files, bool trackSteps = false) =>
        CreateDriver(buildLogic, files, trackSteps, out _);

    /// <summary>The driver, and the additional texts it was given (to replace one in an incremental run).</summary>
    public static GeneratorDriver CreateDriver(bool buildLogic, (string Path, byte[] Bytes)[] files, bool trackSteps, out IReadOnlyList<AdditionalText> additionalTexts)
    {
        var texts = new List<AdditionalText>();
        var perFile = new Dictionary<AdditionalText, Dictionary<string, string>>();
        foreach ((string path, byte[] bytes) in files)
        {
            string full = Directory + "/" + path;
            AdditionalText text = buildLogic
                ? new InMemoryText(Directory + "/obj/backprop-weights/" + Path.GetFileName(path) + ".b64", Convert.ToBase64String(bytes))
                : new InMemoryText(full, null);
            texts.Add(text);
            perFile[text] = buildLogic
                ? new Dictionary<string, string> { [NetworkGenerator.WeightsSourceMetadata] = full }
                : new Dictionary<string, string>();
        }

        additionalTexts = texts;
        var global = buildLogic
            ? new Dictionary<string, string> { [NetworkGenerator.ProjectDirectoryProperty] = Directory }
            : new Dictionary<string, string>();
        return CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            texts,
            GeneratorHarness.ParseOptions(),
            new Options(global, perFile),
            new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));
    }

    /// <summary>Compiles a clean run (no warning or error) and loads it.</summary>
    public static Assembly CompileAndLoad(GeneratorRun run)
    {
        GeneratorHarness.AssertClean(run);
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        if (!emit.Success)
        {
            throw new Xunit.Sdk.XunitException("Emit failed:\n" + string.Join("\n", emit.Diagnostics));
        }

        stream.Position = 0;
        return new AssemblyLoadContext("baked-" + Guid.NewGuid().ToString("N"), isCollectible: true).LoadFromStream(stream);
    }

    /// <summary>An additional file; <see cref="GetText"/> of a binary one throws, as the compiler cannot read it either.</summary>
    public sealed class InMemoryText : AdditionalText
    {
        private readonly string? _text;

        public InMemoryText(string path, string? text)
        {
            Path = path;
            _text = text;
        }

        public override string Path { get; }

        public override SourceText? GetText(CancellationToken cancellationToken = default) =>
            _text is null ? throw new InvalidOperationException("CS2015: a binary additional file was read as text") : SourceText.From(_text, Encoding.UTF8);
    }

    private sealed class Options : AnalyzerConfigOptionsProvider
    {
        private readonly Dictionary<AdditionalText, Dictionary<string, string>> _perFile;

        public Options(Dictionary<string, string> global, Dictionary<AdditionalText, Dictionary<string, string>> perFile)
        {
            GlobalOptions = new Values(global);
            _perFile = perFile;
        }

        public override AnalyzerConfigOptions GlobalOptions { get; }

        public override AnalyzerConfigOptions GetOptions(SyntaxTree tree) => new Values(new Dictionary<string, string>());

        public override AnalyzerConfigOptions GetOptions(AdditionalText textFile) =>
            new Values(_perFile.TryGetValue(textFile, out Dictionary<string, string>? values) ? values : new Dictionary<string, string>());
    }

    private sealed class Values : AnalyzerConfigOptions
    {
        private readonly Dictionary<string, string> _values;

        public Values(Dictionary<string, string> values) => _values = values;

        public override bool TryGetValue(string key, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? value) => _values.TryGetValue(key, out value);
    }
}
