using System.Collections.Immutable;
using System.Composition;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CodeActions;
using Microsoft.CodeAnalysis.CodeFixes;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Text;

namespace Backprop.Generated.CodeFixes;

/// <summary>
/// BPG018 (softmax output with the default squared error): adds <c>Loss = Loss.CrossEntropy</c> to the attribute that
/// declares the output layer, the <c>[Network]</c> attribute or the last <c>[Layer]</c> (no loss is set anywhere, or
/// there would be no diagnostic). <c>Loss</c> is qualified as the diagnosed <c>Activation</c> is
/// (<c>Backprop.Generated.Activation.Softmax</c> gives <c>Backprop.Generated.Loss.CrossEntropy</c>).
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(SoftmaxLossCodeFixProvider)), Shared]
public sealed class SoftmaxLossCodeFixProvider : CodeFixProvider
{
    public const string SoftmaxWithDefaultLossId = "BPG018";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(SoftmaxWithDefaultLossId);

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
            SyntaxNode node = root.FindNode(diagnostic.Location.SourceSpan);
            AttributeSyntax? attribute = node.FirstAncestorOrSelf<AttributeSyntax>();
            if (attribute?.ArgumentList is not { } arguments
                || arguments.Arguments.Any(a => a.NameEquals?.Name.Identifier.ValueText == "Loss"))
            {
                continue;
            }

            string loss = LossQualifier(node) + ".CrossEntropy";
            context.RegisterCodeFix(
                CodeAction.Create(
                    title: "Train with cross-entropy (Loss = Loss.CrossEntropy)",
                    createChangedDocument: ct => FixAsync(context.Document, arguments, loss, ct),
                    equivalenceKey: nameof(SoftmaxLossCodeFixProvider)),
                diagnostic);
        }
    }

    /// <summary>"Loss", or the qualifier of the diagnosed <c>X.Activation.Softmax</c> with Activation replaced by Loss.</summary>
    private static string LossQualifier(SyntaxNode node)
    {
        MemberAccessExpressionSyntax? softmax = node.DescendantNodesAndSelf()
            .OfType<MemberAccessExpressionSyntax>()
            .FirstOrDefault(m => m.Name.Identifier.ValueText == "Softmax");
        return softmax?.Expression switch
        {
            MemberAccessExpressionSyntax { Name.Identifier.ValueText: "Activation" } qualified => qualified.Expression + ".Loss",
            AliasQualifiedNameSyntax { Name.Identifier.ValueText: "Activation" } alias => alias.Alias + "::Loss",
            _ => "Loss",
        };
    }

    private static async Task<Document> FixAsync(Document document, AttributeArgumentListSyntax arguments, string loss, CancellationToken cancellationToken)
    {
        SourceText text = await document.GetTextAsync(cancellationToken).ConfigureAwait(false);
        // Text, not a syntax rewrite: the user's layout of the argument list stays exactly as written.
        string insertion = (arguments.Arguments.Count == 0 ? string.Empty : ", ") + "Loss = " + loss;
        return document.WithText(text.WithChanges(new TextChange(new TextSpan(arguments.CloseParenToken.SpanStart, 0), insertion)));
    }
}
