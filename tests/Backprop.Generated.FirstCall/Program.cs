using System;
using System.Diagnostics;
using System.Runtime;
using Backprop.Generated;

// Time to the first result (issue 19, "The first call"). JIT compilation happens once per process, so every scenario
// runs in a fresh process:
//   dotnet <dll> <scenario>             one scenario, printed as one RESULT line (Scenarios.cs)
//   dotnet <dll> --table [--runs N]     the driver: every scenario N times (default 11) as child processes, pinned to
//                                       CPU 1 with taskset where present, under the default runtime settings and the
//                                       knobs a user can set; prints markdown tables of medians (Driver.cs)
//   dotnet <dll> --methods <scenario>   the methods compiled during the scenario's first call: name, JIT ms, tier
//                                       (runtime JIT events), and the DOTNET_JitDisasmSummary list (MethodList.cs)
// The scenarios: forward, forward-batch, train-step, fit, xor (see Scenarios.Names).
public static class Program
{
    public static int Main(string[] args)
    {
        // First thing: the clock from Main's start, and the wall-clock time for "process start -> Main".
        long mainStart = Stopwatch.GetTimestamp();
        DateTime mainStartUtc = DateTime.UtcNow;
        if (args.Length == 0)
        {
            Console.Error.WriteLine("usage: <scenario> | --table [--runs N] [--dll other.dll] [--quick] | --methods <scenario>");
            Console.Error.WriteLine("scenarios: " + string.Join(", ", Scenarios.Names));
            return 2;
        }

        return args[0] switch
        {
            "--table" => Driver.Run(args),
            "--methods" => MethodList.Run(args),
            _ => Scenarios.Run(args[0], mainStart, mainStartUtc, listen: args.Length > 1 && args[1] == "--listen"),
        };
    }
}
