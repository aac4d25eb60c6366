using System.Globalization;
using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Backprop.Generated.Generator.Analyzers;
using Backprop.Generated.Tests.Infrastructure;
using Xunit;

namespace Backprop.Generated.Tests;

/// <summary>
/// The generated source of representative declarations (<see cref="SnapshotDeclarations"/>, which
/// tests/Backprop.Generated.Roslyn48.Tests runs through Roslyn 4.8 against the same approved files), and the diagnostics
/// of invalid declarations and call sites, compared with approved files in Snapshots/.
/// A missing or different approved file fails the test (the QuietReporter never approves anything);
/// review the .received.txt file and rename it to .approved.txt to accept a change.
/// </summary>
[UseReporter(typeof(QuietReporter))]
[UseApprovalSubdirectory("Snapshots")]
public class SnapshotTests
{
    [Fact]
    public void Network_3_2_1_Tanh_Sigmoid()
    {
        Approvals.Verify(GeneratorHarness.GenerateSingle(SnapshotDeclarations.Network_3_2_1_Tanh_Sigmoid));
    }

    [Fact]
    public void FourLayers_MixedActivations()
    {
        Approvals.Verify(GeneratorHarness.GenerateSingle(SnapshotDeclarations.FourLayers_MixedActivations));
    }

    [Fact]
    public void NestedGenericContainers_InNamespace()
    {
        Approvals.Verify(GeneratorHarness.GenerateSingle(SnapshotDeclarations.NestedGenericContainers_InNamespace));
    }

    [Fact]
    public void Wide_784_128_10()
    {
        Approvals.Verify(GeneratorHarness.GenerateSingle(SnapshotDeclarations.Wide_784_128_10));
    }

    [Fact]
    public void Int8_3_4_2_ReLU()
    {
        Approvals.Verify(GeneratorHarness.GenerateSingle(SnapshotDeclarations.Int8_3_4_2_ReLU));
    }

    [Fact]
    public void Double_UnderCultureWithUnicodeMinusSign()
    {
        const string source = SnapshotDeclarations.Double_Softplus;
        string invariant;
        string underMinusSign;
        CultureInfo original = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            invariant = GeneratorHarness.GenerateSingle(source);
            CultureInfo.CurrentCulture = Cultures.UnicodeMinusWithDecimalComma;
            underMinusSign = GeneratorHarness.GenerateSingle(source);
        }
        finally
        {
            CultureInfo.CurrentCulture = original;
        }

        Assert.Equal(invariant, underMinusSign);
        Approvals.Verify(underMinusSign);
    }

    [Fact]
    public void Diagnostics_of_invalid_declarations_and_call_sites()
    {
        GeneratorRun run = GeneratorHarness.Run(SnapshotDeclarations.InvalidDeclarationsAndCallSites, Microsoft.CodeAnalysis.CSharp.LanguageVersion.CSharp12, new ShapeAnalyzer());
        Approvals.Verify(SnapshotDeclarations.DescribeDiagnostics(run.AllDiagnostics));
    }
}
