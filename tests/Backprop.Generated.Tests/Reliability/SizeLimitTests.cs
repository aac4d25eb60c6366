using System.Diagnostics;
using System.Linq;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// Declarations whose parameters or generated code would be unreasonable get BPG009 from the sizes
/// alone: nothing proportional to the declared size is computed or emitted first. The time each takes
/// is printed (no timing assertion: the machine may be busy), see docs/limits.md.
/// </summary>
public class SizeLimitTests
{
    private readonly ITestOutputHelper _output;

    public SizeLimitTests(ITestOutputHelper output) => _output = output;

    [Theory]
    [InlineData("100000, 100000", "n_0 = 100000 is wider than the largest supported layer")]
    [InlineData("3, 2147483647, 1", "n_1 = 2147483647 is wider than the largest supported layer")]
    [InlineData("16384, 16384", "The network has 268,451,840 parameters")]
    [InlineData("8192, 8193", "The network has 67,125,249 parameters")]
    [InlineData("1, 16384, 1, 16384, 1, 16384, 1", "The layers have 49,155 units together")]
    public void Oversized_declarations_get_BPG009_and_generate_only_a_stub(string sizes, string reason)
    {
        string source = $"using Backprop.Generated;\n[Network({sizes})]\npublic partial class Huge {{ }}";
        GeneratorHarness.Run(source); // warm up the compiler and generator
        var watch = Stopwatch.StartNew();
        GeneratorRun run = GeneratorHarness.Run(source);
        watch.Stop();
        _output.WriteLine($"[Network({sizes})]: {watch.Elapsed.TotalMilliseconds:F1} ms to generate and compile");

        Diagnostic error = Assert.Single(run.AllDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("BPG009", error.Id);
        Assert.StartsWith(reason + ";", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
        // No network code: only the stub of signatures that keeps call sites from cascading (issue 20 item 9).
        string stub = Assert.Single(run.Sources, s => s.Key.StartsWith("Huge", System.StringComparison.Ordinal)).Value;
        Assert.Contains("// Its BPG error says why. These are the members' signatures only", stub, System.StringComparison.Ordinal);
        Assert.DoesNotContain("ForwardCore", stub, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Hundreds_of_layers_get_BPG009()
    {
        string sizes = string.Join(", ", Enumerable.Repeat("2", 400));
        GeneratorRun run = GeneratorHarness.Run($"using Backprop.Generated;\n[Network({sizes})]\npublic partial class Deep {{ }}");
        Diagnostic error = Assert.Single(run.AllDiagnostics, d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("BPG009", error.Id);
        Assert.StartsWith("The network has 399 layers;", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture), System.StringComparison.Ordinal);
    }

    [Fact]
    public void A_network_at_the_limits_generates()
    {
        // 128 layers and 32,768 units in all: the largest depth and total width allowed, compiled clean.
        string sizes = "2, " + string.Join(", ", Enumerable.Repeat("256", 127)) + ", 1";
        GeneratorRun run = GeneratorHarness.Run($"using Backprop.Generated;\n[Network({sizes})]\npublic partial class Deepest {{ }}");
        Assert.DoesNotContain(run.AllDiagnostics, d => d.Severity >= DiagnosticSeverity.Warning);
    }
}
