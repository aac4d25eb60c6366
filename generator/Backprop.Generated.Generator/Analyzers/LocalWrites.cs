using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Runtime.CompilerServices;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Backprop.Generated.Generator.Analyzers;

/// <summary>
/// Answers two questions about a local for <see cref="KnownLength"/>: is it written after its declaration, and what is
/// the operation of its initializer. A local counts as written when it is assigned (alone, in a tuple or a
/// deconstruction, or by a compound assignment), passed by <c>ref</c> or <c>out</c>, taken by <c>ref</c>
/// (<c>ref var r = ref x;</c>) or by address (<c>&amp;x</c>), anywhere in its scope, lambdas and local functions
/// included.
/// </summary>
/// <remarks>
/// <para>
/// One instance per compilation, shared by every call site. The answers come from the operation tree that Roslyn's
/// analyzer driver has already built for the call site's member (a method body, a field initializer, the top-level
/// statements): the tree whose root the call site's operation reaches through <see cref="IOperation.Parent"/>. A local's
/// scope lies inside that tree, so the tree holds every write to it. Each tree is walked once, the first time a call
/// site in it asks (a member whose calls pass no local is never walked), and its index is kept, weakly, beside the
/// semantic model that holds the tree (one per syntax tree): it goes when the model goes.
/// </para>
/// <para>
/// The walk binds nothing. A local reference in a write position (the syntactic positions a write can take) names the
/// local it writes. The explicit operation of each declarator's initializer is kept: it is the one
/// <see cref="SemanticModel.GetOperation"/> returns for that syntax (explicit operations have distinct syntax), found
/// without the semantic model mapping the whole member.
/// </para>
/// <para>
/// Issue 20 item 13: before, each body was walked as syntax and each write in it bound with
/// <see cref="ModelExtensions.GetSymbolInfo(SemanticModel, SyntaxNode, CancellationToken)"/>, and each initializer
/// looked up with <see cref="SemanticModel.GetOperation"/>; that walk and those queries were most of the analyzer's
/// time at 200 call sites.
/// </para>
/// </remarks>
internal sealed class LocalWrites
{
    /// <summary>
    /// The indexes by tree root, kept beside the semantic model the trees belong to (one per syntax tree, which caches the
    /// trees itself): weakly, so they go when the model goes, with one weak entry per syntax tree rather than per member.
    /// </summary>
    private readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IOperation, Index>> _byModel = new();
    private static readonly ConditionalWeakTable<SemanticModel, ConcurrentDictionary<IOperation, Index>>.CreateValueCallback NewTable = _ => new ConcurrentDictionary<IOperation, Index>();
    private int _walks;

    /// <summary>How many operation trees this instance has walked (a test hook: each tree is walked at most once).</summary>
    internal int Walks => Volatile.Read(ref _walks);

    /// <summary>The index of the operation tree that holds <paramref name="operation"/> (walked now if it is the tree's first question).</summary>
    public Index Of(IOperation operation, CancellationToken cancellationToken)
    {
        IOperation root = operation;
        while (root.Parent is { } parent)
        {
            root = parent;
        }

        ConcurrentDictionary<IOperation, Index>? byRoot = root.SemanticModel is { } model ? _byModel.GetValue(model, NewTable) : null;
        if (byRoot is not null && byRoot.TryGetValue(root, out Index? index))
        {
            return index;
        }

        // The operation actions of one member run one after another; should two threads ever race on a tree, both
        // build the same index and the first one stored is kept.
        index = Index.Build(root, cancellationToken);
        Interlocked.Increment(ref _walks);
        return byRoot is null ? index : byRoot.GetOrAdd(root, index);
    }

    /// <summary>Whether <paramref name="name"/> stands where a write puts its target (syntax only: the operation says which local).</summary>
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

    /// <summary>The written locals and the declarators' initializers of one operation tree.</summary>
    public sealed class Index
    {
        private HashSet<ILocalSymbol>? _written;
        private Dictionary<SyntaxNode, IOperation>? _initializers;

        private Index()
        {
        }

        /// <summary>Whether anything in the tree writes <paramref name="local"/> (see <see cref="LocalWrites"/> for what counts).</summary>
        public bool IsWritten(ILocalSymbol local) => _written is not null && _written.Contains(local);

        /// <summary>
        /// The explicit operation whose syntax is <paramref name="initializer"/> (the value of a declarator in the tree),
        /// as <see cref="SemanticModel.GetOperation"/> returns it, or <see langword="null"/> if the tree has none.
        /// </summary>
        public IOperation? InitializerOf(ExpressionSyntax initializer) =>
            _initializers is not null && _initializers.TryGetValue(initializer, out IOperation? operation) ? operation : null;

        internal static Index Build(IOperation root, CancellationToken cancellationToken)
        {
            var index = new Index();
            var pending = new Stack<IOperation>();
            pending.Push(root);
            while (pending.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                IOperation operation = pending.Pop();
                if (operation.Kind == OperationKind.LocalReference && operation.Syntax is IdentifierNameSyntax name && IsWrite(name))
                {
                    (index._written ??= new HashSet<ILocalSymbol>(SymbolEqualityComparer.Default)).Add(((ILocalReferenceOperation)operation).Local);
                }

                if (!operation.IsImplicit && operation.Syntax.Parent is EqualsValueClauseSyntax { Parent: VariableDeclaratorSyntax })
                {
                    // The clause's value (its only node): the initializer's explicit operation.
                    (index._initializers ??= new Dictionary<SyntaxNode, IOperation>())[operation.Syntax] = operation;
                }

                foreach (IOperation child in operation.ChildOperations)
                {
                    pending.Push(child);
                }
            }

            return index;
        }
    }
}
