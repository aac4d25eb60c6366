using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generated.Generator.Rules;
using Backprop.Generated.Tests.Diagnostics;
using Backprop.Generated.Tests.Infrastructure;
using Backprop.Generated.Tests.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit;

namespace Backprop.Generated.Tests.Reliability;

/// <summary>
/// Holds <see cref="GeneratedMembers"/> (the names BPG040-BPG042 protect) to what the emitters really write: for every
/// emission form the snapshot tests cover (each layer strategy, both precisions, all three losses, nested generic
/// containers), plus dropout, the [Layer] form and baked weights, the generated syntax trees are parsed and every member
/// declared in the user's type must be in the list and carry [GeneratedCode]; and a user member of each such name and
/// signature gets BPG040, not a CS0102/CS0111 inside the generated file.
/// </summary>
public class GeneratedMemberListTests
{
    /// <summary>The declarations, by form; the type is always <c>Net</c>.</summary>
    public static readonly TheoryData<string> Forms = new()
    {
        "[Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]",
        "[Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]",
        "[Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.MeanSquaredError)]",
        "[Network(4, 8, 6, 5, 3, Activations = new[] { Activation.ReLU, Activation.ELU, Activation.SiLU, Activation.Softmax }, Loss = Loss.CrossEntropy)]",
        "[Network(2, 3, 2, Hidden = Activation.LeakyReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]",
        "[Network(784, 128, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]",
        "[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]",
        "[Network(2, 4, 1, Hidden = Activation.Softplus, Output = Activation.Identity, Precision = Precision.Double)]",
        "[Network(4, 8, 6, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Dropout = 0.25)]",
        "[Layer(4, 8, Activation.ReLU, Precision = Precision.Double), Layer(8, 6, Activation.ELU)]\n[Layer(6, 3, Activation.Softmax, Loss = Loss.CrossEntropy)]",
        BakedDeclaration,
    };

    private const string BakedDeclaration = "[Network(3, 2, 1, Hidden = Activation.Tanh, Weights = \"models/net.safetensors\")]";

    /// <summary>The nested-generic form of the snapshot tests, where the user's type sits inside two containers.</summary>
    private const string Nested = """
        namespace Company.Models
        {
            public static partial class Outer
            {
                internal partial record class Holder<TKey>
                {
                    {{DECLARATION}}
                    public partial class Net { }
                }
            }
        }
        """;

    private static string Source(string declaration, bool nested = false) =>
        "using System;\nusing Backprop.Generated;\n" + (nested ? Nested.Replace("{{DECLARATION}}", declaration) : declaration + "\npublic partial class Net { }\n");

    private static GeneratorRun Generate(string source) =>
        source.Contains("Weights = ", StringComparison.Ordinal)
            ? WeightsProject.Run(source, ("models/net.safetensors", BakedFile()))
            : GeneratorHarness.Run(source);

    private static byte[] BakedFile() => WeightsProject.File(
        Tensor.F32("layers.0.weight", new[] { 2, 3 }, 1, 2, 3, 4, 5, 6),
        Tensor.F32("layers.0.bias", new[] { 2 }, 0.5f, -0.5f),
        Tensor.F32("layers.1.weight", new[] { 1, 2 }, 7, 8),
        Tensor.F32("layers.1.bias", new[] { 1 }, 0.25f));

    /// <summary>One member the generator declares in the user's type: its name, and for a method its signature text.</summary>
    private sealed record Declared(string Name, string? ReturnType, string? ParameterList, bool HasGeneratedCode);

    /// <summary>Every member the generated files declare in <c>Net</c> itself (not in its nested types, not explicit interface implementations).</summary>
    private static List<Declared> DeclaredMembers(GeneratorRun run)
    {
        var declared = new List<Declared>();
        foreach (SyntaxTree tree in run.Output.SyntaxTrees.Except(run.Input.SyntaxTrees))
        {
            foreach (TypeDeclarationSyntax type in tree.GetRoot().DescendantNodes().OfType<TypeDeclarationSyntax>().Where(t => t.Identifier.Text == "Net"))
            {
                foreach (MemberDeclarationSyntax member in type.Members)
                {
                    bool attributed = member.AttributeLists.SelectMany(l => l.Attributes).Any(a => a.Name.ToString() == "global::System.CodeDom.Compiler.GeneratedCode");
                    switch (member)
                    {
                        case FieldDeclarationSyntax field:
                            declared.AddRange(field.Declaration.Variables.Select(v => new Declared(v.Identifier.Text, null, null, attributed)));
                            break;
                        case PropertyDeclarationSyntax { ExplicitInterfaceSpecifier: null } property:
                            declared.Add(new Declared(property.Identifier.Text, null, null, attributed));
                            break;
                        case PropertyDeclarationSyntax:
                            break;
                        case MethodDeclarationSyntax { ExplicitInterfaceSpecifier: null } method:
                            declared.Add(new Declared(method.Identifier.Text, method.ReturnType.ToString(), method.ParameterList.ToString(), attributed));
                            break;
                        case BaseTypeDeclarationSyntax nested:
                            declared.Add(new Declared(nested.Identifier.Text, null, null, attributed));
                            break;
                        default:
                            throw new Xunit.Sdk.XunitException("A generated member of a kind this test does not know: " + member.Kind());
                    }
                }
            }
        }

        // A partial nested type (Input, Output) is reopened by the composition file to add conversions; the attribute
        // is on one of its parts.
        return declared
            .Select(d => d with { HasGeneratedCode = d.HasGeneratedCode || (d.ParameterList is null && declared.Any(o => o.Name == d.Name && o.HasGeneratedCode)) })
            .ToList();
    }

