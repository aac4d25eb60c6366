using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Backprop.Generated.CodeFixes;
using Backprop.Generated.Generator;
using Backprop.Generated.Generator.Analyzers;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Backprop.Generated.Roslyn48.Tests;

/// <summary>
/// The compiler floor (issue 22 item 1): a .NET 8 SDK (8.0.1xx) or Visual Studio 2022 17.8 runs Roslyn 4.8, and refuses
/// an analyzer built against a newer Microsoft.CodeAnalysis (CS9057). The generator, its analyzers and the code fixes
/// are built against 4.8; here they run inside Roslyn 4.8 itself, on the declarations of the snapshot tests
/// (<see cref="SnapshotDeclarations"/>, shared with tests/Backprop.Generated.Tests), and must give the generated sources
/// and the diagnostics approved there under the current compiler.
/// </summary>
public class Roslyn48Tests
{
    private static readonly Version Floor = new(4, 8, 0, 0);

    private static string SnapshotRoot =>
        typeof(Roslyn48Tests).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "SnapshotRoot").Value!;

    public static TheoryData<string> Cases => new(SnapshotDeclarations.All.Select(c => c.Name));

    [Fact]
    public void Compiler_is_Roslyn_4_8()
    {
        Assert.Equal(Floor, typeof(Compilation).Assembly.GetName().Version);
        Assert.Equal(Floor, typeof(CSharpCompilation).Assembly.GetName().Version);
        Assert.Equal(Floor, typeof(CodeFixProvider).Assembly.GetName().Version);

        // No newer Roslyn came in beside it.
        Assembly[] roslyn = AppDomain.CurrentDomain.GetAssemblies().Where(a => a.GetName().Name!.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(roslyn);
        Assert.All(roslyn, a => Assert.True(a.GetName().Version == Floor, $"{a.GetName().Name} {a.GetName().Version} is loaded, not {Floor}"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Roslyn_4_8_gives_the_approved_output(string name)
    {
        SnapshotCase snapshot = SnapshotDeclarations.All.Single(c => c.Name == name);
        CultureInfo original = CultureInfo.CurrentCulture;
        GeneratorRun run;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            run = GeneratorHarness.Run(snapshot.Source, LanguageVersion.CSharp12, new ShapeAnalyzer());
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }

        if (snapshot.Part != SnapshotPart.Diagnostics)
        {
            GeneratorHarness.AssertClean(run);
        }

        string approved = File.ReadAllText(Path.Combine(SnapshotRoot, snapshot.ApprovedFile));
        string actual = SnapshotDeclarations.Select(snapshot.Part, run.Sources, run.AllDiagnostics);
        Assert.Equal(approved, actual);
    }

    /// <summary>
    /// The assemblies that ship in the package's analyzers/dotnet/cs folder reference no Microsoft.CodeAnalysis newer
    /// than the floor: that reference, not the package's metadata, is what a compiler checks before loading them.
    /// </summary>
    [Theory]
    [InlineData(typeof(NetworkGenerator))]
    [InlineData(typeof(AddPartialCodeFixProvider))]
    public void Shipped_assembly_references_no_Roslyn_newer_than_4_8(Type shipped)
    {
        using var reader = new PEReader(File.OpenRead(shipped.Assembly.Location));
        MetadataReader metadata = reader.GetMetadataReader();
        var roslyn = metadata.AssemblyReferences
            .Select(h => metadata.GetAssemblyReference(h))
            .Select(r => (Name: metadata.GetString(r.Name), r.Version))
            .Where(r => r.Name.StartsWith("Microsoft.CodeAnalysis", StringComparison.Ordinal))
            .ToArray();
        Assert.Contains(roslyn, r => r.Name == "Microsoft.CodeAnalysis");
        Assert.All(roslyn, r => Assert.True(r.Version <= Floor, $"{shipped.Assembly.GetName().Name} references {r.Name} {r.Version}, newer than {Floor}"));
    }

    /// <summary>The code fixes load under Workspaces 4.8 and name the diagnostics they fix.</summary>
    [Fact]
    public void Code_fixes_load_under_Workspaces_4_8()
    {
        CodeFixProvider[] providers = typeof(AddPartialCodeFixProvider).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(CodeFixProvider).IsAssignableFrom(t))
            .Select(t => (CodeFixProvider)Activator.CreateInstance(t)!)
            .ToArray();
        // Every exported provider of the shipped assembly (a new code fix is counted without editing this test).
        int exported = typeof(AddPartialCodeFixProvider).Assembly.GetTypes()
            .Count(t => t.GetCustomAttributes(typeof(ExportCodeFixProviderAttribute), inherit: false).Length > 0);
        Assert.Equal(exported, providers.Length);
        Assert.True(exported >= 4, $"expected the four code fixes (partial, [Layer] chain, one-unit softmax, softmax loss), found {exported}");
        Assert.All(providers, p => Assert.NotEmpty(p.FixableDiagnosticIds));
        Assert.All(providers.SelectMany(p => p.FixableDiagnosticIds), id => Assert.StartsWith("BPG", id, StringComparison.Ordinal));
    }
}
