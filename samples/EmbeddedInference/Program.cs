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

// Time and allocation of the inference loop: every test row, Repeats times, after one warm-up pass. Under the JIT the
// warm-up goes on for at least 3 s and until the JIT has compiled nothing new for 1.5 s (at most 10 s): tiered
// compilation first runs quickly compiled code and replaces it with optimised code in the background once a method
// has been called 30 times after a quiet period (0.1 s, ten times that when the process may use one CPU only, as under
// taskset -c 1), and the timed loop should measure the code that keeps running. Measured pinned to one core: 550 ns
// per inference when timed after 0.5 s, 480-550 ns after 1.8-1.9 s, 315-320 ns after 2 s or more.
// Under NativeAOT every method was compiled, optimised, before the program started: no warm-up beyond the first pass.
Classify(net, testX, testLabels);
if (Jit())
{
    long warmUpStart = Stopwatch.GetTimestamp();
    long compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
    long quietSince = warmUpStart;
    while (Stopwatch.GetTimestamp() - warmUpStart < 10 * Stopwatch.Frequency
        && (Stopwatch.GetTimestamp() - warmUpStart < 3 * Stopwatch.Frequency || Stopwatch.GetTimestamp() - quietSince < Stopwatch.Frequency * 3 / 2))
    {
        Classify(net, testX, testLabels);
        if (System.Runtime.JitInfo.GetCompiledMethodCount() != compiled)
        {
            compiled = System.Runtime.JitInfo.GetCompiledMethodCount();
            quietSince = Stopwatch.GetTimestamp();
        }
    }
}

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

// Wall-clock time, and the process's CPU time (which a machine busy with other work inflates less), labelled with how
// this process runs: `dotnet run -c Release` is the JIT, the published binary NativeAOT (README.md shows both).
Console.WriteLine($"{Mode()}: {ns:F1} ns per inference wall clock, {cpuNs:F1} ns of CPU time ({Repeats} x {m} examples, checksum {checksum})");
#if DEBUG
Console.WriteLine("this is a Debug build: the generated code runs several times slower than in Release; time with -c Release");
#endif
Console.WriteLine($"bytes allocated in the inference loop: {allocated}");

string binary = Environment.ProcessPath ?? string.Empty;
string managed = Path.ChangeExtension(binary, ".dll");
Console.WriteLine(File.Exists(managed)
    ? $"binary {Path.GetFileName(binary)}: an apphost that starts {Path.GetFileName(managed)} ({new FileInfo(managed).Length:N0} bytes) on the JIT; publish with NativeAOT for one native file"
    : $"binary {Path.GetFileName(binary)}: {new FileInfo(binary).Length:N0} bytes, one native executable (NativeAOT)");
return allocated == 0 ? 0 : 1;

// "JIT" or "NativeAOT", and the widest vectors the code runs with: under NativeAOT those the instruction-set setting of
// the publish allowed (IlcInstructionSet in EmbeddedInference.csproj), under the JIT those of this CPU.
static string Mode()
{
    string engine = Jit() ? "JIT" : "NativeAOT";
    string vectors = System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512"
        : System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "Vector256"
        : System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";
    bool fma = System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;
    return $"{engine} ({vectors}{(fma ? ", FMA" : string.Empty)})";
}

// Whether this process compiles methods as it runs (RuntimeFeature.IsDynamicCodeSupported reads false under the JIT too
// in a project with PublishAot, so ask the JIT itself: under NativeAOT it has compiled nothing).
static bool Jit() => System.Runtime.JitInfo.GetCompiledMethodCount() > 0;

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
