using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Backprop.Generated.CodeFixes;
using Backprop.Generated.Tests.Infrastructure;
using Backprop.Generated.Generator.Analyzers;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// The code fixes, applied in an <see cref="AdhocWorkspace"/> to the diagnostics the generator really
/// reports: the text after the fix, and that the fixed text no longer has the diagnostic.
/// </summary>
public class CodeFixTests
{
    [Fact]
    public Task BPG001_adds_partial() => VerifyFix(
        new AddPartialCodeFixProvider(),
        "BPG001",
        "using Backprop.Generated;\n[Network(3, 1)]\npublic sealed class Net { }\n",
        "using Backprop.Generated;\n[Network(3, 1)]\npublic sealed partial class Net { }\n");

    [Fact]
    public Task BPG001_adds_partial_without_other_modifiers() => VerifyFix(
        new AddPartialCodeFixProvider(),
        "BPG001",
        "using Backprop.Generated;\n\n[Layer(3, 1)]\n// The student model.\nclass Net { }\n",
        "using Backprop.Generated;\n\n[Layer(3, 1)]\n// The student model.\npartial class Net { }\n");

    [Fact]
    public Task BPG001_also_fixes_containing_types() => VerifyFix(
        new AddPartialCodeFixProvider(),
        "BPG001",
        "using Backprop.Generated;\nnamespace Demo;\npublic static class Outer\n{\n    internal class Middle\n    {\n        [Network(3, 1)]\n        public class Net { }\n    }\n}\n",
        "using Backprop.Generated;\nnamespace Demo;\npublic static partial class Outer\n{\n    internal partial class Middle\n    {\n        [Network(3, 1)]\n        public partial class Net { }\n    }\n}\n");

    [Fact]
    public Task BPG002_fixes_the_containing_type() => VerifyFix(
        new AddPartialCodeFixProvider(),
        "BPG002",
        "using Backprop.Generated;\npublic class Outer\n{\n    [Network(3, 1)]\n    public partial class Net { }\n}\n",
        "using Backprop.Generated;\npublic partial class Outer\n{\n    [Network(3, 1)]\n    public partial class Net { }\n}\n");

    [Fact]
    public Task BPG015_output_becomes_sigmoid_with_binary_cross_entropy() => VerifyFix(
        new OneUnitSoftmaxCodeFixProvider(),
        "BPG015",
        "using Backprop.Generated;\n[Network(4, 1, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class Net { }\n",
        "using Backprop.Generated;\n[Network(4, 1, Output = Activation.Sigmoid, Loss = Loss.BinaryCrossEntropy)]\npublic partial class Net { }\n");

    [Fact]
    public Task BPG015_layer_form_output_becomes_sigmoid_with_binary_cross_entropy() => VerifyFix(
        new OneUnitSoftmaxCodeFixProvider(),
        "BPG015",
        "using Backprop.Generated;\n[Layer(4, 3, Loss = Loss.CrossEntropy)]\n[Layer(3, 1, Activation.Softmax)]\npublic partial class Net { }\n",
        "using Backprop.Generated;\n[Layer(4, 3, Loss = Loss.BinaryCrossEntropy)]\n[Layer(3, 1, Activation.Sigmoid)]\npublic partial class Net { }\n");

    [Fact]
    public Task BPG015_hidden_layer_becomes_sigmoid_and_keeps_the_loss() => VerifyFix(
        new OneUnitSoftmaxCodeFixProvider(),
        "BPG015",
        "using Backprop.Generated;\n[Network(4, 1, 3, Activations = new[] { Activation.Softmax, Activation.Softmax }, Loss = Loss.CrossEntropy)]\npublic partial class Net { }\n",
        "using Backprop.Generated;\n[Network(4, 1, 3, Activations = new[] { Activation.Sigmoid, Activation.Softmax }, Loss = Loss.CrossEntropy)]\npublic partial class Net { }\n");

