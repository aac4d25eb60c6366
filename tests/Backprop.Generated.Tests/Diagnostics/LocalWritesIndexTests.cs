using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Backprop.Generated.Generator.Analyzers;
using Backprop.Generated.Tests.Infrastructure;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;
using Xunit;

namespace Backprop.Generated.Tests.Diagnostics;

/// <summary>
/// <see cref="LocalWrites"/> on its own (issue 20 item 13: it answers from the operation tree the analyzer driver built,
/// walked once per member, instead of binding syntax): which locals a member writes, that each declarator's initializer
/// is the very operation <see cref="SemanticModel.GetOperation"/> returns, that each tree is walked once however many
/// questions it gets, and that a stackalloc size's constant read from the operation tree is the semantic model's.
/// <see cref="LocalWriteTests"/> checks the same rules through the analyzer.
/// </summary>
public class LocalWritesIndexTests
{
    /// <summary>Locals named w... are written after their declaration, locals named k... are not; twin is declared twice.</summary>
    private const string Members = """
        using System;

        public static class Cases
        {
            private const int Size = 3;

            private static void Replace(ref float[] buffer) => buffer = new float[3];
            private static void Make(out float[] buffer) => buffer = new float[3];
            private static void Read(in float[] buffer) { }

            public static readonly Action FieldLambda = () =>
            {
                float[] wInField = new float[4];
                wInField = new float[3];
                float[] kInField = new float[4];
                Read(in kInField);
            };

            public static unsafe void Writes(float[] unknown)
            {
                float[] wAssigned = new float[4];
                wAssigned = new float[3];
                float[] wTuple = new float[4];
                (wTuple, int n) = (new float[3], 1);
                float[] wDeconstructed = new float[4];
                int m;
                (wDeconstructed, m) = (new float[3], 1);
                float[] wParenthesized = new float[4];
                (wParenthesized) = new float[3];
                float[]? wCoalesced = new float[4];
                wCoalesced ??= new float[3];
                int wCompound = 4;
                wCompound += 1;
                float[] wByRef = new float[4];
                Replace(ref wByRef);
                float[] wByOut = new float[4];
                Make(out wByOut);
                float[] wAliased = new float[4];
                ref float[] alias = ref wAliased;
                int wAddressed = 4;
                int* pointer = &wAddressed;
                float[] wInLambda = new float[4];
                Action later = () => wInLambda = new float[3];
                float[] wInLocalFunction = new float[4];
                void Later() => wInLocalFunction = new float[3];
                float[] wNested = new float[4];
                for (int i = 0; i < 2; i++)
                {
                    if (i == 1)
                    {
                        wNested = unknown;
                    }
                }

                float[] kRead = new float[4];
                Read(in kRead);
                float[] kCopied = new float[4];
                float[] wCopy = kCopied;
                wCopy = unknown;
                float[] kElement = new float[4];
                kElement[0] = 1f;
                Span<float> kView = stackalloc float[4];
                kView[0] = 1f;
                float[] kInitializer = { 1f, 2f };
                ReadOnlySpan<float> kConverted = kInitializer;
                Span<float> kStackalloc = stackalloc float[Size * 2];
                ReadOnlySpan<float> kCollection = [1f, 2f, 3f];
                var kImplicit = new float[2];
                using var kUsing = new System.IO.MemoryStream();
                {
                    float[] twin = new float[4];
                    Read(in twin);
                }

                {
                    float[] twin = new float[4];
                    twin = unknown;
                }
            }

            public static float[] Other()
            {
                float[] kOther = new float[4];
                float[] wOther = new float[4];
                wOther = kOther;
                return wOther;
            }
        }
        """;

    private const string TopLevel = """
        float[] wTop = new float[4];
        float[] kTop = new float[4];
        Reset();
        void Reset() => wTop = kTop;
        """;

    [Fact]
    public void Writes_are_found_in_every_form_and_only_for_their_own_local()
    {
        (Compilation compilation, SemanticModel model, VariableDeclaratorSyntax[] declarators) = Compile(Members);
        var writes = new LocalWrites();
        var seen = new List<string>();
        foreach (VariableDeclaratorSyntax declarator in declarators)
        {
            var local = (ILocalSymbol)model.GetDeclaredSymbol(declarator)!;
            string name = local.Name;
            if (!name.StartsWith('w') && !name.StartsWith('k') && name != "twin")
            {
                continue;
            }

            LocalWrites.Index index = writes.Of(OperationIn(model, declarator), CancellationToken.None);
            bool expected = name == "twin" ? seen.Contains("twin") : name.StartsWith('w');
            Assert.True(expected == index.IsWritten(local), $"{name}: expected {(expected ? "written" : "not written")}");
            seen.Add(name);
        }

        Assert.Equal(2, seen.Count(n => n == "twin"));
        Assert.Equal(16, seen.Count(n => n.StartsWith('w')));
        AssertCompiles(compilation);
    }

    [Fact]
    public void Top_level_statements_are_one_tree_with_their_local_functions()
    {
        (_, SemanticModel model, VariableDeclaratorSyntax[] declarators) = Compile(TopLevel, OutputKind.ConsoleApplication);
        var writes = new LocalWrites();
        foreach (VariableDeclaratorSyntax declarator in declarators)
        {
            var local = (ILocalSymbol)model.GetDeclaredSymbol(declarator)!;
            Assert.Equal(local.Name == "wTop", writes.Of(OperationIn(model, declarator), CancellationToken.None).IsWritten(local));
        }

        Assert.Equal(1, writes.Walks);
    }

