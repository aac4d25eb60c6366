using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Reflection;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Backprop.Generated.Tests;

/// <summary>
/// No project setting surfaces as an error inside a generated file. The settings people use either compile
/// the generated code cleanly (warnings as errors), or give the one located error BPG013 on the declaration
/// and generate nothing: LangVersion 9, 10, 11 (was CS8773, CS8936, CS9058 in the generated file), 12,
/// latest, preview; nullable disabled; implicit usings; documentation required; netstandard2.0 (was CS0234,
/// InlineArray missing), net8.0 and net10.0.
/// </summary>
public class ProjectSettingsTests
{
    private const string Source = """
        using Backprop.Generated;

        namespace App
        {
            /// <summary>The README's network.</summary>
            [Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
            public partial class Student { }

            /// <summary>Declared layer by layer.</summary>
            [Layer(1, 3, Activation.ReLU)]
            [Layer(3, 3, Activation.Softmax, Loss = Loss.CrossEntropy)]
            public partial class Layered { }
        }
        """;

    private const string Usage = """
        namespace App
        {
            /// <summary>Calls every kind of generated member.</summary>
            public static class Use
            {
                /// <summary>Runs the networks.</summary>
                public static float Run()
                {
                    var student = new Student();
                    student.InitializeParameters(1);
                    var layered = new Layered();
                    layered.InitializeParameters(2);
                    float[] y = new float[1];
                    student.Forward(new float[] { 0.9f, 0.2f, 0.4f }, y);
                    Layered.Output typed = layered.Forward(new Layered.Input());
                    float[] gradients = new float[Student.ParameterCount];
                    return y[0] + typed[0] + student.ComputeGradients(new float[] { 1f, 2f, 3f }, new float[] { 1f }, gradients);
                }
            }
        }
        """;

    public static TheoryData<LanguageVersion> OldLanguageVersions => new() { LanguageVersion.CSharp9, LanguageVersion.CSharp10, LanguageVersion.CSharp11 };

    [Theory]
    [MemberData(nameof(OldLanguageVersions))]
    public void LangVersion_below_12_gives_one_located_error_per_network_and_no_generated_file(LanguageVersion version)
    {
        GeneratorRun run = GeneratorHarness.Run(Source, version);
        AssertOnlyBpg013(run, version.ToDisplayString());
    }

    public static TheoryData<LanguageVersion> SupportedLanguageVersions => new() { LanguageVersion.CSharp12, LanguageVersion.Latest, LanguageVersion.LatestMajor, LanguageVersion.Preview, LanguageVersion.Default };

    [Theory]
    [MemberData(nameof(SupportedLanguageVersions))]
    public void LangVersion_12_latest_and_preview_compile_cleanly(LanguageVersion version)
    {
        CSharpCompilation input = GeneratorHarness.CreateCompilation(new[] { (Source, "Network.cs"), (Usage, "Use.cs") }, version);
        AssertCleanAndRuns(GeneratorHarness.Run(input, version));
    }

    [Fact]
    public void Nullable_disabled_compiles_cleanly()
    {
        CSharpCompilation input = GeneratorHarness.CreateCompilation(new[] { (Source, "Network.cs"), (Usage, "Use.cs") });
        input = input.WithOptions(input.Options.WithNullableContextOptions(NullableContextOptions.Disable));
        AssertCleanAndRuns(GeneratorHarness.Run(input));
    }

    /// <summary>The global usings of Microsoft.NET.Sdk with <c>&lt;ImplicitUsings&gt;enable&lt;/ImplicitUsings&gt;</c> (a console project).</summary>
    internal const string SdkImplicitUsings = """
        global using global::System;
        global using global::System.Collections.Generic;
        global using global::System.IO;
        global using global::System.Linq;
        global using global::System.Net.Http;
        global using global::System.Threading;
        global using global::System.Threading.Tasks;
        """;

    [Fact]
    public void Implicit_usings_compile_cleanly()
    {
        CSharpCompilation input = GeneratorHarness.CreateCompilation(new[] { (Source, "Network.cs"), (Usage, "Use.cs"), (SdkImplicitUsings, "GlobalUsings.g.cs") });
        AssertCleanAndRuns(GeneratorHarness.Run(input));
    }

    [Fact]
    public void Documentation_required_with_warnings_as_errors_compiles_cleanly()
    {
        // GenerateDocumentationFile + TreatWarningsAsErrors: CS1591 (missing XML comment) is an error for every
        // public member, generated ones included.
        CSharpCompilation input = GeneratorHarness.CreateCompilation(new[] { (Source, "Network.cs"), (Usage, "Use.cs") });
        input = input.WithOptions(input.Options.WithSpecificDiagnosticOptions(ImmutableDictionary<string, ReportDiagnostic>.Empty));
        AssertCleanAndRuns(GeneratorHarness.Run(input));
    }

