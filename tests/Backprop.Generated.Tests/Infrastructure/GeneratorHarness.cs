using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Backprop.Generated.Generator;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Diagnostics;

namespace Backprop.Generated.Tests.Infrastructure;

/// <summary>The outcome of running the generator (and any analyzers) over some source.</summary>
public sealed record GeneratorRun(
    CSharpCompilation Input,
    Compilation Output,
    GeneratorDriver Driver,
    GeneratorDriverRunResult Result,
    ImmutableArray<Diagnostic> GeneratorDiagnostics,
    ImmutableArray<Diagnostic> CompilerDiagnostics)
{
    /// <summary>Every generated source text, keyed by hint name.</summary>
    public IReadOnlyDictionary<string, string> Sources =>
        Result.Results.SelectMany(r => r.GeneratedSources).ToDictionary(s => s.HintName, s => s.SourceText.ToString());

    /// <summary>All diagnostics: the generator's plus the compiler's over the generated output.</summary>
    public ImmutableArray<Diagnostic> AllDiagnostics => GeneratorDiagnostics.AddRange(CompilerDiagnostics);
}

/// <summary>
/// Compiles user source the way a consumer project would: C# 12 or later, nullable enabled, every
/// warning an error, the runtime library referenced, the generator run by a real
/// <see cref="CSharpGeneratorDriver"/>. Shared by generator, analyzer and numerical tests.
/// </summary>
public static class GeneratorHarness
{
    private static readonly Lazy<ImmutableArray<MetadataReference>> LazyReferences = new(() =>
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!)
            .Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal)
                        || Path.GetFileName(p) is "mscorlib.dll" or "netstandard.dll")
            .ToList();
        paths.Add(typeof(NetworkAttribute).Assembly.Location);
        return paths.Distinct().Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)).ToImmutableArray();
    });

    public static ImmutableArray<MetadataReference> References => LazyReferences.Value;

    public static CSharpParseOptions ParseOptions(LanguageVersion version = LanguageVersion.CSharp12) =>
        new(version, DocumentationMode.Diagnose);

    public static CSharpCompilation CreateCompilation(string source, LanguageVersion version = LanguageVersion.CSharp12, string path = "Network.cs") =>
        CreateCompilation(new[] { (source, path) }, version);

    public static CSharpCompilation CreateCompilation(IEnumerable<(string Source, string Path)> sources, LanguageVersion version = LanguageVersion.CSharp12) =>
        CSharpCompilation.Create(
            "UserAssembly" + Guid.NewGuid().ToString("N"),
            sources.Select(s => CSharpSyntaxTree.ParseText(s.Source, ParseOptions(version), s.Path)),
            References,
            new CSharpCompilationOptions(
                OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable,
                generalDiagnosticOption: ReportDiagnostic.Error,
                // CS1591 (missing XML doc) is for the user's own members, not what we test.
                specificDiagnosticOptions: new Dictionary<string, ReportDiagnostic> { ["CS1591"] = ReportDiagnostic.Suppress }));

    public static GeneratorDriver CreateDriver(LanguageVersion version = LanguageVersion.CSharp12, bool trackSteps = false) =>
        CSharpGeneratorDriver.Create(
            new[] { new NetworkGenerator().AsSourceGenerator() },
            parseOptions: ParseOptions(version),
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: trackSteps));

    public static GeneratorRun Run(string source, LanguageVersion version = LanguageVersion.CSharp12, params DiagnosticAnalyzer[] analyzers) =>
        Run(CreateCompilation(source, version), version, analyzers);

    public static GeneratorRun Run(CSharpCompilation input, LanguageVersion version = LanguageVersion.CSharp12, params DiagnosticAnalyzer[] analyzers)
    {
        GeneratorDriver driver = CreateDriver(version).RunGeneratorsAndUpdateCompilation(input, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        ImmutableArray<Diagnostic> compilerDiagnostics = output.GetDiagnostics();
        // The declaration diagnostics (BPG001...) come from the analyzer that ships in the generator
        // assembly, exactly as in a user's build; tests add further analyzers (the call-site checks).
        if (!analyzers.Any(a => a is Backprop.Generated.Generator.Analyzers.DeclarationAnalyzer))
        {
            analyzers = analyzers.Prepend(new Backprop.Generated.Generator.Analyzers.DeclarationAnalyzer()).ToArray();
        }

        compilerDiagnostics = compilerDiagnostics.AddRange(
            output.WithAnalyzers(analyzers.ToImmutableArray()).GetAnalyzerDiagnosticsAsync().GetAwaiter().GetResult());

        return new GeneratorRun(input, output, driver, driver.GetRunResult(), generatorDiagnostics, compilerDiagnostics);
    }

    /// <summary>The single generated file (asserts there is exactly one).</summary>
    public static string GenerateSingle(string source)
    {
        GeneratorRun run = Run(source);
        AssertClean(run);
        return run.Sources.Values.Single();
    }

    /// <summary>Fails with the full list if any diagnostic of warning severity or above (or any error) exists.</summary>
    public static void AssertClean(GeneratorRun run)
    {
        Diagnostic[] problems = run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError).ToArray();
        if (problems.Length > 0)
        {
            throw new Xunit.Sdk.XunitException("Expected no warnings or errors, got:\n" + string.Join("\n", problems.Select(d => d.ToString())));
        }
    }

    /// <summary>Runs the generator, requires a clean compile (warnings as errors) and loads the result.</summary>
    public static Assembly CompileAndLoad(string source, LanguageVersion version = LanguageVersion.CSharp12)
    {
        GeneratorRun run = Run(source, version);
        AssertClean(run);
        using var stream = new MemoryStream();
        var emit = run.Output.Emit(stream);
        if (!emit.Success)
        {
            throw new Xunit.Sdk.XunitException("Emit failed:\n" + string.Join("\n", emit.Diagnostics));
        }

        stream.Position = 0;
        var context = new AssemblyLoadContext("generated-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        return context.LoadFromStream(stream);
    }
}
