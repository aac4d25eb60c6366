using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generated.CodeFixes;

/// <summary>
/// BPG020 (a layer's inputs differ from the previous layer's outputs): replaces the reported
/// <c>inputs</c> argument with the previous <c>[Layer]</c>'s <c>outputs</c> expression, so a constant
/// such as <c>Sizes.Hidden</c> stays a constant rather than becoming a bare number.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(FixLayerInputsCodeFixProvider)), Shared]
public sealed class FixLayerInputsCodeFixProvider : CodeFixProvider
{
    public const string LayerChainMismatchId = "BPG020";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(LayerChainMismatchId);

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
            AttributeArgumentSyntax? inputs = root.FindNode(diagnostic.Location.SourceSpan).FirstAncestorOrSelf<AttributeArgumentSyntax>();
            if (inputs?.Parent?.Parent is not AttributeSyntax layer
                || PreviousLayer(layer) is not { } previous
                || OutputsArgument(previous) is not { } previousOutputs)
            {
                continue;
            }

            ExpressionSyntax replacement = previousOutputs.Expression.WithTriviaFrom(inputs.Expression);
            context.RegisterCodeFix(
                CodeAction.Create(
                    title: "Change the inputs to " + previousOutputs.Expression + ", the previous layer's outputs",
                    createChangedDocument: _ => Task.FromResult(context.Document.WithSyntaxRoot(root.ReplaceNode(inputs.Expression, replacement))),
                    equivalenceKey: nameof(FixLayerInputsCodeFixProvider)),
                diagnostic);
        }
    }

    /// <summary>The [Layer] written just before <paramref name="layer"/> on the same declaration.</summary>
    private static AttributeSyntax? PreviousLayer(AttributeSyntax layer)
    {
        if (layer.Parent?.Parent is not TypeDeclarationSyntax declaration)
        {
            return null;
        }

        return declaration.AttributeLists
            .SelectMany(list => list.Attributes)
            .Where(a => a.SpanStart < layer.SpanStart && IsLayer(a))
            .LastOrDefault();
    }

    private static bool IsLayer(AttributeSyntax attribute)
    {
        string name = attribute.Name switch
        {
            QualifiedNameSyntax qualified => qualified.Right.Identifier.ValueText,
            AliasQualifiedNameSyntax alias => alias.Name.Identifier.ValueText,
            SimpleNameSyntax simple => simple.Identifier.ValueText,
            _ => string.Empty,
        };
        return name is "Layer" or "LayerAttribute";
    }

    private static AttributeArgumentSyntax? OutputsArgument(AttributeSyntax layer)
    {
        AttributeArgumentSyntax[] arguments = layer.ArgumentList?.Arguments.Where(a => a.NameEquals is null).ToArray() ?? new AttributeArgumentSyntax[0];
        return arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == "outputs")
            ?? (arguments.Length > 1 && arguments[1].NameColon is null ? arguments[1] : null);
    }
}
