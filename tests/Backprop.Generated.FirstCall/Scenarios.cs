using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Backprop.Generated;

/// <summary>The digits network of samples/Digits and issue 19: 64-32-10, tanh/softmax, cross-entropy.</summary>
[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class DigitsNet { }

/// <summary>The XOR demo network of samples/Xor (the README's first program).</summary>
[Network(2, 4, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]
public partial class Xor { }

/// <summary>
/// One scenario per process. <see cref="Prepare"/> builds everything the call needs (the instance, its parameters,
/// the data) before the clock; <see cref="First"/> is the first call, timed with the JIT's counters around it;
/// <see cref="Again"/> is the same call made again (the second call, then <see cref="SteadyCalls"/> more for the
/// steady state).
/// </summary>
public abstract class Scenario
{
    public abstract void Prepare();

    public abstract void First();

    public abstract void Again();

    public abstract int SteadyCalls { get; }
}

public static class Scenarios
{
    public static readonly string[] Names = ["forward", "forward-batch", "train-step", "fit", "xor"];

    /// <summary>Rows of the ForwardBatch and TrainStep scenarios: the digits sample's batch size.</summary>
    public const int Rows = 32;

    public static Scenario Create(string name) => name switch
    {
        "forward" => new ForwardScenario(),
        "forward-batch" => new ForwardBatchScenario(),
        "train-step" => new TrainStepScenario(),
        "fit" => new FitScenario(),
        "xor" => new XorScenario(),
        _ => throw new ArgumentException($"unknown scenario '{name}'; known: {string.Join(", ", Names)}"),
    };

    /// <summary>
    /// Runs one scenario and prints one line: RESULT, then name=value pairs (times in ms unless the name ends in _us).
    /// <list type="bullet">
    /// <item>start_to_main: process start (Process.StartTime, /proc's 10 ms clock ticks) to Main's first line;</item>
    /// <item>main_to_ready: Main to the instance (and data) existing, before the first call;</item>
    /// <item>first: the first call alone; first_cpu: the CPU time of the calling thread in it (CLOCK_THREAD_CPUTIME_ID,
    /// which the other engineers' builds on a shared machine do not inflate as they do wall time; NaN off Linux); first_from_main: Main's first line to the first call's return;</item>
    /// <item>jit / jit_methods: JitInfo.GetCompilationTime / GetCompiledMethodCount (all threads) across the first call;</item>
    /// <item>second_us, second_jit_methods: the second call; steady_us: after 300 ms more of calls, the median of SteadyCalls calls;
    /// late_us: the same, FIRSTCALL_LATE_MS after the first call (NaN when not set).</item>
    /// </list>
    /// </summary>
    public static int Run(string name, long mainStart, DateTime mainStartUtc, bool listen)
    {
        using JitEventListener? listener = listen ? new JitEventListener() : null;
        Scenario scenario = Create(name);
        scenario.Prepare();

        // The scenario's own three methods are compiled now (tier 0, as a user's calling code would be), so that the
        // counters below see only what the library's call costs.
        foreach (string method in new[] { nameof(Scenario.First), nameof(Scenario.Again) })
        {
            RuntimeHelpers.PrepareMethod(scenario.GetType().GetMethod(method)!.MethodHandle);
        }

        listener?.Settle();
        if (listen)
        {
            // Markers for the DOTNET_JitDisasmSummary list: what it lists between them was compiled during the first call.
            RuntimeHelpers.PrepareMethod(typeof(Scenarios).GetMethod(nameof(FirstCallBegins))!.MethodHandle);
        }

        listener?.Settle();
        long ready = Stopwatch.GetTimestamp();
        ThreadCpu.Milliseconds();
        double cpu0 = ThreadCpu.Milliseconds();
        TimeSpan jit0 = JitInfo.GetCompilationTime();
        long count0 = JitInfo.GetCompiledMethodCount();
        DateTime windowStart = DateTime.UtcNow;
        long t0 = Stopwatch.GetTimestamp();
        scenario.First();
        long t1 = Stopwatch.GetTimestamp();
        double cpu1 = ThreadCpu.Milliseconds();
        TimeSpan jit1 = JitInfo.GetCompilationTime();
        long count1 = JitInfo.GetCompiledMethodCount();
        DateTime windowEnd = DateTime.UtcNow;
        if (listen)
        {
            RuntimeHelpers.PrepareMethod(typeof(Scenarios).GetMethod(nameof(FirstCallEnded))!.MethodHandle);
        }

        long t2 = Stopwatch.GetTimestamp();
        scenario.Again();
        long t3 = Stopwatch.GetTimestamp();
        TimeSpan jit2 = JitInfo.GetCompilationTime();
        long count2 = JitInfo.GetCompiledMethodCount();

        // The steady state: calls for 300 ms first (tier-0 code called often enough is recompiled at tier 1 in the
        // background after a 100 ms delay), then the median of SteadyCalls more.
        // FIRSTCALL_WARM_MS sets another span.
        int warmMs = int.TryParse(Environment.GetEnvironmentVariable("FIRSTCALL_WARM_MS"), out int w) ? w : 300;
        long warm = Stopwatch.GetTimestamp();
        while (Stopwatch.GetElapsedTime(warm).TotalMilliseconds < warmMs)
        {
            scenario.Again();
        }

        var steady = new double[scenario.SteadyCalls];
        for (int i = 0; i < steady.Length; i++)
        {
            long s = Stopwatch.GetTimestamp();
            scenario.Again();
            steady[i] = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
        }

        Array.Sort(steady);

        // FIRSTCALL_LATE_MS (the driver sets 3000 for the default settings): calls until that long after the first,
        // then the median of SteadyCalls again: tier-0 code can outlive the 300 ms above (background tier-1 compilation).
        double late = double.NaN;
        if (int.TryParse(Environment.GetEnvironmentVariable("FIRSTCALL_LATE_MS"), out int lateMs) && lateMs > 0)
        {
            while (Stopwatch.GetElapsedTime(t0).TotalMilliseconds < lateMs)
            {
                scenario.Again();
            }

            var after = new double[scenario.SteadyCalls];
            for (int i = 0; i < after.Length; i++)
            {
                long s = Stopwatch.GetTimestamp();
                scenario.Again();
                after[i] = Stopwatch.GetElapsedTime(s).TotalMicroseconds;
            }

            Array.Sort(after);
            late = after[after.Length / 2];
        }

        double startToMain = (mainStartUtc - Process.GetCurrentProcess().StartTime.ToUniversalTime()).TotalMilliseconds;
        var line = new List<string>
        {
            "RESULT",
            $"scenario={name}",
            F("start_to_main", startToMain),
            F("main_to_ready", Ms(mainStart, ready)),
            F("first", Ms(t0, t1)),
            F("first_cpu", cpu1 - cpu0),
            F("first_from_main", Ms(mainStart, t1)),
            F("jit", (jit1 - jit0).TotalMilliseconds),
            $"jit_methods={count1 - count0}",
            F("second_us", Ms(t2, t3) * 1000),
            F("second_jit", (jit2 - jit1).TotalMilliseconds),
            $"second_jit_methods={count2 - count1}",
            F("steady_us", steady.Length == 0 ? double.NaN : steady[steady.Length / 2]),
            F("late_us", late),
        };
        Console.WriteLine(string.Join(' ', line));
        listener?.Print(windowStart, windowEnd);
        return 0;
    }

    /// <summary>Never called: compiled just before the first call in a --methods run, as a marker in the JIT's list.</summary>
    public static void FirstCallBegins()
    {
    }

    /// <summary>Never called: compiled just after the first call in a --methods run.</summary>
    public static void FirstCallEnded()
    {
    }

    private static double Ms(long from, long to) => Stopwatch.GetElapsedTime(from, to).TotalMilliseconds;

    private static string F(string name, double value) => $"{name}={value.ToString("F4", CultureInfo.InvariantCulture)}";

    /// <summary>Deterministic inputs in [0, 1) and one-hot targets, built without the library.</summary>
    public static (float[] X, float[] Y) Synthetic(int rows)
    {
        var x = new float[rows * DigitsNet.InputSize];
        var y = new float[rows * DigitsNet.OutputSize];
        for (int i = 0; i < x.Length; i++)
        {
            x[i] = (i * 37 % 17) / 17f;
        }

        for (int r = 0; r < rows; r++)
        {
            y[(r * DigitsNet.OutputSize) + (r % DigitsNet.OutputSize)] = 1f;
        }

        return (x, y);
    }
}

/// <summary>The first one-example Forward of the digits network, from the instance existing (parameters drawn).</summary>
public sealed class ForwardScenario : Scenario
{
    private readonly DigitsNet _net = new();
    private float[] _x = null!;
    private readonly float[] _y = new float[DigitsNet.OutputSize];

    public override int SteadyCalls => 2000;

    public override void Prepare()
    {
        _net.InitializeParameters(seed: 0);
        (_x, _) = Scenarios.Synthetic(1);
    }

    public override void First() => _net.Forward(_x, _y);

    public override void Again() => _net.Forward(_x, _y);
}

/// <summary>The first ForwardBatch of 32 rows.</summary>
public sealed class ForwardBatchScenario : Scenario
{
    private readonly DigitsNet _net = new();
    private float[] _x = null!;
    private readonly float[] _y = new float[Scenarios.Rows * DigitsNet.OutputSize];

    public override int SteadyCalls => 500;

    public override void Prepare()
    {
        _net.InitializeParameters(seed: 0);
        (_x, _) = Scenarios.Synthetic(Scenarios.Rows);
    }

    public override void First() => _net.ForwardBatch(_x, _y);

    public override void Again() => _net.ForwardBatch(_x, _y);
}

/// <summary>The first TrainStep of 32 rows with plain SGD (lr 0.1, as samples/Digits).</summary>
public sealed class TrainStepScenario : Scenario
{
    private readonly DigitsNet _net = new();
    private readonly Sgd _sgd = new(0.1);
    private float[] _x = null!, _y = null!;

    public override int SteadyCalls => 500;

    public override void Prepare()
    {
        _net.InitializeParameters(seed: 0);
        (_x, _y) = Scenarios.Synthetic(Scenarios.Rows);
    }

    public override void First() => _net.TrainStep(_x, _y, _sgd);

    public override void Again() => _net.TrainStep(_x, _y, _sgd);
}

/// <summary>
/// The first one-epoch Fit on the digits training split (1,347 rows, integer labels, batch 32, SGD lr 0.1), exactly
/// the warm-up call of samples/Digits; the data is read before the clock.
/// </summary>
public sealed class FitScenario : Scenario
{
    private const int Features = 64;
    private readonly DigitsNet _net = new();
    private float[] _x = null!;
    private int[] _labels = null!;

    public override int SteadyCalls => 15;

    public override void Prepare()
    {
        _net.InitializeParameters(seed: 0);
        string folder = Path.Combine(AppContext.BaseDirectory, "data");
        float[][] rows;
        using (var reader = new StreamReader(new GZipStream(File.OpenRead(Path.Combine(folder, "digits.csv.gz")), CompressionMode.Decompress)))
        {
            rows = reader.ReadToEnd()
                .Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => line.Split(',').Select(v => float.Parse(v, CultureInfo.InvariantCulture)).ToArray())
                .ToArray();
        }

        using JsonDocument split = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "digits_split.json")));
        int[] train = split.RootElement.GetProperty("train").Deserialize<int[]>()!;
        _x = new float[train.Length * Features];
        _labels = new int[train.Length];
        for (int i = 0; i < train.Length; i++)
        {
            float[] row = rows[train[i]];
            for (int j = 0; j < Features; j++)
            {
                _x[(i * Features) + j] = row[j] / 16f;
            }

            _labels[i] = (int)row[Features];
        }
    }

    public override void First() => _net.Fit(_x, _labels, new Sgd(0.1), epochs: 1, batchSize: 32);

    public override void Again() => _net.Fit(_x, _labels, new Sgd(0.1), epochs: 1, batchSize: 32);
}

