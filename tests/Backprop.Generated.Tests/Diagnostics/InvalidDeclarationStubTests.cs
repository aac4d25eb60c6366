using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generated.Generator.Rules;
using Backprop.Generated.Tests.Infrastructure;
using Backprop.Generated.Tests.Weights;
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
                net.W1[0] = 0.5f;
                net.b2.Clear();
                return loss[^1] + cost + first + layers + file.Length + net.W2.Length + net.b1.Length;
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

    [Fact]
    public void The_layer_views_and_DropoutRandom_of_an_invalid_declaration_bind()
    {
        // The report of issue 20 item 9: BPG004 came with CS1061 for net.W1 and net.DropoutRandom.
        AssertOnlyError("""
            using Backprop.Generated;

            [Network(13, [|0|], 3, Dropout = 0.2)]
            public partial class Wine { }

            public static class Program
            {
                public static float Main()
                {
                    var net = new Wine();
                    SplitMix64 stream = net.DropoutRandom;
                    net.DropoutRandom = stream;
                    IDropoutNetwork dropout = net;
                    net.W1[0] = 0.5f;
                    return net.W2[0] + net.b1[0] + net.b2[0];
                }
            }
            """, "BPG004");
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
            // L = 2 as declared (three sizes), so W1, b1, W2 and b2 are listed names.
            Assert.True(name is null || GeneratedMembers.IsGeneratedName(name, 2, DeclaredOptions.None), $"'{name}' is not in GeneratedMembers");
        }

        Assert.Equal(new[] { "BPG004" }, run.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id));
    }

    /// <summary>
    /// A valid declaration of each form the generator supports and an invalid variant that differs from it in one
    /// argument: the stub of the invalid one must have the valid network's public surface (every public member, of
    /// Net and of its public nested types, with its type, parameters, static-ness and setter; the interfaces), so that
    /// no call written against the valid network cascades into a CS error. A public member added to the emitters but
    /// not to <see cref="Generator.Emit.StubEmitter"/> fails here.
    /// </summary>
    public static readonly TheoryData<string, string> ValidAndInvalid = new()
    {
        // Single precision, L = 3.
        { "[Network(4, 8, 6, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]", "[Network(4, 0, 6, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]" },
        // Double precision.
        { "[Network(2, 4, 1, Hidden = Activation.Softplus, Precision = Precision.Double)]", "[Network(2, 4, 1, Hidden = (Activation)42, Precision = Precision.Double)]" },
        // Per-layer activations, L = 4; the invalid variant has one activation too few.
        { "[Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.CrossEntropy)]", "[Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.Softmax }, Loss = Loss.CrossEntropy)]" },
        // Dropout, with the rate itself invalid and with another argument invalid.
        { "[Network(13, 8, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Dropout = 0.2)]", "[Network(13, 8, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Dropout = 1.5)]" },
        { "[Network(13, 8, 3, Dropout = 0.2)]", "[Network(13, 0, 3, Dropout = 0.2)]" },
        // Too many parameters (a limit checked after the declaration is read).
        { "[Network(13, 8, 8, 3, Dropout = 0.2)]", "[Network(13, 16000, 16000, 3, Dropout = 0.2)]" },
        // The int8 form.
        { "[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8)]", "[Network(64, 0, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8)]" },
        // Baked weights, float and int8.
        { "[Network(3, 2, 1, Hidden = Activation.Tanh, Weights = \"models/net.safetensors\")]", "[Network(3, 2, 1, Hidden = (Activation)42, Weights = \"models/net.safetensors\")]" },
        { "[Network(3, 2, 1, Hidden = Activation.Tanh, Weights = \"models/net.safetensors\", Quantization = Quantization.Int8)]", "[Network(3, 2, 1, Hidden = (Activation)42, Weights = \"models/net.safetensors\", Quantization = Quantization.Int8)]" },
        // The [Layer] form: a chain that does not fit, and a rate out of range on a double-precision chain.
        { "[Layer(4, 8, Activation.ReLU), Layer(8, 6, Activation.ELU)]\n[Layer(6, 3, Activation.Softmax, Loss = Loss.CrossEntropy)]", "[Layer(4, 8, Activation.ReLU), Layer(8, 6, Activation.ELU)]\n[Layer(7, 3, Activation.Softmax, Loss = Loss.CrossEntropy)]" },
        { "[Layer(4, 8, Activation.ReLU, Precision = Precision.Double, Dropout = 0.5), Layer(8, 3)]", "[Layer(4, 8, Activation.ReLU, Precision = Precision.Double, Dropout = 2.5), Layer(8, 3)]" },
    };

    [Theory]
    [MemberData(nameof(ValidAndInvalid))]
    public void The_stub_has_the_public_surface_of_the_valid_network(string valid, string invalid)
    {
        GeneratorRun good = GenerateNet(valid);
        GeneratorHarness.AssertClean(good);
        GeneratorRun stub = GenerateNet(invalid);
        Assert.Contains(stub.Sources.Values, s => s.Contains("declaration of Net is invalid", StringComparison.Ordinal));
        Assert.Contains(stub.AllDiagnostics, d => d.Severity == DiagnosticSeverity.Error && d.Id.StartsWith("BPG", StringComparison.Ordinal));
        Assert.Empty(stub.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("BPG", StringComparison.Ordinal)));

        string[] expected = PublicSurface(good).ToArray();
        string[] actual = PublicSurface(stub).ToArray();
        Assert.True(expected.Length > 25, $"only {expected.Length} public members found");
        string missing = string.Join("\n", expected.Except(actual));
        string extra = string.Join("\n", actual.Except(expected));
        Assert.True(missing.Length == 0 && extra.Length == 0, $"missing from the stub:\n{missing}\nonly in the stub:\n{extra}");
    }

    [Theory]
    [InlineData("[Network(13)]", 0)]
    [InlineData("[Network(new int[0])]", 0)]
    [InlineData("[Network(null)]", 0)]
    [InlineData("[Network(13, 0)]", 1)]
    [InlineData("[Network(13, 8, 0, 3, 4, 5)]", 5)]
    [InlineData("[Layer(13, 8), Layer(9, 3), Layer(3, 3), Layer(3, 3)]", 4)]
    public void The_stub_has_the_layer_views_of_the_declared_layer_count(string declaration, int layers)
    {
        // L is the number of sizes less one, or the number of [Layer]s, whatever else is wrong; a declaration with fewer
        // than two sizes has no layer, so its stub has no view (BPG003 says it needs at least two).
        GeneratorRun run = GenerateNet(declaration);
        Assert.Contains(run.Sources.Values, s => s.Contains("declaration of Net is invalid", StringComparison.Ordinal));
        string[] views = PublicSurface(run).Where(m => System.Text.RegularExpressions.Regex.IsMatch(m, @"^property System\.Span<float> [Wb][0-9]+ ")).ToArray();
        string[] expected = Enumerable.Range(1, layers)
            .SelectMany(l => new[] { $"property System.Span<float> W{l} {{ get; }}", $"property System.Span<float> b{l} {{ get; }}" })
            .ToArray();
        Assert.Equal(expected.OrderBy(v => v, StringComparer.Ordinal), views);
    }

    [Fact]
    public void A_stub_of_more_layers_than_the_limit_has_the_views_of_the_first_128()
    {
        // 200 layers is BPG009 (at most 128): the stub's views stop at the limit, so its size stays bounded.
        string sizes = string.Join(", ", Enumerable.Repeat("2", 201));
        GeneratorRun run = GenerateNet($"[Network({sizes})]");
        string[] views = PublicSurface(run).Where(m => m.StartsWith("property System.Span<float> W", StringComparison.Ordinal)).ToArray();
        Assert.Equal(128, views.Length);
        Assert.Contains("property System.Span<float> W128 { get; }", views);
    }

    [Theory]
    [InlineData("[Network(13, 0, 3)]", false)]
    [InlineData("[Network(13, 0, 3, Dropout = 0)]", false)]
    [InlineData("[Network(13, 0, 3, Dropout = 0.2)]", true)]
    [InlineData("[Network(13, 8, Dropout = 0.2)]", true)]
    [InlineData("[Network(13, 8, 3, Dropout = -0.5)]", true)]
    [InlineData("[Layer(13, 0), Layer(0, 3)]", false)]
    [InlineData("[Layer(13, 0, Dropout = 0.2), Layer(0, 3)]", true)]
    public void The_stub_has_DropoutRandom_when_the_declaration_asks_for_dropout(string declaration, bool dropout)
    {
        // A rate other than 0 asks for dropout, even one out of range (BPG016) or on the output layer (BPG017): the
        // user's code is written for the network with dropout.
        GeneratorRun run = GenerateNet(declaration);
        Assert.Contains(run.Sources.Values, s => s.Contains("declaration of Net is invalid", StringComparison.Ordinal));
        Assert.Equal(dropout, PublicSurface(run).Any(m => m.Contains(" DropoutRandom ", StringComparison.Ordinal)));
    }

    private static GeneratorRun GenerateNet(string declaration)
    {
        string source = "using System;\nusing Backprop.Generated;\n" + declaration + "\npublic partial class Net { }\n";
        return declaration.Contains("Weights = ", StringComparison.Ordinal)
            ? WeightsProject.Run(source, ("models/net.safetensors", WeightsProject.File(
                Tensor.F32("layers.0.weight", new[] { 2, 3 }, 1, 2, 3, 4, 5, 6),
                Tensor.F32("layers.0.bias", new[] { 2 }, 0.5f, -0.5f),
                Tensor.F32("layers.1.weight", new[] { 1, 2 }, 7, 8),
                Tensor.F32("layers.1.bias", new[] { 1 }, 0.25f))))
            : GeneratorHarness.Run(source);
    }

    /// <summary>
    /// Net's public surface, one line per member, sorted: its interfaces; its public members (a constant and a static
    /// read-only property of the same type are the same to a caller outside a constant expression, so both read
    /// "property T Name { get; }"); the same for its public nested types. Input and Output are listed but not opened:
    /// a valid network's are inline arrays (element access and span conversions come from the language), a stub's
    /// stand in with an indexer and conversions, which the wine app above exercises.
    /// </summary>
    private static IEnumerable<string> PublicSurface(GeneratorRun run)
    {
        INamedTypeSymbol net = run.Output.GetTypeByMetadataName("Net") ?? throw new Xunit.Sdk.XunitException("no type Net");
        var lines = new List<string>();
        foreach (INamedTypeSymbol implemented in net.AllInterfaces)
        {
            lines.Add("implements " + implemented.ToDisplayString());
        }

        Describe(net, string.Empty, lines);
        return lines.OrderBy(l => l, StringComparer.Ordinal);
    }

    private static void Describe(INamedTypeSymbol type, string prefix, List<string> lines)
    {
        foreach (ISymbol member in type.GetMembers())
        {
            if (member.DeclaredAccessibility != Accessibility.Public || member.IsImplicitlyDeclared)
            {
                continue;
            }

            string modifier = prefix + (member.IsStatic ? "static " : string.Empty);
            switch (member)
            {
                case IFieldSymbol { IsConst: true } constant:
                    lines.Add(prefix + $"static property {constant.Type.ToDisplayString()} {constant.Name} {{ get; }}");
                    break;
                case IFieldSymbol field:
                    lines.Add(modifier + $"field {field.Type.ToDisplayString()} {field.Name}" + (field.IsReadOnly ? " (read-only)" : string.Empty));
                    break;
                case IPropertySymbol property:
                    string setter = property.SetMethod is { DeclaredAccessibility: Accessibility.Public } ? "set; " : string.Empty;
                    string parameters = property.IsIndexer ? "[" + string.Join(", ", property.Parameters.Select(p => p.Type.ToDisplayString())) + "]" : string.Empty;
                    lines.Add(modifier + $"property {property.Type.ToDisplayString()} {property.Name}{parameters} {{ get; {setter}}}");
                    break;
                case IMethodSymbol { MethodKind: MethodKind.PropertyGet or MethodKind.PropertySet }:
                    break;
                case IMethodSymbol method:
                    string signature = string.Join(", ", method.Parameters.Select(p => (p.RefKind == RefKind.None ? string.Empty : p.RefKind.ToString().ToLowerInvariant() + " ") + p.Type.ToDisplayString()));
                    lines.Add(modifier + $"{method.MethodKind} {method.ReturnType.ToDisplayString()} {method.Name}({signature})");
                    break;
                case INamedTypeSymbol nested:
                    lines.Add(modifier + $"{nested.TypeKind} {nested.Name}" + (nested.IsSealed && nested.TypeKind == TypeKind.Class ? " (sealed)" : string.Empty));
                    if (nested.Name is not ("Input" or "Output"))
                    {
                        Describe(nested, prefix + nested.Name + ".", lines);
                    }

                    break;
                default:
                    lines.Add(modifier + member.Kind + " " + member.Name);
                    break;
            }
        }
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
