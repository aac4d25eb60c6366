using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using System.Threading;
using Xunit.Abstractions;
using Xunit.Sdk;

namespace Backprop.Generated.Numerics.Tests;

/// <summary>
/// Runs this assembly's xunit tests in process, without <c>dotnet test</c>: the entry point of a self-contained
/// publish for another architecture (.ci/run runs the linux-arm64 publish under qemu-user, where no test host or SDK of
/// that architecture exists). <c>dotnet test</c> does not call it: the test host loads the assembly as a library.
/// </summary>
/// <remarks>
/// Usage: <c>Backprop.Generated.Numerics.Tests [--class NAME]...</c>: the tests of every class whose full name ends
/// with one of the NAMEs (all tests without <c>--class</c>). Prints each failure with its message and stack trace, the
/// hardware the kernels see, and last the line <c>N passed, N failed, N skipped</c>; the exit code is 1 when a test
/// failed or none ran. It uses xunit's own discovery and execution (<see cref="XunitTestFramework"/>), so theories,
/// member data, fixtures and skips behave as under <c>dotnet test</c>.
/// </remarks>
public static class InProcessRunner
{
    public static int Main(string[] args)
    {
        var classes = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--class" && i + 1 < args.Length)
            {
                classes.Add(args[++i]);
            }
            else
            {
                Console.Error.WriteLine($"unknown argument '{args[i]}'; usage: [--class NAME]...");
                return 2;
            }
        }

        Console.WriteLine(
            $"{System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}, "
            + $"Vector128 accelerated: {System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated}, "
            + $"Vector256: {System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated}, "
            + $"AdvSimd: {System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported}, "
            + $"Avx2: {System.Runtime.Intrinsics.X86.Avx2.IsSupported}");

        Assembly assembly = typeof(InProcessRunner).Assembly;
        var diagnostics = new Sink();
        using var framework = new XunitTestFramework(diagnostics);
        using ITestFrameworkDiscoverer discoverer = framework.GetDiscoverer(Reflector.Wrap(assembly));

        var discovery = new Sink();
        discoverer.Find(includeSourceInformation: false, discovery, new Options());
        discovery.Finished.WaitOne();
        List<ITestCase> selected = discovery.TestCases
            .Where(t => classes.Count == 0 || classes.Any(c => t.TestMethod.TestClass.Class.Name.EndsWith(c, StringComparison.Ordinal)))
            .ToList();
        Console.WriteLine($"{selected.Count} of {discovery.TestCases.Count} test cases selected");

        using ITestFrameworkExecutor executor = framework.GetExecutor(assembly.GetName());
        var execution = new Sink();
        executor.RunTests(selected, execution, new Options());
        execution.Finished.WaitOne();

        Console.WriteLine($"{execution.Passed} passed, {execution.Failed} failed, {execution.Skipped} skipped");
        return execution.Failed > 0 || execution.Passed == 0 ? 1 : 0;
    }

    /// <summary>Collects discovered test cases and counts results; signals when discovery or the run is complete.</summary>
    private sealed class Sink : Xunit.LongLivedMarshalByRefObject, IMessageSink
    {
        public List<ITestCase> TestCases { get; } = new();

        public ManualResetEvent Finished { get; } = new(false);

        public int Passed { get; private set; }

        public int Failed { get; private set; }

        public int Skipped { get; private set; }

        public bool OnMessage(IMessageSinkMessage message)
        {
            switch (message)
            {
                case ITestCaseDiscoveryMessage discovered:
                    TestCases.Add(discovered.TestCase);
                    break;
                case IDiscoveryCompleteMessage:
                case ITestAssemblyFinished:
                    Finished.Set();
                    break;
                case ITestPassed:
                    Passed++;
                    break;
                case ITestSkipped:
                    Skipped++;
                    break;
                case ITestFailed failed:
                    Failed++;
                    Console.WriteLine($"[FAIL] {failed.Test.DisplayName}");
                    Console.WriteLine(string.Join(Environment.NewLine, failed.Messages));
                    Console.WriteLine(string.Join(Environment.NewLine, failed.StackTraces));
                    break;
                case IErrorMessage error:
                    Failed++;
                    Console.WriteLine($"[ERROR] {string.Join(Environment.NewLine, error.Messages)}");
                    break;
            }

            return true;
        }
    }

    /// <summary>Discovery and execution options: xunit's defaults, except that theories are enumerated into one test
    /// case per data row (as <c>dotnet test</c> shows them).</summary>
    private sealed class Options : Xunit.LongLivedMarshalByRefObject, ITestFrameworkDiscoveryOptions, ITestFrameworkExecutionOptions
    {
        private readonly Dictionary<string, object?> _values = new() { ["xunit.discovery.PreEnumerateTheories"] = true };

        public TValue GetValue<TValue>(string name) =>
            _values.TryGetValue(name, out object? value) && value is TValue typed ? typed : default!;

        public void SetValue<TValue>(string name, TValue value) => _values[name] = value;
    }
}
