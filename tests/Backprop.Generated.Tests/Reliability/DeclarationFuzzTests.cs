using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using System.Threading;
using Backprop.Generated.Tests.Infrastructure;
using CsCheck;
using Backprop.Generated.Generator.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// Property-based fuzzing of [Network] and [Layer] declarations (issue 5; the [Layer] form since issue 10: broken
/// chains, sizes, activations, Loss/Precision on two layers, mixed forms and split partial declarations). Each CsCheck sample is one compilation
/// of 60-90 fuzzed declarations, one file each (see <see cref="FuzzCase"/> for what is varied). For
/// every sample: the generator never throws; each invalid declaration gets exactly the BPG errors the
/// independent oracle in <see cref="FuzzCase"/> predicts, located inside the declaration; each valid one
/// has no diagnostic at all (warnings are errors), and nothing generated has a diagnostic. A subset
/// of the valid ones per sample is compiled alone, loaded and run against a reference forward pass.
/// On failure CsCheck prints the seed to replay (pass it as <c>seed:</c> to Sample).
/// </summary>
public class DeclarationFuzzTests
{
    private const int Samples = 140;
    private const int RunPerSample = 4;

    private readonly ITestOutputHelper _output;

    public DeclarationFuzzTests(ITestOutputHelper output) => _output = output;

    private static readonly Gen<int[][]> Declarations = Gen.Int[0, int.MaxValue].Array[48].Array[60, 90];

    [Fact]
    public void EveryFuzzedDeclarationIsReportedOrCompilesAndRuns()
    {
        long cases = 0, valid = 0, ran = 0, compilerErrors = 0;
        var ids = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        Declarations.Sample(
            draws =>
            {
                (int v, int r, int e) = CheckSample(draws, ids);
                Interlocked.Add(ref cases, draws.Length);
                Interlocked.Add(ref valid, v);
                Interlocked.Add(ref ran, r);
                Interlocked.Add(ref compilerErrors, e);
            },
            iter: Samples,
            print: draws => $"{draws.Length} declarations (the failing one is named in the exception above)");

        _output.WriteLine($"{cases} fuzzed declarations: {valid} valid (generated, compiled clean), {ran} of them loaded and run, {compilerErrors} with compiler errors; BPG IDs seen: {string.Join(", ", ids.OrderBy(p => p.Key).Select(p => $"{p.Key} x{p.Value}"))}");
        Assert.True(cases >= 10_000, $"only {cases} cases");

        // The generator of cases must reach every declaration diagnostic: BPG001-BPG011, BPG014, BPG015, BPG018, the [Layer]
        // form's BPG020-BPG023 and BPG040-BPG042.
        foreach (string id in new[] { "BPG001", "BPG002", "BPG003", "BPG004", "BPG005", "BPG006", "BPG007", "BPG008", "BPG009", "BPG010", "BPG011", "BPG014", "BPG015", "BPG018", "BPG020", "BPG021", "BPG022", "BPG023", "BPG040", "BPG041", "BPG042" })
        {
            Assert.True(ids.ContainsKey(id), $"no fuzzed declaration produced {id}");
        }

        // At least a fifth valid (about 27% are): since issue 10 records (BPG014) and broken [Layer] chains are invalid kinds too.
        Assert.True(valid > cases / 5 && ran > Samples, $"too few valid cases: {valid} valid, {ran} run");
    }

