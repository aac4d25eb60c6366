using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generated.Generator.Analyzers;

/// <summary>
/// Answers "is this local written after its declaration?" for <see cref="KnownLength"/>: a local counts as written when
/// it is assigned (alone, in a tuple or a deconstruction, or by a compound assignment), passed by <c>ref</c> or
/// <c>out</c>, taken by <c>ref</c> (<c>ref var r = ref x;</c>) or by address (<c>&amp;x</c>), anywhere in its scope,
/// lambdas and local functions included.
/// </summary>
/// <remarks>
/// One instance per compilation, shared by every call site. The writes of a body are indexed by name once, from syntax
/// alone; a question about a local then binds only the writes that carry its name. The body is the outermost block
/// around the declaration (the compilation unit for a top-level statement): it contains the local's scope, and no
/// name outside that scope can bind to the local, so the answer is the one a walk of the local's own block gives,
/// found without walking the block again for every local argument (issue 20 item 13: that walk per argument made
/// 200 call sites in one method or in top-level statements cost over 100 ms of analysis).
/// </remarks>
internal sealed class LocalWrites
{
    private readonly ConcurrentDictionary<SyntaxNode, Dictionary<string, IdentifierNameSyntax[]>> _byBody = new();

    public bool IsWrittenAfterDeclaration(ILocalSymbol local, VariableDeclaratorSyntax declarator, SemanticModel model, CancellationToken cancellationToken)
    {
        SyntaxNode body = (SyntaxNode?)declarator.Ancestors().OfType<BlockSyntax>().LastOrDefault() ?? declarator.SyntaxTree.GetRoot(cancellationToken);
        if (!_byBody.GetOrAdd(body, b => Index(b, cancellationToken)).TryGetValue(local.Name, out IdentifierNameSyntax[]? writes))
        {
            return false;
        }

        foreach (IdentifierNameSyntax name in writes)
        {
            if (SymbolEqualityComparer.Default.Equals(model.GetSymbolInfo(name, cancellationToken).Symbol, local))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Every identifier that <paramref name="body"/> writes to, by name (syntax only: nothing is bound here).</summary>
    private static Dictionary<string, IdentifierNameSyntax[]> Index(SyntaxNode body, CancellationToken cancellationToken)
    {
        var writes = new Dictionary<string, List<IdentifierNameSyntax>>(StringComparer.Ordinal);
        foreach (IdentifierNameSyntax name in body.DescendantNodes().OfType<IdentifierNameSyntax>())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (!IsWrite(name))
            {
                continue;
            }

            string text = name.Identifier.ValueText;
            if (!writes.TryGetValue(text, out List<IdentifierNameSyntax>? list))
            {
                writes[text] = list = new List<IdentifierNameSyntax>();
            }

            list.Add(name);
        }

        return writes.ToDictionary(w => w.Key, w => w.Value.ToArray(), StringComparer.Ordinal);
    }

    private static bool IsWrite(IdentifierNameSyntax name)
    {
        SyntaxNode node = name;
        while (node.Parent is ParenthesizedExpressionSyntax or TupleExpressionSyntax or ArgumentSyntax { Parent: TupleExpressionSyntax })
        {
            node = node.Parent;
        }

        return node.Parent switch
        {
            AssignmentExpressionSyntax assignment => assignment.Left == node,
            ArgumentSyntax argument => !argument.RefKindKeyword.IsKind(SyntaxKind.None) && !argument.RefKindKeyword.IsKind(SyntaxKind.InKeyword),
            RefExpressionSyntax => true,
            PrefixUnaryExpressionSyntax { RawKind: (int)SyntaxKind.AddressOfExpression } => true,
            _ => false,
        };
    }

}