    [Fact]
    public Task BPG018_network_form_gets_cross_entropy() => VerifyFix(
        new SoftmaxLossCodeFixProvider(),
        "BPG018",
        "using Backprop.Generated;\n[Network(13, 8, 3, Hidden = Activation.ReLU, Output = Activation.Softmax)]\npublic partial class Wine { }\n",
        "using Backprop.Generated;\n[Network(13, 8, 3, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class Wine { }\n");

    [Fact]
    public Task BPG018_layer_form_gets_cross_entropy_on_the_output_layer() => VerifyFix(
        new SoftmaxLossCodeFixProvider(),
        "BPG018",
        "using Backprop.Generated;\n[Layer(4, 3, Activation.Tanh, Precision = Precision.Double)]\n[Layer(3, 2, Activation.Softmax)]\npublic partial class Net { }\n",
        "using Backprop.Generated;\n[Layer(4, 3, Activation.Tanh, Precision = Precision.Double)]\n[Layer(3, 2, Activation.Softmax, Loss = Loss.CrossEntropy)]\npublic partial class Net { }\n");

    [Fact]
    public Task BPG018_qualified_activation_gets_a_qualified_loss() => VerifyFix(
        new SoftmaxLossCodeFixProvider(),
        "BPG018",
        "[Backprop.Generated.Network(4, 3, Activations = new[] { global::Backprop.Generated.Activation.Softmax })]\npublic partial class Net { }\n",
        "[Backprop.Generated.Network(4, 3, Activations = new[] { global::Backprop.Generated.Activation.Softmax }, Loss = global::Backprop.Generated.Loss.CrossEntropy)]\npublic partial class Net { }\n");

    [Fact]
    public Task BPG020_sets_inputs_to_the_previous_outputs() => VerifyFix(
        new FixLayerInputsCodeFixProvider(),
        "BPG020",
        "using Backprop.Generated;\n[Layer(3, 2, Activation.Tanh)]\n[Layer(4, 1, Activation.Sigmoid)]\npublic partial class Student { }\n",
        "using Backprop.Generated;\n[Layer(3, 2, Activation.Tanh)]\n[Layer(2, 1, Activation.Sigmoid)]\npublic partial class Student { }\n");

    [Fact]
    public Task BPG020_keeps_a_named_constant_and_named_arguments() => VerifyFix(
        new FixLayerInputsCodeFixProvider(),
        "BPG020",
        "using Backprop.Generated;\nstatic class Sizes { public const int Hidden = 16; }\n[Layer(8, Sizes.Hidden), Layer(outputs: 1, inputs: 12)]\npublic partial class Net { }\n",
        "using Backprop.Generated;\nstatic class Sizes { public const int Hidden = 16; }\n[Layer(8, Sizes.Hidden), Layer(outputs: 1, inputs: Sizes.Hidden)]\npublic partial class Net { }\n");

    [Fact]
    public async Task BPG020_fix_all_in_document_repairs_every_chain_at_once()
    {
        // Three BPG020 diagnostics in one document: two in one chain, one in another network.
        const string before = "using Backprop.Generated;\n"
            + "[Layer(3, 2), Layer(4, 5), Layer(6, 1)]\npublic partial class First { }\n"
            + "[Layer(2, 8)]\n[Layer(7, 1, Activation.Sigmoid)]\npublic partial class Second { }\n";
        const string after = "using Backprop.Generated;\n"
            + "[Layer(3, 2), Layer(2, 5), Layer(5, 1)]\npublic partial class First { }\n"
            + "[Layer(2, 8)]\n[Layer(8, 1, Activation.Sigmoid)]\npublic partial class Second { }\n";
        var provider = new FixLayerInputsCodeFixProvider();
        using var workspace = new AdhocWorkspace();
        Document document = CreateDocument(workspace, before);
        ImmutableArray<Diagnostic> diagnostics = (await GetDiagnosticsAsync(document)).Where(d => d.Id == "BPG020").ToImmutableArray();
        Assert.Equal(3, diagnostics.Length);

        FixAllProvider fixAll = provider.GetFixAllProvider();
        Assert.Contains(FixAllScope.Document, fixAll.GetSupportedFixAllScopes());
        var context = new FixAllContext(
            document,
            provider,
            FixAllScope.Document,
            nameof(FixLayerInputsCodeFixProvider),
            new[] { "BPG020" },
            new FixedDiagnostics(diagnostics),
            CancellationToken.None);
        CodeAction? action = await fixAll.GetFixAsync(context);
        Assert.NotNull(action);
        ImmutableArray<CodeActionOperation> operations = await action!.GetOperationsAsync(CancellationToken.None);
        Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        string text = (await changed.GetDocument(document.Id)!.GetTextAsync()).ToString();
        Assert.Equal(after, text);
        GeneratorHarness.AssertClean(GeneratorHarness.Run(text));
    }

