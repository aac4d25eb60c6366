using System;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Text.Json;
using Backprop.Generated;

// Inference only, with weights baked in at build time: models/digits.safetensors (written by samples/Digits) is
// checked against the declaration below and compiled into the binary, so `new EmbeddedDigits()` is ready to classify
// with no file I/O and no parsing. Published with NativeAOT (dotnet publish -c Release), it needs no .NET runtime.
const int Features = 64;
const int Repeats = 200;

string folder = Path.Combine(AppContext.BaseDirectory, "data");
(float[] testX, int[] testLabels) = LoadTestRows(folder);
int m = testLabels.Length;

var net = new EmbeddedDigits();

// The generated source, as the build wrote it (EmitCompilerGeneratedFiles), when this machine has it.
string? generated = typeof(EmbeddedDigits).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
    .FirstOrDefault(a => a.Key == "GeneratedFilesFolder")?.Value;
if (generated is not null && Directory.Exists(generated))
{
    foreach (string file in Directory.EnumerateFiles(generated, "EmbeddedDigits*.g.cs", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
    {
        Console.WriteLine($"generated source {Path.GetFileName(file)}: {new FileInfo(file).Length:N0} bytes");
    }
}

Console.WriteLine($"network {string.Join("-", EmbeddedDigits.LayerSizes.ToArray())}, {EmbeddedDigits.ParameterCount} parameters baked in");

// Accuracy on the 450 test rows (scikit-learn's split), one example at a time through Forward(in Input).
int correct = Classify(net, testX, testLabels);
Console.WriteLine($"test accuracy {(double)correct / m:P2} ({correct} of {m})");

// Time and allocation of the inference loop: every test row, Repeats times, after one warm-up pass.
Classify(net, testX, testLabels);
TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
long start = Stopwatch.GetTimestamp();
int checksum = 0;
for (int r = 0; r < Repeats; r++)
{
    checksum += Classify(net, testX, testLabels);
}

long elapsed = Stopwatch.GetTimestamp() - start;
long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
TimeSpan cpu = Environment.CpuUsage.TotalTime - cpuBefore;
double ns = elapsed * (1e9 / Stopwatch.Frequency) / ((double)Repeats * m);
double cpuNs = cpu.TotalMilliseconds * 1e6 / ((double)Repeats * m);

// Wall-clock time, and the process's CPU time (which a machine busy with other work inflates less).
Console.WriteLine($"{ns:F1} ns per inference wall clock, {cpuNs:F1} ns of CPU time ({Repeats} x {m} examples, checksum {checksum})");
Console.WriteLine($"bytes allocated in the inference loop: {allocated}");

string binary = Environment.ProcessPath ?? string.Empty;
string managed = Path.ChangeExtension(binary, ".dll");
Console.WriteLine(File.Exists(managed)
    ? $"binary {Path.GetFileName(binary)}: an apphost that starts {Path.GetFileName(managed)} ({new FileInfo(managed).Length:N0} bytes) on the JIT; publish with NativeAOT for one native file"
    : $"binary {Path.GetFileName(binary)}: {new FileInfo(binary).Length:N0} bytes, one native executable (NativeAOT)");
return allocated == 0 ? 0 : 1;

static int Classify(EmbeddedDigits net, float[] x, int[] labels)
{
    int correct = 0;
    EmbeddedDigits.Input input = default;
    for (int i = 0; i < labels.Length; i++)
    {
        x.AsSpan(i * Features, Features).CopyTo(input);
        EmbeddedDigits.Output output = net.Forward(in input);
        if (Trainer.ArgMax<float>(output) == labels[i])
        {
            correct++;
        }
    }

    return correct;
}

static (float[] X, int[] Labels) LoadTestRows(string folder)
{
    string[] lines;
    using (var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(folder, "digits.csv.gz")), CompressionMode.Decompress)))
    {
        lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    using JsonDocument split = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "digits_split.json")));
    int[] test = split.RootElement.GetProperty("test").EnumerateArray().Select(e => e.GetInt32()).ToArray();
    var x = new float[test.Length * Features];
    var labels = new int[test.Length];
    for (int i = 0; i < test.Length; i++)
    {
        float[] row = lines[test[i]].Split(',').Select(v => float.Parse(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        for (int j = 0; j < Features; j++)
        {
            x[(i * Features) + j] = row[j] / 16f; // the same scaling as samples/Digits
        }

        labels[i] = (int)row[Features];
    }

    return (x, labels);
}

/// <summary>The network of samples/Digits, with its trained parameters baked in at build time.</summary>
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy,
    Weights = "models/digits.safetensors")]
public partial class EmbeddedDigits { }
