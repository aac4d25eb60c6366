using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;

/// <summary>
/// --table [--runs N] [--quick] [--r2r published.dll]: every scenario N times (default 11) in fresh processes, the
/// runs of all scenarios and variants interleaved (run 1 of everything, then run 2, ...) so that a slow phase of a
/// shared machine spreads over all of them; then markdown tables of medians with min-max.
/// Variants: the default runtime settings, then the knobs a user can set (--quick: the default only), and with
/// --r2r the same program published ReadyToRun (dotnet publish -p:PublishReadyToRun=true).
/// </summary>
public static class Driver
{
    private static readonly (string Label, Dictionary<string, string> Env)[] Knobs =
    [
        ("DOTNET_TieredPGO=0", new() { ["DOTNET_TieredPGO"] = "0" }),
        ("DOTNET_TC_QuickJitForLoops=0", new() { ["DOTNET_TC_QuickJitForLoops"] = "0" }),
        ("DOTNET_TieredCompilation=0", new() { ["DOTNET_TieredCompilation"] = "0" }),
        ("DOTNET_ReadyToRun=0", new() { ["DOTNET_ReadyToRun"] = "0" }),
    ];

    public static int Run(string[] args)
    {
        int runs = 11;
        bool quick = false;
        string? r2r = null;
        for (int i = 1; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--runs": runs = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--quick": quick = true; break;
                case "--r2r": r2r = Path.GetFullPath(args[++i]); break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        var variants = new List<(string Label, string Dll, Dictionary<string, string> Env)> { ("default", Child.OwnDll, new() { ["FIRSTCALL_LATE_MS"] = "3000" }) };
        if (!quick)
        {
            variants.AddRange(Knobs.Select(k => (k.Label, Child.OwnDll, k.Env)));
        }

        if (r2r is not null)
        {
            variants.Add(("consumer published ReadyToRun", r2r, new()));
        }

        var results = new Dictionary<(string Variant, string Scenario), List<Dictionary<string, double>>>();
        for (int run = 0; run < runs; run++)
        {
            Console.Error.Write($"\rrun {run + 1}/{runs}");
            foreach (var variant in variants)
            {
                foreach (string scenario in Scenarios.Names)
                {
                    (string output, double total) = Child.Run(variant.Dll, [scenario], variant.Env);
                    Dictionary<string, double> values = Child.ParseResult(output)
                        .Where(p => p.Key != "scenario")
                        .ToDictionary(p => p.Key, p => double.Parse(p.Value, CultureInfo.InvariantCulture));
                    values["process_total"] = total;
                    if (!results.TryGetValue((variant.Label, scenario), out var list))
                    {
                        results[(variant.Label, scenario)] = list = new();
                    }

                    list.Add(values);
                }
            }
        }

        Console.Error.WriteLine();
        PrintConditions(runs);
        PrintDefault(results);
        if (variants.Count > 1)
        {
            PrintVariants(results, variants.Select(v => v.Label).ToList());
        }

        return 0;
    }

    private static void PrintConditions(int runs)
    {
        string load = File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a";
        Console.WriteLine($"{runs} fresh processes per cell{(Child.Pinned ? ", pinned to CPU 1 (taskset -c 1)" : "")}; .NET {Environment.Version}, " +
            $"{Environment.ProcessorCount} cores; load average after the runs: {load}. Median (min-max).");
        Console.WriteLine();
    }

    private static readonly Dictionary<string, string> Titles = new()
    {
        ["forward"] = "first `Forward` (one example)",
        ["forward-batch"] = "first `ForwardBatch` (32 rows)",
        ["train-step"] = "first `TrainStep` (32 rows, SGD)",
        ["fit"] = "first one-epoch `Fit` (digits, 1,347 rows, batch 32)",
        ["xor"] = "XOR demo, 300 epochs (samples/Xor's printed time)",
    };

    private static void PrintDefault(Dictionary<(string, string), List<Dictionary<string, double>>> results)
    {
        Console.WriteLine("| scenario (default runtime settings) | first call, ms | CPU ms in it | JIT ms in it | methods compiled | Main -> result, ms | second call, us | after 300 ms of calls, us | 3 s after the first, us | process start -> Main, ms | whole process, ms |");
        Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (string scenario in Scenarios.Names)
        {
            var r = results[("default", scenario)];
            Console.WriteLine($"| {Titles[scenario]} | {Cell(r, "first", "F1")} | {Cell(r, "first_cpu", "F1")} | {Cell(r, "jit", "F1")} | {Cell(r, "jit_methods", "F0")} | " +
                $"{Cell(r, "first_from_main", "F1")} | {Cell(r, "second_us", "F1")} | {Cell(r, "steady_us", "F1")} | {Cell(r, "late_us", "F1")} | " +
                $"{Cell(r, "start_to_main", "F0")} | {Cell(r, "process_total", "F0")} |");
        }

        Console.WriteLine();
    }

    private static void PrintVariants(Dictionary<(string, string), List<Dictionary<string, double>>> results, List<string> variants)
    {
        Console.WriteLine("First call, ms (JIT ms in it; methods compiled), and a call after 300 ms of calls, us, per runtime setting:");
        Console.WriteLine();
        Console.WriteLine("| scenario | " + string.Join(" | ", variants) + " |");
        Console.WriteLine("|---|" + string.Concat(variants.Select(_ => "---:|")));
        foreach (string scenario in Scenarios.Names)
        {
            var cells = variants.Select(v => results[(v, scenario)])
                .Select(r => $"{Median(r, "first"):F1} ({Median(r, "jit"):F1}; {Median(r, "jit_methods"):F0}); {Median(r, "steady_us"):F1} us");
            Console.WriteLine($"| {Titles[scenario]} | " + string.Join(" | ", cells) + " |");
        }

        Console.WriteLine();
    }

    private static double Median(List<Dictionary<string, double>> runs, string key)
    {
        double[] v = runs.Select(r => r[key]).Order().ToArray();
        return v.Length % 2 == 1 ? v[v.Length / 2] : (v[(v.Length / 2) - 1] + v[v.Length / 2]) / 2;
    }

    private static string Cell(List<Dictionary<string, double>> runs, string key, string format)
    {
        double[] v = runs.Select(r => r[key]).Order().ToArray();
        string f(double x) => x.ToString(format, CultureInfo.InvariantCulture);
        return $"{f(Median(runs, key))} ({f(v[0])}-{f(v[^1])})";
    }
}
