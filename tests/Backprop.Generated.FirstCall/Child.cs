using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;

/// <summary>Starts one scenario in a fresh process: dotnet &lt;dll&gt; &lt;scenario&gt;, pinned to CPU 1 with taskset where present.</summary>
public static class Child
{
    /// <summary>The runtime knobs a variant may set; every child starts with all of them cleared.</summary>
    public static readonly string[] Knobs =
    [
        "DOTNET_TieredCompilation", "DOTNET_TieredPGO", "DOTNET_TC_QuickJitForLoops", "DOTNET_TC_QuickJit",
        "DOTNET_ReadyToRun", "DOTNET_OSR_HitLimit", "DOTNET_TC_CallCountThreshold", "DOTNET_JitStdOutFile",
        "DOTNET_JitDisasmSummary", "FIRSTCALL_WARM_MS", "FIRSTCALL_LATE_MS",
    ];

    public static bool Pinned { get; } = File.Exists("/usr/bin/taskset") && Environment.ProcessorCount >= 2;

    /// <summary>This program's own dll (also when started through its apphost by dotnet run).</summary>
    public static string OwnDll => typeof(Child).Assembly.Location;

    /// <summary>Runs the child and returns its standard output and the wall time from starting it to its exit.</summary>
    public static (string Output, double TotalMs) Run(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(Pinned ? "taskset" : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (Pinned)
        {
            info.ArgumentList.Add("-c");
            info.ArgumentList.Add("1");
            info.ArgumentList.Add("dotnet");
        }

        info.ArgumentList.Add(dll);
        foreach (string a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (string knob in Knobs)
        {
            info.Environment.Remove(knob);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        long start = Stopwatch.GetTimestamp();
        using Process process = Process.Start(info)!;
        var stderr = process.StandardError.ReadToEndAsync();
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        double total = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"child '{string.Join(' ', info.ArgumentList)}' exited with {process.ExitCode}: {stderr.Result}");
        }

        return (output, total);
    }

    /// <summary>The RESULT line's name=value pairs.</summary>
    public static Dictionary<string, string> ParseResult(string output)
    {
        string line = output.Split('\n').Single(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
        return line.Split(' ').Skip(1).Select(p => p.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
    }
}