/// <summary>
/// samples/Xor as it runs: a fresh instance with parameters from seed 1, then 300 epochs of Fit with its progress
/// printer; the timed span is the one the sample prints as "trained 300 epochs in".
/// </summary>
public sealed class XorScenario : Scenario
{
    private static readonly float[] Inputs = [0, 0, 0, 1, 1, 0, 1, 1];
    private static readonly float[] Targets = [0, 1, 1, 0];
    private Xor _net = null!;

    public override int SteadyCalls => 5;

    public override void Prepare()
    {
        _net = new Xor();
        _net.InitializeParameters(seed: 1);
    }

    public override void First() => Train();

    public override void Again()
    {
        Prepare();
        Train();
    }

    private void Train() => _net.Fit(
        Inputs,
        Targets,
        new Sgd(learningRate: 0.5, momentum: 0.9),
        epochs: 300,
        batchSize: 4,
        seed: 1,
        progress: new PrintEvery(50));
}

/// <summary>The progress printer of samples/Xor (prints on the training thread).</summary>
internal sealed class PrintEvery(int epochs) : IProgress<EpochProgress>
{
    public void Report(EpochProgress value)
    {
        if (value.Epoch == 1 || value.Epoch % epochs == 0)
        {
            Console.WriteLine($"epoch {value.Epoch,4}: loss {value.Loss:F6}");
        }
    }
}

/// <summary>The calling thread's CPU time (Linux clock_gettime(CLOCK_THREAD_CPUTIME_ID)); NaN elsewhere.</summary>
internal static class ThreadCpu
{
    private const int ClockThreadCpuTimeId = 3;

    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out TimeSpec time);

    public static double Milliseconds()
    {
        if (!OperatingSystem.IsLinux())
        {
            return double.NaN;
        }

        return ClockGetTime(ClockThreadCpuTimeId, out TimeSpec t) == 0 ? (t.Seconds * 1e3) + (t.Nanoseconds / 1e6) : double.NaN;
    }
}