    /// <summary>Hands Fix All the diagnostics computed once, as the IDE and <c>dotnet format</c> do.</summary>
    private sealed class FixedDiagnostics(ImmutableArray<Diagnostic> diagnostics) : FixAllContext.DiagnosticProvider
    {
        public override Task<IEnumerable<Diagnostic>> GetDocumentDiagnosticsAsync(Document document, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);

        public override Task<IEnumerable<Diagnostic>> GetProjectDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(Array.Empty<Diagnostic>());

        public override Task<IEnumerable<Diagnostic>> GetAllDiagnosticsAsync(Project project, CancellationToken cancellationToken) =>
            Task.FromResult<IEnumerable<Diagnostic>>(diagnostics);
    }

    private static async Task VerifyFix(CodeFixProvider provider, string id, string before, string after)
    {
        Assert.Contains(id, provider.FixableDiagnosticIds);
        using var workspace = new AdhocWorkspace();
        Document document = CreateDocument(workspace, before);

        Diagnostic diagnostic = (await GetDiagnosticsAsync(document)).First(d => d.Id == id);
        var actions = new List<CodeAction>();
        var context = new CodeFixContext(document, diagnostic, (action, _) => actions.Add(action), CancellationToken.None);
        await provider.RegisterCodeFixesAsync(context);
        CodeAction fix = Assert.Single(actions);

        ImmutableArray<CodeActionOperation> operations = await fix.GetOperationsAsync(CancellationToken.None);
        Solution changed = operations.OfType<ApplyChangesOperation>().Single().ChangedSolution;
        Document fixedDocument = changed.GetDocument(document.Id)!;
        string text = (await fixedDocument.GetTextAsync()).ToString();
        Assert.Equal(after, text);

        // The fix really fixes: no Backprop.Generated error left, and the result compiles.
        GeneratorRun run = GeneratorHarness.Run(text);
        GeneratorHarness.AssertClean(run);
    }

    private static Document CreateDocument(AdhocWorkspace workspace, string source)
    {
        var project = ProjectInfo.Create(
            ProjectId.CreateNewId(),
            VersionStamp.Create(),
            "Consumer",
            "Consumer",
            LanguageNames.CSharp,
            compilationOptions: new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable),
            parseOptions: GeneratorHarness.ParseOptions(),
            metadataReferences: GeneratorHarness.References);
        Project added = workspace.AddProject(project);
        return workspace.AddDocument(added.Id, "Network.cs", SourceText.From(source));
    }

    /// <summary>
    /// The declaration analyzer's diagnostics for the document, as the IDE gets them: real source locations
    /// in the document's own syntax tree, which is what lets it offer the code fixes.
    /// </summary>
    private static async Task<ImmutableArray<Diagnostic>> GetDiagnosticsAsync(Document document)
    {
        var compilation = (CSharpCompilation)(await document.Project.GetCompilationAsync())!;
        SyntaxTree tree = (await document.GetSyntaxTreeAsync())!;
        ImmutableArray<Diagnostic> diagnostics = await compilation
            .WithAnalyzers(ImmutableArray.Create<DiagnosticAnalyzer>(new DeclarationAnalyzer()))
            .GetAnalyzerDiagnosticsAsync();
        Assert.All(diagnostics, d => Assert.Same(tree, d.Location.SourceTree));
        return diagnostics;
    }
}
