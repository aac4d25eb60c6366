using System;
using System.Linq;
using Backprop.Generated.Generator.Analyzers;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// The call-site analyzer trusts a local's initializer only while nothing writes the local afterwards
/// (<see cref="LocalWrites"/>): every kind of write makes the length unknown (silent), and a write to another local of
/// the same name, in another body or a sibling block, does not. Each case passes a 4-value input to Student
/// (InputSize 3), so a trusted initializer is BPG024.
/// </summary>
public class LocalWriteTests
{
    private const string Mismatch = "'input' of Student.Forward must hold one example of 3 values (InputSize), but the argument holds 4 values";

    private static string Program(string body) => $$"""
        using System;
        using Backprop.Generated;

        [Layer(3, 2, Activation.Tanh)]
        [Layer(2, 1, Activation.Sigmoid)]
        public partial class Student { }

        public static class Use
        {
            private static void Replace(ref float[] buffer) => buffer = new float[3];
            private static void Make(out float[] buffer) => buffer = new float[3];
            private static void Read(in float[] buffer) { }

            public static void Run(Student net, float[] unknown)
            {
        {{body}}
            }
        }
        """;

    [Theory]
    [InlineData("x = new float[3];")]
    [InlineData("(x, int n) = (new float[3], 1);")]
    [InlineData("int m; (x, m) = (new float[3], 1);")]
    [InlineData("(x) = new float[3];")]
    [InlineData("x ??= new float[3];")]
    [InlineData("Replace(ref x);")]
    [InlineData("Make(out x);")]
    [InlineData("ref float[] alias = ref x; alias = new float[3];")]
    [InlineData("Action later = () => x = new float[3]; later();")]
    [InlineData("void Later() => x = new float[3]; Later();")]
    [InlineData("if (unknown.Length > 0) { x = unknown; }")]
    public void A_write_after_the_declaration_makes_the_length_unknown(string write) => DiagnosticVerifier.VerifySilent(Program(
        "float[] x = new float[4];\n" + write + "\nnet.Forward(x, new float[1]);"));

    [Theory]
    [InlineData("Read(in x);")]
    [InlineData("float[] copy = x; copy = new float[3];")]
    [InlineData("x[0] = 1f;")]
    [InlineData("Span<float> view = x; view[0] = 1f;")]
    public void Reads_and_element_writes_keep_the_length(string use) => DiagnosticVerifier.Verify(
        Program("float[] x = new float[4];\n" + use + "\nnet.Forward([|x|], new float[1]);"),
        "BPG024",
        Mismatch);

    [Fact]
    public void A_write_to_a_same_named_local_of_a_sibling_block_does_not_count() => DiagnosticVerifier.Verify(
        Program("""
            {
                float[] x = new float[4];
                net.Forward([|x|], new float[1]);
            }
            {
                float[] x = new float[4];
                x = new float[3];
                net.Forward(x, new float[1]);
            }
            """),
        "BPG024",
        Mismatch);

    [Fact]
    public void A_write_in_a_nested_block_counts() => DiagnosticVerifier.VerifySilent(Program("""
        float[] x = new float[4];
        for (int i = 0; i < 2; i++)
        {
            if (i == 1)
            {
                x = new float[3];
            }
        }

        net.Forward(x, new float[1]);
        """));

    [Fact]
    public void A_write_to_a_same_named_local_of_another_method_does_not_count() => DiagnosticVerifier.Verify(
        Program("float[] x = new float[4];\nnet.Forward([|x|], new float[1]);")
            + "\npublic static class Other\n{\n    public static float[] Run()\n    {\n        float[] x = new float[4];\n        x = new float[3];\n        return x;\n    }\n}\n",
        "BPG024",
        Mismatch);

    [Fact]
    public void A_local_of_a_lambda_in_a_field_initializer_is_checked() => DiagnosticVerifier.Verify(
        Program("") + "\npublic static class Field\n{\n    public static readonly Action Check = () =>\n    {\n        float[] x = new float[4];\n        new Student().Forward([|x|], new float[1]);\n    };\n}\n",
        "BPG024",
        Mismatch);

    [Theory]
    [InlineData("", true)]
    [InlineData("x = new float[3];\n", false)]
    [InlineData("void Reset() => x = new float[3];\nReset();\n", false)]
    public void Top_level_statements_follow_the_same_rules(string write, bool fires)
    {
        string source = "using Backprop.Generated;\n\nvar net = new Student();\nfloat[] x = new float[4];\n" + write
            + "net.Forward(x, new float[1]);\n\n[Layer(3, 2, Activation.Tanh)]\n[Layer(2, 1, Activation.Sigmoid)]\npublic partial class Student { }\n";
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source);
        compilation = compilation.WithOptions(compilation.Options.WithOutputKind(OutputKind.ConsoleApplication));
        GeneratorRun run = GeneratorHarness.Run(compilation, LanguageVersion.CSharp12, new ShapeAnalyzer());

        Assert.Empty(run.AllDiagnostics.Where(d => !d.Id.StartsWith("BPG", StringComparison.Ordinal) && d.Severity >= DiagnosticSeverity.Warning));
        Diagnostic[] ours = run.AllDiagnostics.Where(d => d.Id.StartsWith("BPG", StringComparison.Ordinal)).ToArray();
        if (fires)
        {
            Diagnostic diagnostic = Assert.Single(ours);
            Assert.Equal("BPG024", diagnostic.Id);
            Assert.Equal(Mismatch, diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            Assert.Empty(ours);
        }
    }
}
