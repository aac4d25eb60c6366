using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;

/// <summary>
/// --methods &lt;scenario&gt; [--top N] [--all]: what the scenario's first call compiles, from one fresh process run with
/// DOTNET_JitStdOutFile + DOTNET_JitDisasmSummary=1 (every method the JIT compiles, with its tier, in order) and with the
/// runtime's JIT events listened to in process (each method's JIT time: MethodJittingStarted to MethodLoadVerbose).
/// Prints the most expensive methods by JIT time, then the summary's list between the markers compiled just before and
/// just after the first call, its tiers, and how many of them are kernel instantiations for a layer shape (methods
/// instantiated over a generated LayerNShape type). Listening costs time of its own: these JIT times are for ranking;
/// the --table figures are measured without it.
/// </summary>
public static partial class MethodList
{
    public static int Run(string[] args)
    {
        string scenario = args.Length > 1 ? args[1] : throw new ArgumentException("--methods needs a scenario: " + string.Join(", ", Scenarios.Names));
        int top = 15;
        bool all = false;
        for (int i = 2; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--top": top = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                case "--all": all = true; break;
                default: throw new ArgumentException($"unknown option '{args[i]}'");
            }
        }

        string summaryFile = Path.Combine(Path.GetTempPath(), $"firstcall-jit-{Environment.ProcessId}.txt");
        try
        {
            (string output, _) = Child.Run(Child.OwnDll, [scenario, "--listen"], new Dictionary<string, string>
            {
                ["DOTNET_JitStdOutFile"] = summaryFile,
                ["DOTNET_JitDisasmSummary"] = "1",
            });
            var events = output.Split('\n').Where(l => l.StartsWith("METHOD\t", StringComparison.Ordinal))
                .Select(l => l.Split('\t')).Select(p => (Ms: double.Parse(p[1], CultureInfo.InvariantCulture), Tier: p[2], Name: p[3]))
                .ToList();
            string[] lines = File.ReadAllLines(summaryFile);
            int begin = Array.FindIndex(lines, l => l.Contains("Scenarios:FirstCallBegins", StringComparison.Ordinal));
            int end = Array.FindIndex(lines, l => l.Contains("Scenarios:FirstCallEnded", StringComparison.Ordinal));
            string[] window = begin >= 0 && end > begin ? lines[(begin + 1)..end].Select(l => l.Trim()).ToArray() : [];

            // The events name no method instantiation (Layer1Shape or Layer2Shape): each event takes the full name and
            // tier of the next summary line, in compile order, of the same method name.
            var methods = new List<(double Ms, string Tier, string Name)>();
            int next = 0;
            foreach (var e in events)
            {
                string method = e.Name[(e.Name.LastIndexOf(':') + 1)..];
                int at = Array.FindIndex(window, next, l => l.Contains($":{method}(", StringComparison.Ordinal) || l.Contains($":{method}[", StringComparison.Ordinal));
                if (at < 0)
                {
                    methods.Add((e.Ms, e.Tier, e.Name));
                    continue;
                }

                next = at + 1;
                Match match = SummaryPattern().Match(window[at]);
                methods.Add(match.Success ? (e.Ms, match.Groups[2].Value, match.Groups[1].Value) : (e.Ms, e.Tier, window[at]));
            }

            methods = methods.OrderByDescending(m => m.Ms).ToList();
            Console.WriteLine($"## {scenario}: the first call compiles {methods.Count} methods in {methods.Sum(m => m.Ms):F1} ms (JIT events, listener attached)");
            Console.WriteLine();
            Console.WriteLine("| JIT ms | tier | method |");
            Console.WriteLine("|---:|---|---|");
            foreach (var m in methods.Take(all ? int.MaxValue : top))
            {
                Console.WriteLine($"| {m.Ms:F2} | {m.Tier} | `{m.Name}` |");
            }

            Console.WriteLine();
            if (window.Length == 0)
            {
                Console.WriteLine("(the DOTNET_JitDisasmSummary markers were not found: a runtime without JitStdOutFile support?)");
                return 0;
            }

            var tiers = window.Select(l => SummaryPattern().Match(l)).Where(m => m.Success).GroupBy(m => m.Groups[2].Value)
                .Select(g => $"{g.Count()} {g.Key}");
            string[] kernels = window.Where(l => l.Contains("Shape", StringComparison.Ordinal)).ToArray();
            Console.WriteLine($"DOTNET_JitDisasmSummary between the markers: {window.Length} methods ({string.Join(", ", tiers)}); " +
                $"{kernels.Length} of them instantiated over a layer-shape type:");
            Console.WriteLine();
            Console.WriteLine("```");
            foreach (string l in window)
            {
                Console.WriteLine(l);
            }

            Console.WriteLine("```");
        }
        finally
        {
            File.Delete(summaryFile);
        }

        return 0;
    }

    /// <summary>A DOTNET_JitDisasmSummary line: "12: JIT compiled Type:Method[inst](args) [Tier, IL size=.., code size=..]".</summary>
    [GeneratedRegex(@"^\d+: JIT compiled (.*) \[([^,\]]+)")]
    private static partial Regex SummaryPattern();
}
