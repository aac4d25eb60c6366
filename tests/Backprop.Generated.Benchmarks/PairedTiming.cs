using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using System.Text;

/// <summary>
/// <c>--paired [ROUNDS]</c>: the generated code and each peer timed in turns, cell by cell, so that every peer sees the
/// same states of the machine. BenchmarkDotNet measures one benchmark after another; on a shared VM the speed of the
/// core drifts between phases that last seconds (W3's training step measured 28 us in one 1,000-step window and 44 us
/// in the next, the tiled peer the same), and a phase that falls on one benchmark and not on its peer moves the ratio.
/// Here each round times every peer of a cell once (in a rotated order), for about 10 ms each; the ratio of a round is
/// generated / peer within that round, and the table gives the median over the rounds of those paired ratios with
/// its spread (the 10th and 90th percentiles), and the median ns of each peer.
/// </summary>
public static class PairedTiming
{
    private const double BatchMilliseconds = 10;

    /// <summary>The peers' columns, in order (the names <see cref="CellBenchmarks.Cells"/> gives them).</summary>
    private static readonly string[] PeerColumns =
    {
        "Hand-unrolled", "RTNeural Eigen", "RTNeural xsimd", "Tiled", "TensorPrimitives", "OnnxRuntime", "ArrayMlp",
    };

    /// <summary>The workloads' names, in the order of the table (a WORKLOAD argument selects those it begins).</summary>
    public static readonly string[] WorkloadNames =
    {
        Workloads.Digits.Name, Workloads.W1.Name, Workloads.W2.Name, Workloads.W3.Name, Workloads.W4.Name,
    };

    /// <param name="rounds">Rounds per cell.</param>
    /// <param name="peakGflops">The measured FMA peak, for the % of peak column.</param>
    /// <param name="workload">Only the workloads whose name starts with this (W1-W4 or digits, any case), or null for all.</param>
    public static string Run(int rounds, double peakGflops, string? workload = null)
    {
        bool Selected(string name) => workload is null || name.StartsWith(workload, StringComparison.OrdinalIgnoreCase);
        var table = new StringBuilder();
        table.AppendLine(CultureInfo.InvariantCulture, $"Paired timing: {rounds} rounds per cell, each peer about {BatchMilliseconds} ms per round, order rotated; ratio = generated / peer within a round (below 1: the generated code is faster), median [10th-90th percentile].");
        table.AppendLine();
        table.AppendLine("Best peer: the peer with the lowest median ns; generated / best is the paired ratio to it. % of peak = FLOPs (2 x multiply-adds) / ns / the FMA peak above.");
        table.AppendLine("Hand-unrolled: W1 and W2 only; RTNeural (Eigen, xsimd backends; one example only, timed in a loop inside the C++ library): where rtneural/build.sh built it.");
        table.AppendLine();
        table.AppendLine("| workload | cell | Generated ns | % of peak | best peer | generated / best | best % of peak | " + string.Join(" | ", PeerColumns) + " |");
        table.AppendLine("|---|---|---:|---:|---|---:|---:|" + string.Concat(PeerColumns.Select(_ => "---:|")));

        if (Selected(Workloads.Digits.Name))
        {
            var digits = new DigitsEpochBenchmarks();
            digits.Setup();
            long digitsFlops = 2 * DigitsEpochBenchmarks.MultiplyAdds(1347);
            Row(table, Workloads.Digits.Name, "epoch (1,347 rows, batch 32)", digitsFlops, peakGflops, rounds, new (string, Action, Func<long, double>?)[]
            {
                ("Generated", () => digits.Generated(), null), ("Tiled", () => digits.Tiled(), null),
                ("TensorPrimitives", () => digits.Primitives(), null), ("ArrayMlp", () => digits.Array(), null),
            });
        }

        foreach (CellBenchmarks bench in new CellBenchmarks[] { new W1Benchmarks(), new W2Benchmarks(), new W3Benchmarks(), new W4Benchmarks() })
        {
            if (!Selected(bench.Workload.Name))
            {
                continue;
            }

            bench.Setup();
            foreach (var cell in bench.Cells().GroupBy(c => c.Name[..c.Name.IndexOf(':')]))
            {
                long multiplyAdds = cell.Key switch
                {
                    CellBenchmarks.Forward => bench.Workload.ForwardMultiplyAdds,
                    CellBenchmarks.ForwardBatch => bench.Workload.ForwardMultiplyAdds * Workloads.Batch,
                    _ => bench.Workload.TrainingMultiplyAdds * Workloads.Batch,
                };
                var peers = cell.Select(c => (Peer: c.Name[(c.Name.IndexOf(':') + 2)..], c.Action, c.Timer)).ToArray();
                Row(table, bench.Workload.Name, cell.Key, 2 * multiplyAdds, peakGflops, rounds, peers);
            }

            bench.Cleanup();
        }

        return table.ToString();
    }

