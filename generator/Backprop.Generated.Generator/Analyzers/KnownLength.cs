using System;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Operations;

namespace Backprop.Generated.Generator.Analyzers;

/// <summary>A buffer length proven at compile time, and (for composition) the network whose Output it is.</summary>
internal readonly struct Length
{
    public Length(int value, NetworkShape? outputOf = null)
    {
        Value = value;
        OutputOf = outputOf;
    }

    public int Value { get; }

    /// <summary>Set when the buffer is another network's generated <c>Output</c>.</summary>
    public NetworkShape? OutputOf { get; }
}

/// <summary>
/// Finds the length of a span or array argument when it is known at compile time. Deliberately
/// conservative: anything it cannot prove (a parameter, a field, a local assigned twice or passed by
/// reference, a length computed at run time) is unknown, and unknown lengths are never reported.
/// </summary>
/// <remarks>
/// Proven: <c>stackalloc T[n]</c> and <c>stackalloc[] { ... }</c>; <c>new T[n]</c> and array initializers;
/// collection expressions without spreads; any <c>[InlineArray(n)]</c> struct (including the generated
/// Input/Output of every network); <c>new Span&lt;T&gt;(pointer or array, start, n)</c> (the way a fixed-size
/// buffer becomes a span); <c>Slice</c>/<c>AsSpan</c> with constant bounds; a network's <c>Parameters</c>,
/// <c>W1</c>, <c>b1</c>, ... views; and a local whose only assignment is its initializer, one of the above.
/// Every size may be any constant expression (<c>stackalloc float[Student.InputSize * 4]</c>).
/// </remarks>
internal sealed class KnownLength
{
    private const int MaxDepth = 8;
    private readonly Func<INamedTypeSymbol, NetworkShape?> _shapeOf;
    private readonly Func<INamedTypeSymbol?> _inlineArrayAttribute;
    private readonly CancellationToken _cancellationToken;
    private readonly LocalWrites _writes;

    /// <param name="shapeOf">The network shape of a type, or <see langword="null"/> for a type that is not a network.</param>
    /// <param name="inlineArrayAttribute">System.Runtime.CompilerServices.InlineArrayAttribute, when the compilation has it (looked up when first needed).</param>
    /// <param name="writes">The compilation's index of written locals, shared by every call site (each member's operations walked once, when first asked).</param>
    /// <param name="cancellationToken">The analysis' cancellation.</param>
    public KnownLength(Func<INamedTypeSymbol, NetworkShape?> shapeOf, Func<INamedTypeSymbol?> inlineArrayAttribute, LocalWrites writes, CancellationToken cancellationToken)
    {
        _shapeOf = shapeOf;
        _inlineArrayAttribute = inlineArrayAttribute;
        _writes = writes;
        _cancellationToken = cancellationToken;
    }

    public Length? Of(IOperation? operation) => Of(operation, 0);

    private Length? Of(IOperation? operation, int depth)
    {
        if (operation is null || depth > MaxDepth)
        {
            return null;
        }

        switch (operation)
        {
            case IConversionOperation conversion:
                if (conversion.Operand.Type is INamedTypeSymbol { TypeKind: TypeKind.Struct } inline && InlineLength(inline) is { } inlineLength)
                {
                    return inlineLength;
                }

                // Array -> span and span -> read-only span keep the length (they are operators on Span<T> before C# 14).
                return conversion.OperatorMethod is null || IsSpan(conversion.OperatorMethod.ContainingType) ? Of(conversion.Operand, depth + 1) : null;

            case IParenthesizedOperation parenthesized:
                return Of(parenthesized.Operand, depth + 1);

            case IArrayCreationOperation { DimensionSizes.Length: 1 } array:
                if (array.DimensionSizes[0].ConstantValue is { HasValue: true, Value: int size })
                {
                    return new Length(size);
                }

                return array.Initializer is { } initializer ? new Length(initializer.ElementValues.Length) : null;

            case IArrayInitializerOperation initializerOnly:
                // float[] x = { 1, 2, 3 }; declares an array whose operation is just the initializer.
                return new Length(initializerOnly.ElementValues.Length);

            case IObjectCreationOperation creation:
                return SpanConstructor(creation, depth);

            case IInvocationOperation invocation:
                return SliceOrAsSpan(invocation, depth);

            case IPropertyReferenceOperation { Instance: { } instance, Property: { } property }
                when instance.Type is INamedTypeSymbol owner && _shapeOf(owner) is { } shape && shape.ViewLength(property.Name) is { } view:
                return new Length(view);

            case ILocalReferenceOperation local:
                return SingleAssignment(local, depth);
        }

        // stackalloc has no IOperation of its own (it surfaces as OperationKind.None), and ICollectionExpressionOperation
        // is newer than the compiler floor (Roslyn 4.8 has no such interface): read the syntax of both.
        return FromSyntax(operation);
    }

    private Length? InlineLength(INamedTypeSymbol type)
    {
        if (_inlineArrayAttribute() is not { } inlineArrayAttribute)
        {
            return null;
        }

        AttributeData? attribute = type.GetAttributes().FirstOrDefault(a => SymbolEqualityComparer.Default.Equals(a.AttributeClass, inlineArrayAttribute));
        if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not int length)
        {
            return null;
        }

