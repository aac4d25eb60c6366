using System.Linq;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// Declaration diagnostics come from the analyzer in the generator assembly, once each, as real source
/// locations in the user's syntax tree: that is what lets #pragma suppress them and the IDE offer code fixes.
/// </summary>
public class DeclarationAnalyzerTests
{
    private const string Invalid = """
        using Backprop.Generated;

        [Network(3, 0, 1)]
        public partial class Net { }
        """;

    [Fact]
    public void Diagnostics_are_source_locations_in_the_users_tree_and_reported_once()
    {
        GeneratorRun run = GeneratorHarness.Run(Invalid);
        Diagnostic diagnostic = Assert.Single(run.AllDiagnostics, d => d.Id.StartsWith("BPG", System.StringComparison.Ordinal));
        Assert.Equal("BPG004", diagnostic.Id);
        Assert.True(diagnostic.Location.IsInSource);
        Assert.Same(run.Input.SyntaxTrees.Single(), diagnostic.Location.SourceTree);
        Assert.Equal("0", diagnostic.Location.SourceTree!.GetText().ToString(diagnostic.Location.SourceSpan));

        // The generator itself reports nothing (it emits only the stub of signatures), so nothing is reported twice.
        Assert.Empty(run.GeneratorDiagnostics);
        Assert.DoesNotContain("ForwardCore", Assert.Single(run.Sources.Values), System.StringComparison.Ordinal);
    }

    [Fact]
    public void Pragma_warning_disable_suppresses_a_declaration_diagnostic()
    {
        GeneratorRun run = GeneratorHarness.Run("""
            using Backprop.Generated;

            #pragma warning disable BPG001
            [Network(3, 1)]
            public class NotPartial { }
            #pragma warning restore BPG001
            """);
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Id == "BPG001" && !d.IsSuppressed);
    }

    [Fact]
    public void A_valid_network_is_not_reported_as_colliding_with_its_own_generated_members()
    {
        // The analyzer parses the compilation that already contains the generated Forward, Parameters, ...
        GeneratorRun run = GeneratorHarness.Run("""
            using Backprop.Generated;

            [Network(20, 20, 1)]
            public partial class Net { }
            """);
        Assert.Equal(new[] { "BPG012" }, run.AllDiagnostics.Where(d => d.Id.StartsWith("BPG", System.StringComparison.Ordinal)).Select(d => d.Id));
    }
}
