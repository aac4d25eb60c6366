using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using Backprop.Generated;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;
using Perfolizer.Horology;

// Modes (see docs/benchmarks.md; run.sh runs --peak, --verify and the benchmarks pinned to one core):
//   --verify                     every peer against ArrayMlp on every cell (max abs differences), exit code 1 on a mismatch
//   --quick [WORKLOAD]           a rough Stopwatch timing of every cell (development only)
//   --layers [digits|w4]         each kernel of W3's (or the digits or W4) training step on its own, best of 150 rounds
//                                (LAYERS_MEDIAN=1 prints the median too); development only
//   --paired [ROUNDS] [WORKLOAD] the generated code and every peer timed in turns, cell by cell (PairedTiming.cs):
//                                median paired ratios, robust to the machine's slow phases; written to results/paired.md
//                                (with a WORKLOAD, to results/paired-WORKLOAD.md)
//   --min [W1|W2]                the small-network peers of issue 19 on W1 and W2, 300 alternating rounds of ~1 ms: min,
//                                10th percentile and median ns (MinTiming.cs; development: comparing versions of a peer)
//   --threads [ROUNDS] [--no-fit] [--fit-batch N]
//                                issue 21's scaling table (ThreadScaling.cs): 1, 2, 3 threads and all cores, ONNX Runtime
//                                with its default threads beside ForwardBatch; NOT pinned (it measures several cores);
//                                written to results/threads.md
//   --threads-idle               bytes allocated over all threads per parallel call after warm-up, and the process CPU
//                                time in the second after the last call (issue 21); written to results/threads-idle.md
//   --int8 [ROUNDS]              issue 23: float, int8 (ToInt8) and ONNX Runtime's dynamically quantised model on W3, W4 and
//                                digits, Forward and ForwardBatch m = 64 and 1,024, timed in turns; results/int8.md
//   --peak                       the fp32 FMA peak probe alone
//   --digits-fit EPOCHS          trains the generated digits network as samples/Digits does (shuffled, batch 32, lr 0.1)
//                                and prints ms per epoch and test accuracy (used by digits_vs_sklearn.py)
//   --digits-overhead [ROUNDS]   the digits TrainStep loop and a one-epoch Fit(shuffle: false) timed in turns (issue 19 item 7)
//   anything else                BenchmarkDotNet arguments, e.g. --filter '*W3*'; without --job a short custom job is used
// BenchmarkDotNet runs each benchmark in a process of its own, from another directory: it finds RTNeural's libraries
// through the variable (inherited), set here to this assembly's rtneural/ unless run.sh or the user set it.
if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable("RTNEURAL_PEER_DIR")))
{
    Environment.SetEnvironmentVariable("RTNEURAL_PEER_DIR", RTNeuralPeer.Directory);
}

if (args.Length > 0 && args[0] == "--verify")
{
    return Verify.Run();
}

if (args.Length > 0 && args[0] == "--quick")
{
    PrintPeak(PeakProbe.Measure());
    QuickTiming.Run(args.Length > 1 ? args[1] : string.Empty);
    return 0;
}

if (args.Length > 0 && args[0] == "--layers")
{
    if (args.Length > 1 && args[1] == "digits")
    {
        LayerTiming.RunDigits();
    }
    else if (args.Length > 1 && args[1] == "w4")
    {
        LayerTiming.RunW4();
    }
    else
    {
        LayerTiming.Run();
    }

    return 0;
}

if (args.Length > 0 && args[0] == "--paired")
{
    // --paired [ROUNDS] [WORKLOAD], in either order: a number is the rounds, anything else a workload.
    int rounds = 61;
    string? workload = null;
    foreach (string argument in args.Skip(1))
    {
        if (int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out int parsed) && parsed > 0)
        {
            rounds = parsed;
        }
        else if (PairedTiming.WorkloadNames.Any(name => name.StartsWith(argument, StringComparison.OrdinalIgnoreCase)))
        {
            workload = argument;
        }
        else
        {
            Console.Error.WriteLine($"--paired: '{argument}' is neither a number of rounds nor a workload ({string.Join(", ", PairedTiming.WorkloadNames)})");
            return 2;
        }
    }

    var measured = PeakProbe.Measure();
    string probeText = PrintPeak(measured);
    string paired = PairedTiming.Run(rounds, PeakProbe.Peak(measured), workload);

    // A filtered run goes to its own file, so it does not replace the whole suite's paired.md (run.sh's record).
    string pairedPath = Path.Combine("BenchmarkDotNet.Artifacts", "results", workload is null ? "paired.md" : $"paired-{workload}.md");
    Directory.CreateDirectory(Path.GetDirectoryName(pairedPath)!);
    File.WriteAllText(pairedPath, $"{probeText}\n\n{paired}");
    Console.WriteLine($"written to {pairedPath}");
    return 0;
}

