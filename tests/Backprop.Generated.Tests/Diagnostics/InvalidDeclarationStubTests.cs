using System;
using System.Linq;
using Backprop.Generated.Generator.Rules;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// Issue 20 item 9: an invalid declaration gets the members' signatures (bodies that throw), so the user's call sites
/// bind and the only errors of the build are the declaration's BPG errors, not one CS error per call site.
/// </summary>
public class InvalidDeclarationStubTests
{
    /// <summary>The wine app of the issue: a classifier used the ways docs/training.md and the README show.</summary>
    private const string WineApp = """
        using System;
        using Backprop.Generated;

        {{DECLARATION}}
        public partial class Wine { }

        public static class Program
        {
            public static double Main()
            {
                var net = new Wine();
                net.InitializeParameters(seed: 42);
                float[] x = new float[13 * 4];
                float[] y = new float[4 * Wine.OutputSize];
                double[] loss = net.Fit(x, y, new Sgd(0.1, momentum: 0.9), epochs: 10, batchSize: 4, seed: 1);
                Span<float> probabilities = stackalloc float[Wine.OutputSize];
                net.Forward(x.AsSpan(0, Wine.InputSize), probabilities);
                net.ForwardBatch(x, y);
                float cost = net.TrainStep(x, y, new Adam(0.01));
                var input = new Wine.Input();
                input[0] = 1f;
                ReadOnlySpan<float> features = input;
                Wine.Output output = net.Forward(input);
                float first = output[0];
                float[] gradients = new float[Wine.ParameterCount];
                net.ComputeGradients(x, y, gradients);
                INetwork<float> asInterface = net;
                int layers = Wine.LayerCount + asInterface.LayerCount + Wine.LayerSizes.Length + features.Length;
                net.Save("wine.safetensors");
                net.Load("wine.safetensors");
                byte[] file = net.ToSafeTensors();
                net.LoadParameters(net.Parameters);
                return loss[^1] + cost + first + layers + file.Length;
            }
        }
        """;