    private static int LayerCount(GeneratorRun run) =>
        (int)run.Output.GetSymbolsWithName("Net", SymbolFilter.Type).OfType<INamedTypeSymbol>().Single()
            .GetMembers("LayerCount").OfType<IFieldSymbol>().Single().ConstantValue!;

    [Theory]
    [MemberData(nameof(Forms))]
    public void Every_generated_member_name_is_in_the_list(string declaration)
    {
        foreach (bool nested in new[] { false, true })
        {
            GeneratorRun run = Generate(Source(declaration, nested));
            GeneratorHarness.AssertClean(run);
            int layers = LayerCount(run);
            List<Declared> declared = DeclaredMembers(run);
            Assert.True(declared.Count > 30, $"only {declared.Count} generated members found");
            foreach (Declared member in declared)
            {
                Assert.True(GeneratedMembers.IsGeneratedName(member.Name, layers), $"'{member.Name}' is generated but missing from GeneratedMembers ({declaration})");
                Assert.True(member.HasGeneratedCode, $"'{member.Name}' has no [GeneratedCode] ({declaration})");
                if (member.ParameterList is not null)
                {
                    Assert.Contains(GeneratedMembers.Methods, m => m.Name == member.Name && m.Parameters.Length == ParameterCount(member.ParameterList));
                }
            }
        }
    }

    private static int ParameterCount(string parameterList) => SyntaxFactory.ParseParameterList(parameterList).Parameters.Count;

    [Fact]
    public void A_user_member_of_every_generated_name_gets_BPG040_and_no_compiler_error()
    {
        // Each distinct name and signature once, with the declaration that generated it (W4 needs four layers).
        var cases = new Dictionary<(string Name, string? Parameters), (string Declaration, Declared Member)>();
        foreach (string declaration in Forms)
        {
            foreach (Declared member in DeclaredMembers(Generate(Source(declaration))))
            {
                cases.TryAdd((member.Name, member.ParameterList), (declaration, member));
            }
        }

        Assert.Contains(cases.Keys, k => k.Name == GeneratedMembers.MaxDegreeOfParallelismField);
        Assert.Contains(cases.Keys, k => k.Name == GeneratedMembers.GradientRows);
        Assert.Contains(cases.Keys, k => k.Name == GeneratedMembers.ComputeGradientsCore);
        var failures = new List<string>();
        foreach (((string name, string? parameters), (string declaration, Declared member)) in cases)
        {
            // A method with the generated signature (CS0111), anything else as a field (CS0102).
            string userMember = parameters is null
                ? $"    public int {name};"
                : $"    private {member.ReturnType} {name}{parameters} => throw new NotSupportedException();";
            string source = "using System;\nusing Backprop.Generated;\n" + declaration + "\npublic partial class Net\n{\n" + userMember + "\n}\n";
            GeneratorRun run = Generate(source);
            Diagnostic[] ours = run.AllDiagnostics.Where(d => d.Id.StartsWith("BPG", StringComparison.Ordinal)).ToArray();
            // Input and Output are generated types: without generated code, a signature naming them cannot bind (CS0246).
            Diagnostic[] compiler = run.AllDiagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("BPG", StringComparison.Ordinal))
                .Where(d => !(d.Id == "CS0246" && (userMember.Contains("Input", StringComparison.Ordinal) || userMember.Contains("Output", StringComparison.Ordinal))))
                .ToArray();
            if (ours.Length != 1 || ours[0].Id != "BPG040" || compiler.Length > 0)
            {
                failures.Add($"{name}{parameters}: " + string.Join("; ", run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id + " " + d.GetMessage())));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