    private static (int Valid, int Ran, int CompilerErrors) CheckSample(int[][] draws, System.Collections.Concurrent.ConcurrentDictionary<string, int> ids)
    {
        FuzzCase[] cases = draws.Select((draw, i) => FuzzCase.Create(i, draw)).ToArray();
        CSharpCompilation input = GeneratorHarness.CreateCompilation(cases.Select(c => (c.Source, c.Path)));
        GeneratorDriver driver = GeneratorHarness.CreateDriver()
            .RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorDriverRunResult result = driver.GetRunResult();

        // 1. The generator never throws (an exception would surface as CS8785 and remove every output).
        foreach (GeneratorRunResult run in result.Results)
        {
            if (run.Exception is not null)
            {
                // Name the declarations the exception mentions, so the failure shows their source.
                string message = run.Exception.Message;
                string suspects = string.Join("\n", cases.Where(c => message.Contains($"Net{c.Index}.", StringComparison.Ordinal) || message.Contains($"Outer{c.Index}_", StringComparison.Ordinal)));
                Assert.Fail($"generator threw: {run.Exception}\n{suspects}");
            }
        }

        Assert.DoesNotContain(generatorDiagnostics, d => d.Id is "CS8784" or "CS8785" or "AD0001");

        var inputTrees = new HashSet<SyntaxTree>(input.SyntaxTrees);
        ImmutableArray<Diagnostic> all = generatorDiagnostics
            .AddRange(output.GetDiagnostics())
            .AddRange(output.WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeclarationAnalyzer())).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());

        // 2. Nothing generated has a diagnostic, and nothing is reported without a location.
        foreach (Diagnostic d in all.Where(d => d.Severity >= DiagnosticSeverity.Warning))
        {
            // The declaration analyzer's and the compiler's diagnostics carry the syntax tree itself.
            Assert.True(d.Location.Kind != LocationKind.None, "diagnostic without a location: " + d);
            if (d.Location.SourceTree is { } tree && !inputTrees.Contains(tree))
            {
                Assert.Fail($"generated code has a diagnostic: {d}\n{tree.GetText()}");
            }
        }

        ILookup<string, Diagnostic> byFile = all.Where(d => d.Location.Kind != LocationKind.None).ToLookup(d => d.Location.GetLineSpan().Path);
        int compilerErrors = 0;
        foreach (FuzzCase c in cases)
        {
            Diagnostic[] mine = byFile[c.Path].ToArray();
            Diagnostic[] bpg = mine.Where(d => d.Id.StartsWith("BPG", StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error).ToArray();
            foreach (Diagnostic d in bpg)
            {
                ids.AddOrUpdate(d.Id, 1, (_, n) => n + 1);
                Assert.True(
                    d.Location.SourceSpan.Start >= c.DeclarationStart && d.Location.SourceSpan.End <= c.DeclarationEnd,
                    $"{d} is outside the declaration [{c.DeclarationStart}, {c.DeclarationEnd}) of {c}");
                Assert.False(string.IsNullOrWhiteSpace(d.GetMessage(System.Globalization.CultureInfo.InvariantCulture)), d.ToString());
            }

            if (c.CompilerError is null)
            {
                string actual = string.Join(", ", bpg.Select(d => d.Id).Distinct().OrderBy(id => id, StringComparer.Ordinal));
                Assert.True(
                    actual == string.Join(", ", c.ExpectedIds),
                    $"expected BPG errors [{string.Join(", ", c.ExpectedIds)}] but got [{actual}]:\n{string.Join("\n", mine.Select(d => d.ToString()))}\nfor {c}");
                Diagnostic[] others = mine.Where(d => !d.Id.StartsWith("BPG", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning && !c.CompilerWarnings.Contains(d.Id)).ToArray();
                Assert.True(others.Length == 0, $"unexpected compiler diagnostics:\n{string.Join("\n", others.Select(d => d.ToString()))}\nfor {c}");
            }
            else
            {
                compilerErrors++;
                Assert.True(
                    mine.Any(d => d.Severity == DiagnosticSeverity.Error && d.Location.SourceSpan.Start >= c.DeclarationStart && d.Location.SourceSpan.Start <= c.DeclarationEnd),
                    $"no error located in the declaration for {c}\n{string.Join("\n", mine.Select(d => d.ToString()))}");
            }
        }

        // 3. A subset of the valid declarations compiled alone (warnings as errors), loaded and run.
        FuzzCase[] valid = cases.Where(c => c.IsValid).ToArray();
        FuzzCase[] toRun = valid.Where(c => c.RuntimeNames.Count > 0).Take(RunPerSample).ToArray();
        int ran = 0;
        if (toRun.Length > 0)
        {
            GeneratorRun run = GeneratorHarness.Run(GeneratorHarness.CreateCompilation(toRun.Select(c => (c.Source, c.Path))));
            GeneratorHarness.AssertClean(run);
            using var stream = new MemoryStream();
            var emit = run.Output.Emit(stream);
            Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
            stream.Position = 0;
            var context = new AssemblyLoadContext("fuzz-" + Guid.NewGuid().ToString("N"), isCollectible: true);
            try
            {
                Assembly assembly = context.LoadFromStream(stream);
                foreach (FuzzCase c in toRun)
                {
                    foreach (string name in c.RuntimeNames)
                    {
                        Type? type = assembly.GetType(name);
                        Assert.True(type is not null, $"type {name} not found for {c}");
                        RunAgainstReference(c, ReferenceNetwork.Create(type!));
                        ran++;
                    }
                }
            }
            finally
            {
                context.Unload();
            }
        }

        return (valid.Length, ran, compilerErrors);
    }

    private static void RunAgainstReference(FuzzCase c, object instance)
    {
        var random = new Random(c.Index);
        int parameterCount = 0;
        for (int l = 1; l < c.Sizes.Length; l++)
        {
            parameterCount += (c.Sizes[l - 1] * c.Sizes[l]) + c.Sizes[l];
        }

        double[] parameters = Enumerable.Range(0, parameterCount).Select(_ => (random.NextDouble() * 2) - 1).ToArray();
        double[] input = Enumerable.Range(0, c.Sizes[0]).Select(_ => (random.NextDouble() * 4) - 2).ToArray();
        double[] actual, batch;
        double relative, absolute;
        if (c.Double)
        {
            actual = ReferenceNetwork.Run(instance, parameters, input, c.Sizes[^1], out batch);
            (relative, absolute) = (1e-12, 1e-13);
        }
        else
        {
            float[] p = parameters.Select(v => (float)v).ToArray();
            float[] x = input.Select(v => (float)v).ToArray();
            actual = ReferenceNetwork.Run(instance, p, x, c.Sizes[^1], out batch);
            parameters = p.Select(v => (double)v).ToArray();
            input = x.Select(v => (double)v).ToArray();
            (relative, absolute) = (1e-4, 1e-5);
        }

        double[] expected = ReferenceNetwork.Forward(c.Sizes, c.Activations, parameters, input);
        for (int k = 0; k < expected.Length; k++)
        {
            Assert.True(
                Math.Abs(actual[k] - expected[k]) <= absolute + (relative * Math.Abs(expected[k])),
                $"output {k}: {actual[k]} but the reference gives {expected[k]} for {c}");

            // ForwardBatch runs other kernels (examples in SIMD lanes): it meets the same tolerance, and both of its rows agree exactly.
            Assert.True(
                Math.Abs(batch[k] - expected[k]) <= absolute + (relative * Math.Abs(expected[k])),
                $"ForwardBatch output {k}: {batch[k]} but the reference gives {expected[k]} for {c}");
            Assert.Equal(batch[k], batch[expected.Length + k]);
        }
    }
}