    [Fact]
    public void Net8_reference_assemblies_compile_cleanly()
    {
        string pack = Directory.GetDirectories(Path.Combine(NuGetRoot(), "microsoft.netcore.app.ref"), "8.0.*")
            .OrderBy(d => Version.Parse(Path.GetFileName(d)))
            .Last();
        MetadataReference[] references = Directory.GetFiles(Path.Combine(pack, "ref", "net8.0"), "*.dll")
            .Select(p => (MetadataReference)MetadataReference.CreateFromFile(p))
            .Append(MetadataReference.CreateFromFile(Net8Runtime()))
            .ToArray();
        CSharpCompilation input = GeneratorHarness.CreateCompilation(new[] { (Source, "Network.cs"), (Usage, "Use.cs") }).WithReferences(references);
        GeneratorRun run = GeneratorHarness.Run(input);
        GeneratorHarness.AssertClean(run);
        Assert.Equal(3, run.Sources.Count);
    }

    [Theory]
    [InlineData(LanguageVersion.CSharp7_3)]
    [InlineData(LanguageVersion.CSharp12)]
    public void Netstandard20_gives_one_located_error_per_network_and_no_generated_file(LanguageVersion version)
    {
        // netstandard2.0 defaults to C# 7.3; with LangVersion 12 it still has no inline array types.
        string root = NuGetRoot();
        var paths = Directory.GetFiles(Path.Combine(root, "netstandard.library", "2.0.3", "build", "netstandard2.0", "ref"), "*.dll").ToList();
        string memory = Directory.GetDirectories(Path.Combine(root, "system.memory")).OrderBy(d => d, StringComparer.Ordinal).Last();
        paths.Add(Path.Combine(memory, "lib", "netstandard2.0", "System.Memory.dll"));
        string runtime = typeof(ProjectSettingsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NetStandardRuntime").Value!;
        Assert.EndsWith(Path.Combine("netstandard2.0", "Backprop.Generated.dll"), runtime, StringComparison.Ordinal);
        paths.Add(runtime);
        CSharpCompilation input = GeneratorHarness.CreateCompilation(Source, version)
            .WithReferences(paths.Select(p => (MetadataReference)MetadataReference.CreateFromFile(p)));
        if (version < LanguageVersion.CSharp8)
        {
            input = input.WithOptions(input.Options.WithNullableContextOptions(NullableContextOptions.Disable));
        }

        GeneratorRun run = GeneratorHarness.Run(input, version);
        AssertOnlyBpg013(run, version == LanguageVersion.CSharp7_3 ? "compiles C# 7.3 for a target framework without inline array types" : "has no inline array types");
    }

    private static void AssertOnlyBpg013(GeneratorRun run, string expectedReason)
    {
        Assert.Empty(run.Sources);
        Diagnostic[] problems = run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning || d.IsWarningAsError).ToArray();
        string all = string.Join("\n", problems.Select(d => d.ToString()));
        Assert.True(problems.Length == 2 && problems.All(d => d.Id == "BPG013"), "Expected BPG013 on each of the two networks, got:\n" + all);
        foreach ((Diagnostic diagnostic, string name) in problems.OrderBy(d => d.Location.SourceSpan.Start).Zip(new[] { "Student", "Layered" }))
        {
            Assert.Equal("Network.cs", diagnostic.Location.SourceTree!.FilePath);
            Assert.Equal(name, diagnostic.Location.SourceTree.GetText().ToString(diagnostic.Location.SourceSpan));
            Assert.Contains(expectedReason, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        }
    }

    private static void AssertCleanAndRuns(GeneratorRun run)
    {
        GeneratorHarness.AssertClean(run);
        Assert.Equal(3, run.Sources.Count);
        using var stream = new MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emit = run.Output.Emit(stream);
        Assert.True(emit.Success, string.Join("\n", emit.Diagnostics));
        var context = new System.Runtime.Loader.AssemblyLoadContext("settings-" + Guid.NewGuid().ToString("N"), isCollectible: true);
        stream.Position = 0;
        Type use = context.LoadFromStream(stream).GetType("App.Use", throwOnError: true)!;
        float result = (float)use.GetMethod("Run")!.Invoke(null, null)!;
        Assert.True(float.IsFinite(result), $"Run returned {result}");
    }

    /// <summary>
    /// The runtime library's net8.0 build, as a net8.0 project references it (this net10.0 test project references the
    /// net10.0 build, which a compilation against .NET 8's reference assemblies cannot use: CS1705). The test project's
    /// build passes its path.
    /// </summary>
    internal static string Net8Runtime()
    {
        string runtime = typeof(ProjectSettingsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "Net8Runtime").Value!;
        Assert.EndsWith(Path.Combine("net8.0", "Backprop.Generated.dll"), runtime, StringComparison.Ordinal);
        return runtime;
    }

    private static string NuGetRoot()
    {
        string root = typeof(ProjectSettingsTests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "NuGetPackageRoot").Value!;
        Assert.True(Directory.Exists(root), $"NuGet package folder '{root}' not found");
        return root;
    }
}
