using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using Backprop.Generated;

/// <summary>
/// Issue 21's scaling table (<c>--threads</c>): ForwardBatch and TrainStep of 784-128-10 (W4) and 784-512-512-10 (W5) at
/// m = 256, 1,024 and 4,096 with MaxDegreeOfParallelism 1, 2, 3 and -1 (all cores), ONNX Runtime with its default thread
/// settings as the inference peer in the same rounds; an MNIST-sized Fit epoch (60,000 synthetic rows of 784 features)
/// with 1 thread and all cores; and the small cells that must not get slower (one-example Forward, ForwardBatch and
/// TrainStep at m = 64 on W1-W3, 1 thread against all cores). Every setting of a cell is timed in turns, round after round,
/// so a slow phase of a shared machine falls on all of them; the table gives the median time per call over the rounds
/// and each setting's speed-up over 1 thread (the median of the per-round ratios).
/// </summary>
public static class ThreadScaling
{
    private static readonly int[] Degrees = { 1, 2, 3, -1 };

    public static string Run(int rounds, bool withFit, int fitBatch)
    {
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Environment.ProcessorCount = {Environment.ProcessorCount}; all cores = MaxDegreeOfParallelism -1; {rounds} rounds");
        table.AppendLine();
        table.AppendLine("| cell | 1 thread | 2 threads | 3 threads | all cores | ONNX Runtime (default threads) | speed-up 2 / 3 / all | all cores vs ONNX Runtime |");
        table.AppendLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (Workload workload in new[] { Workloads.W4, Workloads.W5 })
        {
            INetwork<float> net = workload == Workloads.W4 ? new W4Net() : new W5Net();
            net.InitializeParameters(Workloads.Seed);
            foreach (int m in new[] { 256, 1024, 4096 })
            {
                (float[] x, float[] y) = Workloads.Data(workload, m, 1);
                float[] outputs = new float[m * net.OutputSize];
                using var onnx = new OnnxRuntimePeer(workload, net.Parameters, m, defaultThreading: true);
                x.CopyTo(onnx.BatchInput, 0);
                Row(table, $"{workload.Name} ForwardBatch m = {m:N0}", rounds, Degrees.Select(d => (Action)(() =>
                {
                    net.MaxDegreeOfParallelism = d;
                    net.ForwardBatch(x, outputs);
                })).ToArray(), onnx.RunBatch);

                var sgd = new Sgd(1e-4);
                Row(table, $"{workload.Name} TrainStep m = {m:N0}", rounds, Degrees.Select(d => (Action)(() =>
                {
                    net.MaxDegreeOfParallelism = d;
                    net.TrainStep(x, y, sgd);
                })).ToArray(), null);
                Console.Out.Flush();
            }
        }

        if (withFit)
        {
            (float[] x, float[] y) = Workloads.Data(Workloads.W4, 60_000, 2);
            var net = new W4Net();
            Row(table, $"W4 Fit epoch, 60,000 x 784, batch {fitBatch}", Math.Max(3, rounds / 3), new[] { 1, -1 }.Select(d => (Action)(() =>
            {
                net.InitializeParameters(3);
                net.MaxDegreeOfParallelism = d;
                net.Fit(x, y, new Sgd(0.01), epochs: 1, batchSize: fitBatch, seed: 1);
            })).ToArray(), null);
        }

        table.AppendLine();
        table.AppendLine("| small cell (must not slow down) | 1 thread | all cores | all / 1 |");
        table.AppendLine("| --- | ---: | ---: | ---: |");
        Small(table, Workloads.W1, new W1Net(), rounds);
        Small(table, Workloads.W2, new W2Net(), rounds);
        Small(table, Workloads.W3, new W3Net(), rounds);
        return table.ToString();
    }

    /// <summary>
    /// Bytes allocated over all threads (<see cref="GC.GetTotalAllocatedBytes(bool)"/>) per call after warm-up, and the
    /// process CPU time in the second after the last call, for W4 and W5 at m = 1,024 with all cores.
    /// </summary>
    public static string AllocationAndIdle()
    {
        var text = new StringBuilder();
        foreach (Workload workload in new[] { Workloads.W4, Workloads.W5 })
        {
            INetwork<float> net = workload == Workloads.W4 ? new W4Net() : new W5Net();
            net.InitializeParameters(Workloads.Seed);
            const int m = 1024;
            (float[] x, float[] y) = Workloads.Data(workload, m, 1);
            float[] outputs = new float[m * net.OutputSize];
            float[] gradients = new float[net.ParameterCount];
            var sgd = new Sgd(1e-4);
            foreach (int degree in new[] { -1, 3 })
            {
                net.MaxDegreeOfParallelism = degree;
                for (int i = 0; i < 3; i++)
                {
                    net.ForwardBatch(x, outputs);
                    net.ComputeGradients(x, y, gradients);
                    net.TrainStep(x, y, sgd);
                }

                const int calls = 20;
                long before = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = 0; i < calls; i++)
                {
                    net.ForwardBatch(x, outputs);
                    net.ComputeGradients(x, y, gradients);
                    net.TrainStep(x, y, sgd);
                }

                long allocated = GC.GetTotalAllocatedBytes(precise: true) - before;
                TimeSpan cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                Thread.Sleep(1000);
                TimeSpan cpuAfter = Process.GetCurrentProcess().TotalProcessorTime;
                text.AppendLine(CultureInfo.InvariantCulture,
                    $"{workload.Name}, m = {m:N0}, MaxDegreeOfParallelism {degree}: {allocated} bytes allocated over all threads in {calls} x (ForwardBatch + ComputeGradients + TrainStep); process CPU in the second after the last call: {(cpuAfter - cpuBefore).TotalMilliseconds:F1} ms");
            }
        }