        NetworkShape? outputOf = type.Name == "Output" && type.ContainingType is { } network ? _shapeOf(network) : null;
        return new Length(length, outputOf);
    }

    private static Length? FromSyntax(IOperation operation)
    {
        switch (operation.Syntax)
        {
            case CollectionExpressionSyntax collection:
                // [a, b, c] has as many elements as it lists; a spread (..other) has a length known only at run time.
                return collection.Elements.Any(e => e is SpreadElementSyntax) ? null : new Length(collection.Elements.Count);
            case StackAllocArrayCreationExpressionSyntax { Initializer: { } initializer }:
                return new Length(initializer.Expressions.Count);
            case StackAllocArrayCreationExpressionSyntax { Type: ArrayTypeSyntax array }
                when array.RankSpecifiers.Count == 1 && array.RankSpecifiers[0].Sizes.Count == 1
                    && ConstantValue(operation, array.RankSpecifiers[0].Sizes[0]) is { HasValue: true, Value: int value }:
                return new Length(value);
            case ImplicitStackAllocArrayCreationExpressionSyntax implicitStackalloc:
                return new Length(implicitStackalloc.Initializer.Expressions.Count);
            default:
                return null;
        }
    }

    /// <summary>
    /// The constant of <paramref name="expression"/>, a child of <paramref name="operation"/> (a stackalloc's size), as
    /// <see cref="SemanticModel.GetConstantValue"/> gives it: the expression as written, so under any implicit conversion
    /// the compiler added. Read from the operation's children, which the driver has already built (issue 20 item 13: the
    /// semantic model query was a tenth of the analyzer's time at 200 call sites); the semantic model only if no child
    /// has that syntax.
    /// </summary>
    internal static Optional<object?> ConstantValue(IOperation operation, ExpressionSyntax expression)
    {
        foreach (IOperation child in operation.ChildOperations)
        {
            if (child.Syntax == expression)
            {
                IOperation written = child;
                while (written is IConversionOperation { IsImplicit: true, Operand: { } operand } && operand.Syntax == expression)
                {
                    written = operand;
                }

                return written.ConstantValue;
            }
        }

        return operation.SemanticModel is { } model ? model.GetConstantValue(expression) : default;
    }

    /// <summary><c>new Span&lt;T&gt;(array)</c>, <c>(array, start, length)</c>, <c>(pointer, length)</c>.</summary>
    private Length? SpanConstructor(IObjectCreationOperation creation, int depth)
    {
        if (!IsSpan(creation.Type) || creation.Arguments.Length == 0)
        {
            return null;
        }

        IArgumentOperation? lengthArgument = creation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "length");
        if (lengthArgument is not null)
        {
            return lengthArgument.Value.ConstantValue is { HasValue: true, Value: int length } ? new Length(length) : null;
        }

        return creation.Arguments.Length == 1 && creation.Arguments[0].Parameter?.Name == "array"
            ? Of(creation.Arguments[0].Value, depth + 1)
            : null;
    }

    /// <summary><c>x.Slice(start, length)</c>, <c>x.Slice(start)</c>, <c>x.AsSpan()</c> and its overloads with constant bounds.</summary>
    private Length? SliceOrAsSpan(IInvocationOperation invocation, int depth)
    {
        string name = invocation.TargetMethod.Name;
        if (name is not ("Slice" or "AsSpan" or "AsMemory" or "ToArray"))
        {
            return null;
        }

        IArgumentOperation[] arguments = invocation.Arguments.ToArray();
        IOperation? source = invocation.Instance;
        if (source is null && invocation.TargetMethod.IsExtensionMethod && arguments.Length > 0)
        {
            source = arguments[0].Value;
            arguments = arguments.Skip(1).ToArray();
        }

        if (arguments.Any(a => a.Parameter?.Type.SpecialType != SpecialType.System_Int32))
        {
            return null;
        }

        IArgumentOperation? length = arguments.FirstOrDefault(a => a.Parameter?.Name == "length");
        if (length is not null)
        {
            return length.Value.ConstantValue is { HasValue: true, Value: int value } ? new Length(value) : null;
        }

        if (Of(source, depth + 1) is not { } whole)
        {
            return null;
        }

        IArgumentOperation? start = arguments.FirstOrDefault(a => a.Parameter?.Name == "start");
        if (start is null)
        {
            return arguments.Length == 0 ? new Length(whole.Value, whole.OutputOf) : null;
        }

        return start.Value.ConstantValue is { HasValue: true, Value: int offset } && offset <= whole.Value ? new Length(whole.Value - offset) : null;
    }

    /// <summary>A local that is assigned once, by its initializer, and never written or passed by reference afterwards.</summary>
    private Length? SingleAssignment(ILocalReferenceOperation reference, int depth)
    {
        ILocalSymbol local = reference.Local;
        SemanticModel? model = reference.SemanticModel;
        if (model is null || local.IsRef || local.DeclaringSyntaxReferences is not { Length: 1 } declarations)
        {
            return null;
        }

        if (declarations[0].GetSyntax(_cancellationToken) is not VariableDeclaratorSyntax { Initializer.Value: { } initializer } declarator
            || declarator.SyntaxTree != model.SyntaxTree
            || _writes.Of(reference, _cancellationToken) is not { } member
            || member.IsWritten(local))
        {
            return null;
        }

        // The initializer's operation in the tree the driver built; the semantic model only if the tree has none (that
        // query maps the whole member).
        return Of(member.InitializerOf(initializer) ?? model.GetOperation(initializer, _cancellationToken), depth + 1);
    }

    private static bool IsSpan(ITypeSymbol? type) =>
        type is INamedTypeSymbol { Name: "Span" or "ReadOnlySpan", Arity: 1, ContainingNamespace: { Name: "System", ContainingNamespace.IsGlobalNamespace: true } };
}