    [Fact]
    public void Each_initializer_is_the_operation_the_semantic_model_returns()
    {
        (_, SemanticModel model, VariableDeclaratorSyntax[] declarators) = Compile(Members);
        var writes = new LocalWrites();
        int found = 0;
        foreach (VariableDeclaratorSyntax declarator in declarators.Where(d => d.Initializer is not null))
        {
            // ref float[] alias = ref x: no operation has the syntax of "ref x", and the index has none either.
            ExpressionSyntax initializer = declarator.Initializer!.Value;
            IOperation? expected = model.GetOperation(initializer);
            Assert.Same(expected, writes.Of(OperationIn(model, declarator), CancellationToken.None).InitializerOf(initializer));
            found += expected is null ? 0 : 1;
        }

        Assert.True(found > 30, found.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Each_member_is_walked_once_however_many_questions_it_gets()
    {
        (_, SemanticModel model, VariableDeclaratorSyntax[] declarators) = Compile(Members);
        var writes = new LocalWrites();
        VariableDeclaratorSyntax[] inWrites = declarators.Where(d => d.Ancestors().OfType<MethodDeclarationSyntax>().SingleOrDefault()?.Identifier.Text == "Writes").ToArray();
        VariableDeclaratorSyntax[] inOther = declarators.Where(d => d.Ancestors().OfType<MethodDeclarationSyntax>().SingleOrDefault()?.Identifier.Text == "Other").ToArray();
        Assert.True(inWrites.Length > 20);
        Assert.Equal(2, inOther.Length);

        LocalWrites.Index first = writes.Of(OperationIn(model, inWrites[0]), CancellationToken.None);
        Assert.Equal(1, writes.Walks);
        foreach (VariableDeclaratorSyntax declarator in inWrites)
        {
            Assert.Same(first, writes.Of(OperationIn(model, declarator), CancellationToken.None));
        }

        Assert.Equal(1, writes.Walks);
        LocalWrites.Index other = writes.Of(OperationIn(model, inOther[1]), CancellationToken.None);
        Assert.NotSame(first, other);
        Assert.Same(other, writes.Of(OperationIn(model, inOther[0]), CancellationToken.None));
        Assert.Equal(2, writes.Walks);
    }

    [Fact]
    public void A_cancelled_walk_stores_nothing()
    {
        (_, SemanticModel model, VariableDeclaratorSyntax[] declarators) = Compile(Members);
        var writes = new LocalWrites();
        IOperation operation = OperationIn(model, declarators[0]);
        Assert.ThrowsAny<OperationCanceledException>(() => writes.Of(operation, new CancellationToken(canceled: true)));
        Assert.Equal(0, writes.Walks);
        Assert.NotNull(writes.Of(operation, CancellationToken.None));
        Assert.Equal(1, writes.Walks);
    }

    [Theory]
    [InlineData("4")]
    [InlineData("Size")]
    [InlineData("Size * 2 + 1")]
    [InlineData("size")]
    [InlineData("(byte)3")]
    [InlineData("(int)3.9")]
    [InlineData("'a'")]
    [InlineData("small")]
    [InlineData("unknown.Length")]
    [InlineData("variable")]
    public void A_stackalloc_size_has_the_semantic_models_constant(string size)
    {
        string source = $$"""
            using System;

            public static class Sizes
            {
                private const int Size = 3;

                public static void Run(float[] unknown, int variable)
                {
                    const int size = 5;
                    const short small = 2;
                    Span<float> buffer = stackalloc float[{{size}}];
                    buffer[0] = 1f;
                }
            }
            """;
        (Compilation compilation, SemanticModel model, _) = Compile(source);
        AssertCompiles(compilation);
        var creation = model.SyntaxTree.GetRoot().DescendantNodes().OfType<StackAllocArrayCreationExpressionSyntax>().Single();
        ExpressionSyntax sizeSyntax = ((ArrayTypeSyntax)creation.Type).RankSpecifiers[0].Sizes[0];
        IOperation operation = model.GetOperation(creation)!;

        Optional<object?> expected = model.GetConstantValue(sizeSyntax);
        Optional<object?> actual = KnownLength.ConstantValue(operation, sizeSyntax);
        Assert.Equal(expected.HasValue, actual.HasValue);
        Assert.Equal(expected.HasValue ? expected.Value : null, actual.HasValue ? actual.Value : null);
        Assert.Contains(operation.ChildOperations, child => child.Syntax == sizeSyntax);
    }

    /// <summary>The compilation of <paramref name="source"/> and its local declarators (not fields), in source order.</summary>
    private static (Compilation Compilation, SemanticModel Model, VariableDeclaratorSyntax[] Declarators) Compile(string source, OutputKind kind = OutputKind.DynamicallyLinkedLibrary)
    {
        CSharpCompilation compilation = GeneratorHarness.CreateCompilation(source);
        compilation = compilation.WithOptions(compilation.Options.WithOutputKind(kind).WithAllowUnsafe(true));
        SyntaxTree tree = compilation.SyntaxTrees.Single();
        SemanticModel model = compilation.GetSemanticModel(tree);
        VariableDeclaratorSyntax[] locals = tree.GetRoot().DescendantNodes().OfType<VariableDeclaratorSyntax>().Where(d => model.GetDeclaredSymbol(d) is ILocalSymbol).ToArray();
        return (compilation, model, locals);
    }

    /// <summary>No errors (the harness makes every warning an error: unused locals are fine here).</summary>
    private static void AssertCompiles(Compilation compilation)
    {
        Diagnostic[] errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error && !d.IsWarningAsError).ToArray();
        Assert.True(errors.Length == 0, string.Join("\n", errors.Select(e => e.ToString())));
    }

    /// <summary>An operation inside the member that declares <paramref name="declarator"/> (its tree is the member's).</summary>
    private static IOperation OperationIn(SemanticModel model, VariableDeclaratorSyntax declarator) =>
        model.GetOperation(declarator) ?? throw new InvalidOperationException($"No operation for {declarator}");
}
