using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
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
/// containers), plus every option of [Network] and [Layer] (dropout in both forms and both precisions, the int8 form,
/// baked weights in float, double and int8), the generated syntax trees are parsed and every member declared in the
/// user's type must be in the list and carry [GeneratedCode]; a user member of each such name and signature gets
/// BPG040, not a CS0102/CS0111 inside the generated file; a name of an option's member is free in a network without
/// that option; and docs/diagnostics/BPG040.md lists exactly the names of the list.
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
        "[Network(4, 8, 6, 3, Hidden = Activation.ReLU, Output = Activation.Identity, Precision = Precision.Double, Dropout = 0.5)]",
        "[Layer(4, 8, Activation.ReLU, Precision = Precision.Double), Layer(8, 6, Activation.ELU)]\n[Layer(6, 3, Activation.Softmax, Loss = Loss.CrossEntropy)]",
        "[Layer(4, 8, Activation.ReLU, Dropout = 0.5), Layer(8, 6, Activation.ELU, Dropout = 0.25)]\n[Layer(6, 3, Activation.Softmax, Loss = Loss.CrossEntropy)]",
        "[Network(3, 4, 2, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8)]",
        "[Network(64, 32, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Quantization = Quantization.Int8, Dropout = 0.2)]",
        BakedDeclaration,
        "[Network(3, 2, 1, Hidden = Activation.Tanh, Precision = Precision.Double, Weights = \"models/net.safetensors\")]",
        "[Network(3, 2, 1, Hidden = Activation.Tanh, Weights = \"models/net.safetensors\", Quantization = Quantization.Int8)]",
    };

    private const string BakedDeclaration = "[Network(3, 2, 1, Hidden = Activation.Tanh, Weights = \"models/net.safetensors\")]";

    /// <summary>The options a form sets, from its text (every dropout rate in <see cref="Forms"/> is above 0).</summary>
    private static DeclaredOptions OptionsOf(string declaration) =>
        (declaration.Contains("Dropout = ", StringComparison.Ordinal) ? DeclaredOptions.Dropout : DeclaredOptions.None)
        | (declaration.Contains("Quantization.Int8", StringComparison.Ordinal) ? DeclaredOptions.Int8 : DeclaredOptions.None)
        | (declaration.Contains("Weights = ", StringComparison.Ordinal) ? DeclaredOptions.BakedWeights : DeclaredOptions.None);

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
                Assert.True(GeneratedMembers.IsGeneratedName(member.Name, layers, OptionsOf(declaration)), $"'{member.Name}' is generated but missing from GeneratedMembers ({declaration})");
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
            // Input, Output and Int8 are generated types: without generated code, a signature naming them cannot bind (CS0246).
            Diagnostic[] compiler = run.AllDiagnostics
                .Where(d => d.Severity == DiagnosticSeverity.Error && !d.Id.StartsWith("BPG", StringComparison.Ordinal))
                .Where(d => !(d.Id == "CS0246" && new[] { GeneratedMembers.Input, GeneratedMembers.Output, GeneratedMembers.Int8 }.Any(t => userMember.Contains(t, StringComparison.Ordinal))))
                .ToArray();
            if (ours.Length != 1 || ours[0].Id != "BPG040" || compiler.Length > 0)
            {
                failures.Add($"{name}{parameters}: " + string.Join("; ", run.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).Select(d => d.Id + " " + d.GetMessage())));
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>For each option, a network that sets it (and sets nothing else the others need).</summary>
    private static string DeclarationWith(DeclaredOptions option) => option switch
    {
        DeclaredOptions.Dropout => "[Network(3, 4, 1, Dropout = 0.5)]",
        DeclaredOptions.Int8 => "[Network(3, 2, 1, Quantization = Quantization.Int8)]",
        DeclaredOptions.BakedWeights => BakedDeclaration,
        _ => throw new ArgumentOutOfRangeException(nameof(option), option, "an option this test does not know"),
    };

    [Fact]
    public void A_name_of_an_option_s_member_is_free_in_a_network_without_the_option_and_reserved_with_it()
    {
        // GeneratedMembers.OptionOf is the one list of such names; the control sets the option and gets BPG040.
        Assert.NotEmpty(GeneratedMembers.OptionOf);
        var failures = new List<string>();
        foreach ((string name, DeclaredOptions option) in GeneratedMembers.OptionOf)
        {
            var members = new List<string> { $"    public int {name};" };
            if (GeneratedMembers.Properties.Contains(name))
            {
                members.Add($"    public int get_{name}() => 0;");
            }

            foreach (string member in members)
            {
                foreach (string declaration in Forms)
                {
                    if ((OptionsOf(declaration) & option) != 0)
                    {
                        continue;
                    }

                    GeneratorRun free = Generate("using System;\nusing Backprop.Generated;\n" + declaration + "\npublic partial class Net\n{\n" + member + "\n}\n");
                    Diagnostic[] reported = free.AllDiagnostics.Where(d => d.Severity >= DiagnosticSeverity.Warning).ToArray();
                    if (reported.Length > 0 || !free.Sources.Values.Any(v => v.Contains("public const int InputSize", StringComparison.Ordinal)))
                    {
                        failures.Add($"{member.Trim()} without {option} ({declaration}): " + string.Join("; ", reported.Select(d => d.Id + " " + d.GetMessage())));
                    }
                }

                GeneratorRun taken = Generate("using System;\nusing Backprop.Generated;\n" + DeclarationWith(option) + "\npublic partial class Net\n{\n" + member + "\n}\n");
                string[] errors = taken.AllDiagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.Id).ToArray();
                if (!errors.SequenceEqual(new[] { "BPG040" }))
                {
                    failures.Add($"{member.Trim()} with {option}: " + string.Join(", ", errors));
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public void BPG040_md_lists_exactly_the_reserved_names_and_which_option_reserves_which()
    {
        // The section "Reserved names": a table of the options' names, then every other name in backticks (a layer's
        // names written for layer 1). Backticked text that is not an identifier (`Quantization.Int8`) is prose.
        string page = File.ReadAllText(Path.Combine(FindRoot(), "docs", "diagnostics", "BPG040.md"));
        int start = page.IndexOf("\n## Reserved names\n", StringComparison.Ordinal);
        Assert.True(start >= 0, "BPG040.md has no section 'Reserved names'");
        int end = page.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        string[] lines = page.Substring(start, (end < 0 ? page.Length : end) - start).Split('\n');

        var tableRows = lines.Where(l => l.StartsWith("| `", StringComparison.Ordinal)).Select(l => l.Split('|')).ToArray();
        var documentedOptions = tableRows
            .Select(cells => (Option: OptionNamed(cells[1]), Names: Identifiers(cells[2]).OrderBy(n => n, StringComparer.Ordinal).ToArray()))
            .OrderBy(r => r.Option)
            .ToArray();
        var listedOptions = GeneratedMembers.OptionOf
            .GroupBy(p => p.Value)
            .Select(g => (Option: g.Key, Names: g.Select(p => p.Key).OrderBy(n => n, StringComparer.Ordinal).ToArray()))
            .OrderBy(r => r.Option)
            .ToArray();
        Assert.Equal(listedOptions.Select(r => r.Option + ": " + string.Join(", ", r.Names)), documentedOptions.Select(r => r.Option + ": " + string.Join(", ", r.Names)));

        string[] documented = lines.Where(l => !l.StartsWith("|", StringComparison.Ordinal))
            .SelectMany(Identifiers)
            .Distinct()
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();
        string[] listed = GeneratedMembers.Unique.Keys
            .Concat(GeneratedMembers.Methods.Select(m => m.Name))
            .Concat(new[] { GeneratedMembers.WeightView(1), GeneratedMembers.BiasView(1), GeneratedMembers.WeightOffset(1), GeneratedMembers.BiasOffset(1), GeneratedMembers.LayerShape(1) })
            .Where(n => !GeneratedMembers.OptionOf.ContainsKey(n))
            .Distinct()
            .OrderBy(n => n, StringComparer.Ordinal)
            .ToArray();
        Assert.Equal(listed, documented);

        // Every name the parser treats as generated in a one-layer network with every option is one of these.
        Assert.All(documented.Concat(documentedOptions.SelectMany(r => r.Names)), n => Assert.True(GeneratedMembers.IsGeneratedName(n, 1, DeclaredOptions.Dropout | DeclaredOptions.Int8 | DeclaredOptions.BakedWeights), n));
    }

    /// <summary>The option a row of the table names in its first cell.</summary>
    private static DeclaredOptions OptionNamed(string cell) =>
        cell.Contains("`Dropout`", StringComparison.Ordinal) ? DeclaredOptions.Dropout
        : cell.Contains("`Quantization = Quantization.Int8`", StringComparison.Ordinal) ? DeclaredOptions.Int8
        : cell.Contains("`Weights = ", StringComparison.Ordinal) ? DeclaredOptions.BakedWeights
        : throw new Xunit.Sdk.XunitException("a row of no known option: " + cell);

    /// <summary>The backticked C# identifiers of <paramref name="text"/>.</summary>
    private static IEnumerable<string> Identifiers(string text) =>
        Regex.Matches(text, "`([A-Za-z_][A-Za-z0-9_]*)`").Select(m => m.Groups[1].Value);

    private static string FindRoot()
    {
        for (DirectoryInfo? directory = new(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Backprop.Generated.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("The repository root (Backprop.Generated.sln) was not found.");
    }
}