if (args.Length > 0 && args[0] == "--guard-variants")
{
    GuardVariants.Run(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 25);
    return 0;
}

if (args.Length > 0 && args[0] == "--min")
{
    MinTiming.Run(args.Length > 1 ? args[1] : string.Empty);
    return 0;
}

if (args.Length > 0 && args[0] == "--threads")
{
    int rounds = args.Length > 1 && int.TryParse(args[1], NumberStyles.None, CultureInfo.InvariantCulture, out int r) ? r : 7;
    int fitBatch = 256;
    int at = Array.IndexOf(args, "--fit-batch");
    if (at > 0 && at + 1 < args.Length)
    {
        fitBatch = int.Parse(args[at + 1], CultureInfo.InvariantCulture);
    }

    ThreadScaling.Write(ThreadScaling.Run(rounds, !args.Contains("--no-fit"), fitBatch), "threads.md");
    return 0;
}

if (args.Length > 0 && args[0] == "--threads-idle")
{
    ThreadScaling.Write(ThreadScaling.AllocationAndIdle(), "threads-idle.md");
    return 0;
}

if (args.Length > 0 && args[0] == "--int8")
{
    // Issue 23: int8 against float and ONNX Runtime's dynamically quantised model (Int8Timing.cs), into results/int8.md.
    int rounds = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 31;
    string probeText = PrintPeak(PeakProbe.Measure());
    string int8Table = Int8Timing.Run(rounds);
    string int8Path = Path.Combine("BenchmarkDotNet.Artifacts", "results", "int8.md");
    Directory.CreateDirectory(Path.GetDirectoryName(int8Path)!);
    File.WriteAllText(int8Path, $"{probeText}\n\n{int8Table}");
    Console.WriteLine($"written to {int8Path}");
    return 0;
}

if (args.Length > 0 && args[0] == "--peak")
{
    PrintPeak(PeakProbe.Measure());
    return 0;
}

if (args.Length > 0 && args[0] == "--digits-overhead")
{
    DigitsEpochBenchmarks.RunOverhead(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 31);
    return 0;
}

if (args.Length > 1 && args[0] == "--digits-fit")
{
    return DigitsFit(int.Parse(args[1], CultureInfo.InvariantCulture));
}

(double, double) peak = PeakProbe.Measure();
string probe = PrintPeak(peak);
IConfig config = DefaultConfig.Instance;
if (!args.Contains("--job"))
{
    // Short and stable enough for ratios on a shared 2-core machine: one process per benchmark, 3 warm-up and
    // 7 measured iterations of about 100 ms each, tiered compilation off (fully optimised code from the first call;
    // under load the tier-1 background JIT can starve and leave tier-0 code measured).
    config = config.AddJob(Job.Default
        .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_TieredCompilation", "0"))
        .WithLaunchCount(1)
        .WithWarmupCount(3)
        .WithIterationCount(7)
        .WithIterationTime(TimeInterval.FromMilliseconds(100))
        .WithId("Short7"));
}

Summary[] summaries = BenchmarkSwitcher.FromAssembly(typeof(CellBenchmarks).Assembly).Run(args, config).ToArray();
string table = CellTable.Markdown(summaries, PeakProbe.Peak(peak));
if (table.Length > 0)
{
    string path = Path.Combine(summaries[0].ResultsDirectoryPath, "cells.md");
    File.WriteAllText(path, $"{probe}\n\n{table}");
    Console.WriteLine();
    Console.WriteLine(table);
    Console.WriteLine($"written to {path}");
}

return 0;

static string PrintPeak((double Gflops256, double Gflops512) peak)
{
    int bytes = W4Net.ParameterCount * sizeof(float);
    double ns = PeakProbe.StreamNanoseconds(bytes);
    string text = $"fp32 FMA peak of this core: {peak.Gflops256:F1} GFLOP/s with Vector256"
        + (double.IsNaN(peak.Gflops512) ? " (Vector512 not accelerated)" : $", {peak.Gflops512:F1} GFLOP/s with Vector512")
        + $"\nreading W4's {bytes:N0} bytes of parameters from L2: {ns:N0} ns ({bytes / ns:F1} GB/s); "
        + $"issue 8's bound for W4 one-example Forward: 2x = {2 * ns:N0} ns";
    Console.WriteLine(text);
    return text;
}

static int DigitsFit(int epochs)
{
    (float[] trainX, float[] trainY, float[] testX, float[] testY) = DigitsData.Load();

    // One epoch on another instance first, so the timing measures optimised code rather than the JIT.
    var warmUp = new DigitsNet();
    warmUp.InitializeParameters(1);
    warmUp.Fit(trainX, trainY, new Sgd(0.1), epochs: 1, batchSize: 32);

    var net = new DigitsNet();
    net.InitializeParameters(0);
    long start = Stopwatch.GetTimestamp();
    double[] history = net.Fit(trainX, trainY, new Sgd(0.1), epochs, batchSize: 32, seed: 0, shuffle: true);
    double ms = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
    double accuracy = net.Accuracy(testX, testY);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"generated: {epochs} epochs, {ms / epochs:F3} ms per epoch, final training loss {history[^1]:F4}, test accuracy {accuracy:F4}"));
    return 0;
}