    [Theory]
    [InlineData("[Network(13, [|0|], 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]", "BPG004")]
    [InlineData("[Network(13, 8, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, [|Loss = Loss.BinaryCrossEntropy|])]", "BPG008")]
    [InlineData("[Network(13, 8, 3, Hidden = Activation.ReLU, [|Output = (Activation)42|], Loss = Loss.CrossEntropy)]", "BPG005")]
    [InlineData("[Layer(13, 8, Activation.ReLU)]\n[Layer([|9|], 3, Activation.Softmax, Loss = Loss.CrossEntropy)]", "BPG020")]
    [InlineData("[Network(13, 8, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, [|Dropout = 1.5|])]", "BPG016")]
    public void The_only_errors_of_a_wine_app_with_an_invalid_declaration_are_its_BPG_errors(string declaration, string id)
    {
        (string source, Microsoft.CodeAnalysis.Text.TextSpan span) = DiagnosticVerifier.Unmark(WineApp.Replace("{{DECLARATION}}", declaration));
        GeneratorRun run = DiagnosticVerifier.Run(source);
        Diagnostic[] errors = run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).ToArray();
        Diagnostic error = Assert.Single(errors);
        Assert.Equal(id, error.Id);
        Assert.Equal(span, error.Location.SourceSpan);
        Assert.All(run.Result.Results, r => Assert.Null(r.Exception));
    }

    [Theory]
    [InlineData("[Network(64, [|0|], 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8)]", "BPG004")]
    [InlineData("[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double, [|Quantization = Quantization.Int8|])]", "BPG032")]
    public void The_only_error_of_an_int8_app_with_an_invalid_declaration_is_its_BPG_error(string declaration, string id)
    {
        // docs/int8.md's calls: the stub of a declaration that asks for the int8 form also has ToInt8() and Int8's members.
        string app = """
            using System;
            using Backprop.Generated;

            {{DECLARATION}}
            public partial class Digits { }

            public static class Program
            {
                public static float Main()
                {
                    var net = new Digits();
                    Digits.Int8 q = net.ToInt8();
                    float[] example = new float[64];
                    float[] probabilities = new float[10];
                    q.Forward(example, probabilities);
                    Digits.Output output = q.Forward(new Digits.Input());
                    q.ForwardBatch(example, probabilities);
                    q.Save("digits-int8.safetensors");
                    var loaded = new Digits.Int8();
                    loaded.Load("digits-int8.safetensors");
                    loaded.Load(q.ToSafeTensors());
                    return probabilities[0] + (float)output[0];
                }
            }
            """.Replace("{{DECLARATION}}", declaration);
        string source = AssertOnlyError(app, id);

        // The control: without the setting, the stub has no int8 form and the same calls do not bind.
        GeneratorRun plain = DiagnosticVerifier.Run(source.Replace(", Quantization = Quantization.Int8", string.Empty));
        Assert.Contains(plain.AllDiagnostics, d => d.Id is "CS0426" or "CS1061");
    }

    [Fact]
    public void Without_the_stub_the_same_app_has_call_site_errors()
    {
        // The control: an invalid declaration on a type that cannot host members (not partial) gets no stub, and the
        // call sites then fail to bind. That is the cascade the stub prevents.
        string source = WineApp.Replace("{{DECLARATION}}", "[Network(13, 0, 3)]").Replace("public partial class Wine { }", "public class Wine { }");
        GeneratorRun run = DiagnosticVerifier.Run(source);
        Assert.Empty(run.Sources);
        Assert.Contains(run.AllDiagnostics, d => d.Id == "CS0117" || d.Id == "CS1061");
    }

    [Theory]
    [InlineData("[Network(4, [|0|], 3)]", "BPG004")]
    [InlineData("[Network(4, 8, 3, [|Output = (Activation)42|])]", "BPG005")]
    public void Composing_an_invalid_network_with_valid_ones_gives_only_its_BPG_error(string declaration, string id)
    {
        // b.Forward(a.Forward(x)) and a.Forward(c.Forward(x)) with A invalid: its stub's Output and Input convert to and
        // from every other network of its precision (sizes unknown), so neither call adds a CS1503; a double-precision
        // network still gets no conversion from a single-precision stub (CS1503 there is the right error).
        string app = """
            using System;
            using Backprop.Generated;

            {{DECLARATION}}
            public partial class A { }

            [Network(3, 5, 4)]
            public partial class C { }

            [Network(3, 2)]
            public partial class B { }

            public static class Program
            {
                public static float Main()
                {
                    var a = new A();
                    var b = new B();
                    var c = new C();
                    B.Output y = b.Forward(a.Forward(new A.Input()));
                    A.Output z = a.Forward(c.Forward(new C.Input()));
                    return y[0] + z[0];
                }
            }
            """.Replace("{{DECLARATION}}", declaration);
        string source = AssertOnlyError(app, id);

        // The control: the same calls into a double-precision network find no conversion.
        GeneratorRun mixed = DiagnosticVerifier.Run(source.Replace("[Network(3, 2)]", "[Network(3, 2, Precision = Precision.Double)]"));
        Assert.Contains(mixed.AllDiagnostics, d => d.Id == "CS1503");
    }

    [Fact]
    public void A_stub_declares_only_listed_names_each_with_GeneratedCode_and_double_precision_when_declared()
    {
        GeneratorRun run = DiagnosticVerifier.Run("using Backprop.Generated;\nnamespace App;\npublic static partial class Outer\n{\n    [Network(4, 0, 2, Precision = Precision.Double)]\n    public partial class Net { }\n}\n");
        string stub = Assert.Single(run.Sources.Values);
        Assert.StartsWith("// <auto-generated/>", stub, StringComparison.Ordinal);
        TypeDeclarationSyntax type = CSharpSyntaxTree.ParseText(stub).GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Single(t => t.Identifier.Text == "Net");
        Assert.Contains("global::Backprop.Generated.INetwork<double>", type.BaseList!.ToString(), StringComparison.Ordinal);
        foreach (MemberDeclarationSyntax member in type.Members)
        {
            Assert.Contains(member.AttributeLists.SelectMany(l => l.Attributes), a => a.Name.ToString() == "global::System.CodeDom.Compiler.GeneratedCode");
            string? name = member switch
            {
                PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } p => p.Identifier.Text,
                MethodDeclarationSyntax m => m.Identifier.Text,
                BaseTypeDeclarationSyntax t => t.Identifier.Text,
                _ => null,
            };
            Assert.True(name is null || GeneratedMembers.IsGeneratedName(name, 0), $"'{name}' is not in GeneratedMembers");
        }

        Assert.Equal(new[] { "BPG004" }, run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id));
    }

    /// <summary>
    /// Runs the generator over <paramref name="marked"/> and asserts that its only error is <paramref name="id"/>, at the
    /// span between [| and |]; returns the source without the markers.
    /// </summary>
    private static string AssertOnlyError(string marked, string id)
    {
        (string source, Microsoft.CodeAnalysis.Text.TextSpan span) = DiagnosticVerifier.Unmark(marked);
        GeneratorRun run = DiagnosticVerifier.Run(source);
        Diagnostic error = Assert.Single(run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error));
        Assert.Equal(id, error.Id);
        Assert.Equal(span, error.Location.SourceSpan);
        return source;
    }

    [Fact]
    public void No_stub_when_a_user_member_has_a_generated_name()
    {
        // The stub would collide with the user's Forward (CS0111 in a generated file); the declaration's own error stands alone.
        GeneratorRun run = DiagnosticVerifier.Run("using System;\nusing Backprop.Generated;\n[Network(4, 0, 2)]\npublic partial class Net\n{\n    public void Forward(ReadOnlySpan<float> x, Span<float> y) { }\n}\n");
        Assert.Empty(run.Sources);
        Assert.Equal(new[] { "BPG004" }, run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id));
    }
}