        return text.ToString();
    }

    private static void Small(StringBuilder table, Workload workload, INetwork<float> net, int rounds)
    {
        net.InitializeParameters(Workloads.Seed);
        (float[] x, float[] y) = Workloads.Data(workload, 64, 1);
        float[] outputs = new float[64 * net.OutputSize];
        float[] one = new float[net.OutputSize];
        var sgd = new Sgd(1e-4);
        foreach ((string name, Action<INetwork<float>> call) in new (string, Action<INetwork<float>>)[]
        {
            ("Forward (one example)", n => n.Forward(x.AsSpan(0, n.InputSize), one)),
            ("ForwardBatch m = 64", n => n.ForwardBatch(x, outputs)),
            ("TrainStep m = 64", n => n.TrainStep(x, y, sgd)),
        })
        {
            var times = new double[rounds][];
            for (int r = 0; r < rounds; r++)
            {
                times[r] = new double[2];
                for (int s = 0; s < 2; s++)
                {
                    int which = (r + s) % 2;
                    net.MaxDegreeOfParallelism = which == 0 ? 1 : -1;
                    times[r][which] = Time(() => call(net), 20);
                }
            }

            double one1 = Median(times.Select(t => t[0])), all = Median(times.Select(t => t[1]));
            double ratio = Median(times.Select(t => t[1] / t[0]));
            table.AppendLine(CultureInfo.InvariantCulture, $"| {workload.Name} {name} | {Ns(one1)} | {Ns(all)} | {ratio:F3} |");
            Console.WriteLine($"{workload.Name} {name}: {Ns(one1)} / {Ns(all)} ({ratio:F3})");
        }
    }

    private static void Row(StringBuilder table, string cell, int rounds, Action[] settings, Action? onnx)
    {
        var all = settings.Concat(onnx is null ? Array.Empty<Action>() : new[] { onnx }).ToArray();
        foreach (Action action in all)
        {
            action(); // warm-up: the first call compiles and allocates the scratch
        }

        var times = new double[rounds][];
        for (int r = 0; r < rounds; r++)
        {
            times[r] = new double[all.Length];
            for (int s = 0; s < all.Length; s++)
            {
                int which = (r + s) % all.Length;
                times[r][which] = Time(all[which], 30);
                if (onnx is not null && which == all.Length - 1)
                {
                    // ONNX Runtime's intra-op threads spin for tens of milliseconds after a run (microsoft/onnxruntime
                    // PR #27916: about 47 ms): let them stop before the next setting is timed, or that setting runs on
                    // a core they hold. (Without this pause the setting timed after ONNX Runtime in each round was the
                    // one that lost: "2 threads" ForwardBatch scaled 1.22x where "all cores", the same 2 threads here,
                    // scaled 1.87x.)
                    Thread.Sleep(200);
                }
            }
        }

        double[] medians = Enumerable.Range(0, all.Length).Select(i => Median(times.Select(t => t[i]))).ToArray();
        string Cell(int i) => i < settings.Length ? Ns(medians[i]) : string.Empty;
        string Speedup(int i) => i < settings.Length ? Median(times.Select(t => t[0] / t[i])).ToString("F2", CultureInfo.InvariantCulture) + "x" : "-";
        string line;
        if (settings.Length == 2)
        {
            line = $"| {cell} | {Ns(medians[0])} | | | {Ns(medians[1])} | | {Speedup(1)} (all) | |";
        }
        else
        {
            string onnxCell = onnx is null ? "-" : Ns(medians[^1]);
            string versus = onnx is null ? "-" : Median(times.Select(t => t[^1] / t[3])).ToString("F2", CultureInfo.InvariantCulture) + "x faster";
            line = $"| {cell} | {Cell(0)} | {Cell(1)} | {Cell(2)} | {Cell(3)} | {onnxCell} | {Speedup(1)} / {Speedup(2)} / {Speedup(3)} | {versus} |";
        }

        table.AppendLine(line);
        Console.WriteLine(line);
    }

    /// <summary>ns per call: calls repeated for at least <paramref name="targetMs"/> ms (at least one call).</summary>
    private static double Time(Action action, double targetMs)
    {
        long start = Stopwatch.GetTimestamp();
        int calls = 0;
        do
        {
            action();
            calls++;
        }
        while (Stopwatch.GetElapsedTime(start).TotalMilliseconds < targetMs);
        return Stopwatch.GetElapsedTime(start).TotalMilliseconds * 1e6 / calls;
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.OrderBy(v => v).ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Ns(double ns) => ns >= 1e6
        ? (ns / 1e6).ToString("N2", CultureInfo.InvariantCulture) + " ms"
        : ns >= 1e3 ? (ns / 1e3).ToString("N1", CultureInfo.InvariantCulture) + " us" : ns.ToString("N0", CultureInfo.InvariantCulture) + " ns";

    public static void Write(string text, string name)
    {
        string path = Path.Combine("BenchmarkDotNet.Artifacts", "results", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        Console.WriteLine(text);
        Console.WriteLine($"written to {path}");
    }
}
