using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Backprop.Generated.Generator;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Backprop.Generated.Tests.Shapes;

/// <summary>
/// Typed composition: <c>b.Forward(a.Forward(x))</c> compiles exactly when n_L(a) = n_0(b) (and the
/// precisions match), computes the same as going through spans, and the shared composition file does not
/// defeat per-network caching.
/// </summary>
[UseReporter(typeof(QuietReporter))]
[UseApprovalSubdirectory("Snapshots")]
public class CompositionTests
{
    private const string Networks = SnapshotDeclarations.CompositionNetworks;

    [Fact]
    public void Conversions_exist_exactly_between_networks_whose_shapes_chain()
    {
        GeneratorRun run = GeneratorHarness.Run(Networks);
        GeneratorHarness.AssertClean(run);
        Compilation output = run.Output;
        INamedTypeSymbol Type(string name) => output.GetTypeByMetadataName(name) ?? throw new InvalidOperationException(name);

        bool Converts(string from, string to) =>
            output.ClassifyCommonConversion(Type(from + "+Output"), Type(to + "+Input")) is { Exists: true, IsImplicit: true, IsUserDefined: true };

        Assert.True(Converts("Demo.Encoder", "Demo.Decoder"));   // 2 -> 2
        Assert.True(Converts("Demo.Decoder", "Demo.Outer+Head")); // 1 -> 1
        Assert.False(Converts("Demo.Encoder", "Demo.Outer+Head")); // 2 -> 1
        Assert.False(Converts("Demo.Decoder", "Demo.Encoder"));   // 1 -> 3
        Assert.True(Converts("Demo.Outer+Head", "Demo.Encoder"));   // 3 -> 3
        Assert.True(Converts("Demo.DoubleNet", "Demo.DoubleNet")); // 2 -> 2, double
        Assert.False(Converts("Demo.Encoder", "Demo.DoubleNet"));  // 2 -> 2 but float -> double

        // The private network takes no part: no other generated code could name its types.
        string composition = run.Sources[CompositionEmitterHint];
        Assert.DoesNotContain("Hidden", composition, StringComparison.Ordinal);

        // Encoder is public and Decoder internal: the operator lives in the internal Decoder.Input;
        // Decoder -> Head (public) lives in the internal Decoder.Output.
        Assert.Contains("public static implicit operator Input(global::Demo.Encoder.Output value)", composition, StringComparison.Ordinal);
        Assert.Contains("public static implicit operator global::Demo.Outer.Head.Input(Output value)", composition, StringComparison.Ordinal);
    }

    [Fact]
    public void Composition_file_snapshot()
    {
        GeneratorRun run = GeneratorHarness.Run(Networks);
        GeneratorHarness.AssertClean(run);
        Approvals.Verify(run.Sources[CompositionEmitterHint]);
    }

    [Fact]
    public void Typed_composition_computes_the_same_as_spans()
    {
        Assembly assembly = GeneratorHarness.CompileAndLoad(Networks + """

            public static class Check
            {
                public static float[] Run()
                {
                    var encoder = new Encoder();
                    var decoder = new Decoder();
                    for (int i = 0; i < encoder.Parameters.Length; i++) encoder.Parameters[i] = 0.1f * (i % 7) - 0.3f;
                    for (int i = 0; i < decoder.Parameters.Length; i++) decoder.Parameters[i] = 0.05f * (i % 5) - 0.1f;

                    var x = new Encoder.Input();
                    x[0] = 0.5f; x[1] = -1f; x[2] = 2f;
                    Decoder.Output typed = decoder.Forward(encoder.Forward(x));

                    Span<float> hidden = stackalloc float[Encoder.OutputSize];
                    Span<float> y = stackalloc float[Decoder.OutputSize];
                    encoder.Forward(new float[] { 0.5f, -1f, 2f }, hidden);
                    decoder.Forward(hidden, y);
                    return new[] { typed[0], y[0] };
                }
            }
            """);
        var result = (float[])assembly.GetType("Demo.Check")!.GetMethod("Run")!.Invoke(null, null)!;
        Assert.Equal(result[1], result[0]);
        Assert.NotEqual(0f, result[0]);
    }

    [Fact]
    public void Mismatched_typed_composition_does_not_compile()
    {
        GeneratorRun run = GeneratorHarness.Run(Networks + """

            public static class Misuse
            {
                public static void Run() => new Encoder().Forward(new Decoder().Forward(new Decoder.Input()));
            }
            """);
        Assert.Contains(run.AllDiagnostics, d => d.Id == "CS1503");
    }

    [Fact]
    public void A_change_to_one_network_leaves_the_others_cached()
    {
        SyntaxTree a = Tree("using Backprop.Generated;\n[Network(3, 2)]\npublic partial class A { }", "A.cs");
        SyntaxTree b = Tree("using Backprop.Generated;\n[Layer(2, 4)]\npublic partial class B { }", "B.cs");
        SyntaxTree c = Tree("using Backprop.Generated;\n[Network(4, 1)]\npublic partial class C { }", "C.cs");
        CSharpCompilation first = GeneratorHarness.CreateCompilation(new[] { ("", "Empty.cs") }).RemoveAllSyntaxTrees().AddSyntaxTrees(a, b, c);

        GeneratorDriver driver = GeneratorHarness.CreateDriver(trackSteps: true).RunGenerators(first);
        CSharpCompilation second = first.ReplaceSyntaxTree(b, Tree("using Backprop.Generated;\n[Layer(2, 5)]\npublic partial class B { }", "B.cs"));
        GeneratorRunResult result = driver.RunGenerators(second).GetRunResult().Results.Single();

        var models = result.TrackedSteps[NetworkGenerator.TrackingNames.Models]
            .SelectMany(step => step.Outputs)
            .ToArray();
        Assert.Equal(3, models.Length);
        Assert.Single(models, m => m.Value.ToString()!.Contains("HintName = B.g.cs", StringComparison.Ordinal));
        foreach ((object value, IncrementalStepRunReason reason) in models)
        {
            string name = value.ToString()!;
            if (name.Contains("HintName = B.g.cs", StringComparison.Ordinal))
            {
                Assert.Equal(IncrementalStepRunReason.Modified, reason);
            }
            else
            {
                Assert.True(reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, name + " reran: " + reason);
            }
        }

        // The composition step sees the new endpoint of B; A -> B (2 -> 2) stays, B -> C (4 -> 4) is gone.
        Assert.Equal(IncrementalStepRunReason.Modified, result.TrackedSteps[NetworkGenerator.TrackingNames.Endpoints].Single().Outputs.Single().Reason);
        string composition = result.GeneratedSources.Single(s => s.HintName == CompositionEmitterHint).SourceText.ToString();
        Assert.Contains("implicit operator Input(global::A.Output value)", composition, StringComparison.Ordinal);
        Assert.DoesNotContain("global::B.Output", composition, StringComparison.Ordinal);
    }

    private const string CompositionEmitterHint = SnapshotDeclarations.CompositionHintName;

    private static SyntaxTree Tree(string source, string path) => CSharpSyntaxTree.ParseText(source, GeneratorHarness.ParseOptions(), path);
}
