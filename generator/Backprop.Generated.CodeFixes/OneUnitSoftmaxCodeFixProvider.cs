using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generated.CodeFixes;

/// <summary>
/// BPG015 (softmax over one unit): replaces that layer's <c>Softmax</c> with <c>Sigmoid</c>, and, when it is
/// the output layer, the declaration's <c>Loss.CrossEntropy</c> with <c>Loss.BinaryCrossEntropy</c> (the loss
/// that fits a sigmoid output, BPG008).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(OneUnitSoftmaxCodeFixProvider)), Shared]
public sealed class OneUnitSoftmaxCodeFixProvider : CodeFixProvider
{
    public const string OneUnitSoftmaxId = "BPG015";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(OneUnitSoftmaxId);

    public override FixAllProvider GetFixAllProvider() => WellKnownFixAllProviders.BatchFixer;

    public override async Task RegisterCodeFixesAsync(CodeFixContext context)
    {
        SyntaxNode? root = await context.Document.GetSyntaxRootAsync(context.CancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return;
        }

        foreach (Diagnostic diagnostic in context.Diagnostics)
        {
            IdentifierNameSyntax? softmax = root.FindNode(diagnostic.Location.SourceSpan)
                .DescendantNodesAndSelf()
                .OfType<IdentifierNameSyntax>()
                .FirstOrDefault(n => n.Identifier.ValueText == "Softmax");
            TypeDeclarationSyntax? type = softmax?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (softmax is null || type is null)
            {
                continue;
            }

            // The analyzer's advice names the loss only for the output layer.
            bool output = diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("Loss.BinaryCrossEntropy");
            context.RegisterCodeFix(
                CodeAction.Create(
                    title: output ? "Use a sigmoid output with binary cross-entropy" : "Use a sigmoid activation",
                    createChangedDocument: ct => FixAsync(context.Document, softmax, type, output, ct),
                    equivalenceKey: nameof(OneUnitSoftmaxCodeFixProvider) + (output ? ".Output" : ".Hidden")),
                diagnostic);
        }
    }

    private static async Task<Document> FixAsync(Document document, IdentifierNameSyntax softmax, TypeDeclarationSyntax type, bool output, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var replacements = new System.Collections.Generic.Dictionary<SyntaxNode, SyntaxNode>
        {
            [softmax] = Renamed(softmax, "Sigmoid"),
        };
        if (output)
        {
            // Loss = Loss.CrossEntropy on the [Network] attribute or on any one [Layer] of this declaration.
            foreach (AttributeArgumentSyntax argument in type.AttributeLists.SelectMany(l => l.Attributes).SelectMany(a => a.ArgumentList?.Arguments ?? default))
            {
                if (argument.NameEquals?.Name.Identifier.ValueText == "Loss"
                    && argument.Expression.DescendantNodesAndSelf().OfType<IdentifierNameSyntax>().LastOrDefault() is { Identifier.ValueText: "CrossEntropy" } loss)
                {
                    replacements[loss] = Renamed(loss, "BinaryCrossEntropy");
                }
            }
        }

        return document.WithSyntaxRoot(root.ReplaceNodes(replacements.Keys, (original, _) => replacements[original]));
    }

    private static IdentifierNameSyntax Renamed(IdentifierNameSyntax name, string text) =>
        name.WithIdentifier(SyntaxFactory.Identifier(name.Identifier.LeadingTrivia, text, name.Identifier.TrailingTrivia));
}
