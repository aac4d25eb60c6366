using System;
using System.Diagnostics;
using System.Linq;

/// <summary>
/// <c>--min [WORKLOAD]</c> (development): the small-network peers of issue 19 (generated, hand-unrolled, RTNeural, tiled) on
/// W1 and W2, timed in turns in 300 rounds of about 1 ms per peer; prints each peer's minimum, 10th percentile and
/// median ns. On a loaded 2-core machine the minimum of many short alternating rounds moved by about 1% between runs
/// where --paired's medians moved by 20-50%, so this is the mode for comparing two versions of a peer's code.
/// </summary>
public static class MinTiming
{
    private const int Rounds = 300;

    public static void Run(string filter)
    {
        foreach (CellBenchmarks bench in new CellBenchmarks[] { new W1Benchmarks(), new W2Benchmarks() })
        {
            if (!bench.Workload.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            bench.Setup();
            var cells = bench.Cells()
                .Where(c => c.Name.EndsWith(": Generated", StringComparison.Ordinal) || c.Name.Contains("Hand-unrolled", StringComparison.Ordinal)
                    || c.Name.Contains("RTNeural", StringComparison.Ordinal) || c.Name.EndsWith(": Tiled", StringComparison.Ordinal))
                .ToArray();
            long[] calls = new long[cells.Length];
            for (int p = 0; p < cells.Length; p++)
            {
                for (int i = 0; i < 200; i++)
                {
                    cells[p].Action();
                }

                long n = 1;
                while (Time(cells[p], n) * n < 1e6)
                {
                    n *= 2;
                }

                calls[p] = n;
            }

            double[][] ns = cells.Select(_ => new double[Rounds]).ToArray();
            for (int round = 0; round < Rounds; round++)
            {
                for (int q = 0; q < cells.Length; q++)
                {
                    int p = (q + round) % cells.Length;
                    ns[p][round] = Time(cells[p], calls[p]);
                }
            }

            for (int p = 0; p < cells.Length; p++)
            {
                double[] sorted = ns[p].OrderBy(v => v).ToArray();
                Console.WriteLine($"{bench.Workload.Name,-14} {cells[p].Name,-36} min {sorted[0],10:N1}  p10 {sorted[Rounds / 10],10:N1}  median {sorted[Rounds / 2],10:N1} ns");
            }

            bench.Cleanup();
        }
    }

    private static double Time((string Name, Action Action, Func<long, double>? Timer) cell, long calls)
    {
        if (cell.Timer is not null)
        {
            return cell.Timer(calls);
        }

        long start = Stopwatch.GetTimestamp();
        for (long i = 0; i < calls; i++)
        {
            cell.Action();
        }

        return Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls;
    }
}
