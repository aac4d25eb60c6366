using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Onnx.Tests;

/// <summary>
/// Models committed in Reference/ were written by this exporter and checked by Debian's python3-onnx 1.12
/// (<c>onnx.checker.check_model(full_check=True)</c>) and evaluated with NumPy by Reference/check_models.py, whose
/// output (check_models.txt, check_models.json) is committed so CI needs no Python. These tests prove the committed
/// files are exactly what the exporter writes today, and that ForwardBatch matches the NumPy evaluation, including the
/// float64 Elu and Softplus models that ONNX Runtime's CPU provider cannot run.
/// </summary>
/// <remarks>To rewrite the models after a deliberate change to the exporter, run the tests with
/// <c>BACKPROP_WRITE_ONNX_REFERENCE=1</c>, then rerun <c>/usr/bin/python3 Reference/check_models.py</c>.</remarks>
public sealed class ReferenceModelTests
{
    private readonly ITestOutputHelper _output;

    public ReferenceModelTests(ITestOutputHelper output) => _output = output;

    public static TheoryData<string> Models => new(Factories.Keys);

    /// <summary>File name -> the seeded network it holds.</summary>
    private static readonly Dictionary<string, Func<object>> Factories = new()
    {
        // Every activation's nodes at the lowest opset the exporter writes (13, IR 7) and at 15, the highest that
        // Unity's Inference Engine before 2.6 documents: the ONNX checker validates each node against that opset.
        ["all_activations_f32_opset13.onnx"] = () => Seeded(new AllActivations(), 21),
        ["all_activations_f32_opset15.onnx"] = () => Seeded(new AllActivations(), 21),
        ["all_activations_f32.onnx"] = () => Seeded(new AllActivations(), 21),
        ["digits_f32.onnx"] = () => Seeded(new DigitsNet(), 22),
        ["binary_classifier_f32.onnx"] = () => Seeded(new BinaryClassifier(), 23),
        ["multiclassifier_f64.onnx"] = () => Seeded(new MultiClassifierD(), 24),
        ["elu_f64.onnx"] = () => Seeded(new EluNetD(), 25),
        ["softplus_f64.onnx"] = () => Seeded(new SoftplusNetD(), 26),
        ["leaky_relu_f64.onnx"] = () => Seeded(new LeakyReluNetD(), 27),
        ["silu_f64.onnx"] = () => Seeded(new SiluNetD(), 28),
    };

    private static object Seeded<T>(INetwork<T> network, int seed)
        where T : unmanaged
    {
        OrtRunner.Seed(network, seed);
        return network;
    }

    /// <summary>The opset a reference file is written at: the <c>_opsetNN</c> in its name, else the default.</summary>
    private static int OpsetOf(string file)
    {
        int at = file.IndexOf("_opset", StringComparison.Ordinal);
        return at < 0 ? OnnxExport.Opset : int.Parse(file.AsSpan(at + 6, 2), CultureInfo.InvariantCulture);
    }

    private static string ReferenceFolder => Path.Combine(AppContext.BaseDirectory, "Reference");

    [Theory]
    [MemberData(nameof(Models))]
    public void Committed_model_is_what_the_exporter_writes(string file)
    {
        byte[] exported = Factories[file]() switch
        {
            INetwork<float> f => f.ToOnnx(opset: OpsetOf(file)),
            INetwork<double> d => d.ToOnnx(opset: OpsetOf(file)),
            _ => throw new InvalidOperationException(),
        };

        if (Environment.GetEnvironmentVariable("BACKPROP_WRITE_ONNX_REFERENCE") == "1")
        {
            string source = Path.Combine(FindProjectFolder(), "Reference", file);
            File.WriteAllBytes(source, exported);
            _output.WriteLine($"wrote {source}");
        }

        string committed = Path.Combine(ReferenceFolder, file);
        Assert.True(File.Exists(committed), $"{committed} is missing: run the tests with BACKPROP_WRITE_ONNX_REFERENCE=1, then Reference/check_models.py.");
        Assert.True(
            exported.AsSpan().SequenceEqual(File.ReadAllBytes(committed)),
            $"The exporter no longer writes {file} byte for byte: if the change is deliberate, rewrite the reference models and rerun check_models.py.");
    }

    [Theory]
    [MemberData(nameof(Models))]
    public void Onnx_checker_accepted_the_model_and_NumPy_evaluation_equals_ForwardBatch(string file)
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(Path.Combine(ReferenceFolder, "check_models.json")));
        JsonElement entry = json.RootElement.GetProperty(file);
        Assert.Equal("ok", entry.GetProperty("checker").GetString());
        Assert.Equal(OpsetOf(file), entry.GetProperty("opset").GetInt32());
        int m = entry.GetProperty("batch").GetInt32();
        double[] x = entry.GetProperty("input").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        double[] expected = entry.GetProperty("output").EnumerateArray().Select(v => v.GetDouble()).ToArray();

        double diff;
        double tolerance;
        switch (Factories[file]())
        {
            case INetwork<float> f:
                var y32 = new float[m * f.OutputSize];
                f.ForwardBatch(x.Select(v => (float)v).ToArray(), y32);
                diff = OrtRunner.MaxAbsDiff(y32, expected);
                tolerance = 1e-5;
                break;
            case INetwork<double> d:
                var y64 = new double[m * d.OutputSize];
                d.ForwardBatch(x, y64);
                diff = OrtRunner.MaxAbsDiff(y64, expected);

                // LeakyRelu's alpha attribute is float32 (0.01f), see OnnxExport.
                tolerance = file.StartsWith("leaky", StringComparison.Ordinal) ? 1e-7 : 1e-12;
                break;
            default:
                throw new InvalidOperationException();
        }

        _output.WriteLine($"{file}: max |NumPy - ForwardBatch| = {diff:E2}");
        Assert.True(diff <= tolerance, $"{file}: max abs diff {diff}");
    }

    private static string FindProjectFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Backprop.Generated.Onnx.Tests.csproj")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("The test project folder was not found above " + AppContext.BaseDirectory);
    }
}
