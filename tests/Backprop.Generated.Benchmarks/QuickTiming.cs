using System;
using System.Diagnostics;
using Backprop.Generated;

/// <summary>
/// <c>--quick</c>: a rough Stopwatch timing of every peer on every cell (best of 15 rounds of about 20 ms), for a look
/// while developing; the numbers to publish come from BenchmarkDotNet.
/// </summary>
public static class QuickTiming
{
    public static void Run(string filter)
    {
        foreach (CellBenchmarks bench in new CellBenchmarks[] { new W1Benchmarks(), new W2Benchmarks(), new W3Benchmarks(), new W4Benchmarks() })
        {
            if (!bench.Workload.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            bench.Setup();
            foreach ((string name, Action action, _) in bench.Cells())
            {
                Console.WriteLine($"{bench.Workload.Name,-16} {name,-45} {Time(action),14:N1} ns");
            }

            bench.Cleanup();
        }
    }

    private static double Time(Action action)
    {
        for (int i = 0; i < 100; i++)
        {
            action();
        }

        long calls = 16;
        while (true)
        {
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < calls; i++)
            {
                action();
            }

            if (Stopwatch.GetElapsedTime(start).TotalMilliseconds > 20)
            {
                break;
            }

            calls *= 2;
        }

        double best = double.MaxValue;
        for (int round = 0; round < 15; round++)
        {
            long start = Stopwatch.GetTimestamp();
            for (long i = 0; i < calls; i++)
            {
                action();
            }

            best = Math.Min(best, Stopwatch.GetElapsedTime(start).TotalNanoseconds / calls);
        }

        return best;
    }
}