    private static void Row(StringBuilder table, string workload, string cell, long flops, double peakGflops, int rounds, (string Peer, Action Action, Func<long, double>? Timer)[] peers)
    {
        // Warm up and size each peer's batch of calls to about BatchMilliseconds.
        long[] calls = new long[peers.Length];
        for (int p = 0; p < peers.Length; p++)
        {
            for (int i = 0; i < 20; i++)
            {
                peers[p].Action();
            }

            long n = 1;
            while (Time(peers[p], n) * n < BatchMilliseconds * 1e6 / 4)
            {
                n *= 2;
            }

            calls[p] = n * 4;
        }

        double[][] ns = peers.Select(_ => new double[rounds]).ToArray();
        for (int round = 0; round < rounds; round++)
        {
            for (int q = 0; q < peers.Length; q++)
            {
                int p = (q + round) % peers.Length;
                ns[p][round] = Time(peers[p], calls[p]);
            }
        }

        int g = Array.FindIndex(peers, p => p.Peer == "Generated");
        double[] Ratios(int p) => Enumerable.Range(0, rounds).Select(r => ns[g][r] / ns[p][r]).OrderBy(v => v).ToArray();
        string Percent(double nanoseconds) => string.Create(CultureInfo.InvariantCulture, $"{flops / nanoseconds / peakGflops * 100:0.0##}%");
        string Cell(string name)
        {
            int p = Array.FindIndex(peers, x => x.Peer == name);
            if (p < 0)
            {
                return "-";
            }

            double[] ratios = Ratios(p);
            return string.Create(CultureInfo.InvariantCulture, $"{Ns(Median(ns[p]))} ns / {Percentile(ratios, 0.5):F2} [{Percentile(ratios, 0.1):F2}-{Percentile(ratios, 0.9):F2}]");
        }

        double generated = Median(ns[g]);
        int best = Enumerable.Range(0, peers.Length).Where(p => p != g).MinBy(p => Median(ns[p]));
        double[] bestRatios = Ratios(best);
        string line = string.Create(CultureInfo.InvariantCulture,
            $"| {workload} | {cell} | {Ns(generated)} | {Percent(generated)} | {peers[best].Peer} | {Percentile(bestRatios, 0.5):F2} [{Percentile(bestRatios, 0.1):F2}-{Percentile(bestRatios, 0.9):F2}] | {Percent(Median(ns[best]))} | {string.Join(" | ", PeerColumns.Select(Cell))} |");
        table.AppendLine(line);
        Console.WriteLine(line);
    }

    private static string Ns(double ns) => ns >= 100 ? ns.ToString("N0", CultureInfo.InvariantCulture) : ns.ToString("F1", CultureInfo.InvariantCulture);

    private static double Time((string Peer, Action Action, Func<long, double>? Timer) peer, long calls) =>
        peer.Timer is null ? Time(peer.Action, calls) : peer.Timer(calls);

    private static double Time(Action action, long calls)
    {
        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < calls; i++)
        {
            action();
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls;
    }

    private static double Median(double[] values) => Percentile(values.OrderBy(v => v).ToArray(), 0.5);

    private static double Percentile(double[] sorted, double q)
    {
        double at = q * (sorted.Length - 1);
        int low = (int)Math.Floor(at);
        int high = Math.Min(low + 1, sorted.Length - 1);
        return sorted[low] + ((at - low) * (sorted[high] - sorted[low]));
    }
}