/// <summary>The cells as one Markdown table: ns per peer, generated / peer ratio, and % of the FMA peak.</summary>
internal static class CellTable
{
    private static readonly string[] PeerOrder =
    {
        "Generated", "Hand-unrolled", "RTNeural Eigen", "RTNeural xsimd", "Tiled (hand-written)", "TensorPrimitives", "OnnxRuntime", "ArrayMlp",
    };

    public static string Markdown(IEnumerable<Summary> summaries, double peakGflops)
    {
        var rows = new List<(string Workload, string Cell, long Flops, Dictionary<string, (double Ns, long Bytes)> Peers)>();
        foreach (Summary summary in summaries)
        {
            foreach (var group in summary.Reports
                .Where(r => r.ResultStatistics is not null)
                .GroupBy(r => (r.BenchmarkCase.Descriptor.Type, Category: r.BenchmarkCase.Descriptor.Categories.FirstOrDefault() ?? "Digits epoch")))
            {
                (string workload, string cell, long multiplyAdds) = Describe(group.Key.Type, group.Key.Category);
                var peers = group.ToDictionary(
                    r => r.BenchmarkCase.Descriptor.WorkloadMethodDisplayInfo.Trim('\''),
                    r => (r.ResultStatistics!.Median, r.GcStats.GetBytesAllocatedPerOperation(r.BenchmarkCase) ?? -1));
                rows.Add((workload, cell, 2 * multiplyAdds, peers));
            }
        }

        if (rows.Count == 0)
        {
            return string.Empty;
        }

        var text = new System.Text.StringBuilder();
        text.AppendLine("Each peer: median ns / ratio generated ÷ peer (above 1: the generated code is slower) / % of the FMA peak.");
        text.AppendLine($"FLOPs = 2 x multiply-adds of the cell; % of peak = FLOPs / time / {peakGflops:F1} GFLOP/s.");
        text.AppendLine("Best peer: the fastest other peer of the cell, and generated ÷ best. Hand-unrolled: W1 and W2 only; RTNeural: one example only, where rtneural/build.sh built it.");
        text.AppendLine();
        text.AppendLine("| workload | cell | FLOPs | best peer | generated ÷ best | " + string.Join(" | ", PeerOrder) + " | allocated (generated) |");
        text.AppendLine("|---|---|---:|---|---:|" + string.Concat(PeerOrder.Select(_ => "---:|")) + "---:|");
        foreach (var row in rows)
        {
            double generated = row.Peers.TryGetValue("Generated", out var g) ? g.Ns : double.NaN;
            var cells = PeerOrder.Select(peer =>
            {
                if (!row.Peers.TryGetValue(peer, out var p))
                {
                    return "-";
                }

                double percent = row.Flops / p.Ns / peakGflops * 100;
                string ratio = peer == "Generated" ? "1" : (generated / p.Ns).ToString("F2", CultureInfo.InvariantCulture);
                return string.Create(CultureInfo.InvariantCulture, $"{Ns(p.Ns)} / {ratio} / {percent:F1}%");
            });
            string allocated = g.Bytes < 0 ? "?" : $"{g.Bytes} B";
            var others = row.Peers.Where(p => p.Key != "Generated").ToArray();
            string best = others.Length == 0 ? "- | -" : string.Create(CultureInfo.InvariantCulture,
                $"{others.MinBy(p => p.Value.Ns).Key} | {generated / others.Min(p => p.Value.Ns):F2}");
            text.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Workload} | {row.Cell} | {row.Flops:N0} | {best} | {string.Join(" | ", cells)} | {allocated} |"));
        }

        return text.ToString();
    }

    private static string Ns(double ns) => ns >= 100 ? ns.ToString("N0", CultureInfo.InvariantCulture) : ns.ToString("F1", CultureInfo.InvariantCulture);

    private static (string Workload, string Cell, long MultiplyAdds) Describe(Type type, string category)
    {
        if (type == typeof(DigitsEpochBenchmarks))
        {
            // 1,347 training rows of the split.
            return (Workloads.Digits.Name, "epoch (1,347 rows, batch 32)", DigitsEpochBenchmarks.MultiplyAdds(1347));
        }

        Workload workload = ((CellBenchmarks)Activator.CreateInstance(type)!).Workload;
        long multiplyAdds = category switch
        {
            CellBenchmarks.Forward => workload.ForwardMultiplyAdds,
            CellBenchmarks.ForwardBatch => Workloads.Batch * workload.ForwardMultiplyAdds,
            _ => Workloads.Batch * workload.TrainingMultiplyAdds,
        };
        return (workload.Name, category, multiplyAdds);
    }
}
