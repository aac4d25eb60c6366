using System.Collections.Generic;
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
/// BPG001 (network type not partial) and BPG002 (containing type not partial): adds the <c>partial</c>
/// modifier to the reported type and to every type around it that lacks it, so one fix leaves the
/// declaration compilable.
/// </summary>
[ExportCodeFixProvider(LanguageNames.CSharp, Name = nameof(AddPartialCodeFixProvider)), Shared]
public sealed class AddPartialCodeFixProvider : CodeFixProvider
{
    public const string TypeNotPartialId = "BPG001";
    public const string ContainingTypeNotPartialId = "BPG002";

    public override ImmutableArray<string> FixableDiagnosticIds { get; } = ImmutableArray.Create(TypeNotPartialId, ContainingTypeNotPartialId);

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
            TypeDeclarationSyntax? type = root.FindToken(diagnostic.Location.SourceSpan.Start).Parent?.FirstAncestorOrSelf<TypeDeclarationSyntax>();
            if (type is null)
            {
                continue;
            }

            // BPG001 is on the network: fix it and its containers. BPG002 is on a container: fix it and its own containers.
            context.RegisterCodeFix(
                CodeAction.Create(
                    title: "Add 'partial' to '" + type.Identifier.ValueText + "'" + (type.Parent is TypeDeclarationSyntax ? " and its containing types" : string.Empty),
                    createChangedDocument: ct => AddPartialAsync(context.Document, type, ct),
                    equivalenceKey: nameof(AddPartialCodeFixProvider)),
                diagnostic);
        }
    }

    private static async Task<Document> AddPartialAsync(Document document, TypeDeclarationSyntax type, CancellationToken cancellationToken)
    {
        SyntaxNode? root = await document.GetSyntaxRootAsync(cancellationToken).ConfigureAwait(false);
        if (root is null)
        {
            return document;
        }

        var targets = new List<TypeDeclarationSyntax>();
        for (SyntaxNode? node = type; node is TypeDeclarationSyntax declaration; node = node.Parent)
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                targets.Add(declaration);
            }
        }

        SyntaxNode updated = root.ReplaceNodes(targets, static (original, rewritten) => WithPartial((TypeDeclarationSyntax)rewritten));
        return document.WithSyntaxRoot(updated);
    }

    /// <summary>Appends <c>partial</c> as the last modifier (it must come right before the type keyword).</summary>
    private static TypeDeclarationSyntax WithPartial(TypeDeclarationSyntax declaration)
    {
        SyntaxToken partialKeyword = SyntaxFactory.Token(SyntaxKind.PartialKeyword).WithTrailingTrivia(SyntaxFactory.Space);
        if (declaration.Modifiers.Count == 0)
        {
            // Keep the keyword's leading trivia (indentation, comments) in front of 'partial'.
            SyntaxToken keyword = declaration.Keyword;
            return declaration
                .WithKeyword(keyword.WithLeadingTrivia(SyntaxFactory.TriviaList()))
                .WithModifiers(SyntaxFactory.TokenList(partialKeyword.WithLeadingTrivia(keyword.LeadingTrivia)));
        }

        return declaration.WithModifiers(declaration.Modifiers.Add(partialKeyword));
    }
}
