using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Linq;
using Backprop.Generated.Generator.Diagnostics;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Diagnostics;
using Microsoft.CodeAnalysis.Operations;

namespace Backprop.Generated.Generator.Analyzers;

/// <summary>
/// Checks calls to the generated span APIs of every <c>[Network]</c>/<c>[Layer]</c> type where a buffer's
/// length is known at compile time (see <see cref="KnownLength"/>), so a shape mistake is an error at the
/// argument instead of an <see cref="System.ArgumentException"/> at run time.
/// </summary>
/// <remarks>
/// Methods are matched by name and parameter names, so methods added later with the same contract
/// (ComputeGradients, TrainStep) are checked as soon as they exist. Each parameter name carries its rule:
/// <list type="bullet">
/// <item><c>input</c>: exactly InputSize; <c>output</c>, <c>target</c>: exactly OutputSize (BPG024).</item>
/// <item><c>inputs</c>: whole rows of InputSize; <c>outputs</c>, <c>targets</c>: whole rows of OutputSize (BPG025),
/// and as many rows as <c>inputs</c> when that is known (BPG026).</item>
/// <item><c>gradients</c>: exactly ParameterCount (BPG027).</item>
/// <item>ComputeGradients and TrainStep need at least one row of <c>inputs</c> (BPG030).</item>
/// </list>
/// Parameter loading (<c>net.LoadParameters(values)</c>, <c>source.CopyTo(net.Parameters)</c>, <c>.CopyTo(net.W1)</c>, ...) must copy exactly the
/// view's length (BPG028). Feeding one network's Output to another network of a different input size is
/// BPG029, both for the typed <c>Forward(in Input)</c> (and a typed call whose sizes chain but whose networks
/// cannot have a conversion, of different precision or both from other assemblies, is BPG031) (where the compiler also rejects the call, because the
/// generated composition file declares conversions only between matching sizes) and through spans.
/// </remarks>
[DiagnosticAnalyzer(LanguageNames.CSharp)]
public sealed class ShapeAnalyzer : DiagnosticAnalyzer
{
    /// <summary>The generated span APIs, by name and parameter names (types are not needed: the names carry the rules).</summary>
    private static readonly (string Name, string[] Parameters)[] CheckedMethods =
    {
        ("Forward", new[] { "input", "output" }),
        ("ForwardBatch", new[] { "inputs", "outputs" }),
        ("ComputeGradients", new[] { "inputs", "targets", "gradients" }),
        ("TrainStep", new[] { "inputs", "targets", "optimizer" }),
        ("LoadParameters", new[] { "values" }),
    };

    public override ImmutableArray<DiagnosticDescriptor> SupportedDiagnostics { get; } = ImmutableArray.Create(
        DiagnosticDescriptors.ExampleLengthMismatch,
        DiagnosticDescriptors.BatchNotWholeRows,
        DiagnosticDescriptors.BatchRowsMismatch,
        DiagnosticDescriptors.GradientLengthMismatch,
        DiagnosticDescriptors.ParameterLoadLengthMismatch,
        DiagnosticDescriptors.CompositionMismatch,
        DiagnosticDescriptors.EmptyTrainingBatch,
        DiagnosticDescriptors.CompositionUnavailable);

    public override void Initialize(AnalysisContext context)
    {
        // Call sites in generated code too (a T4 file, a [GeneratedCode] member): each of these errors stands for an
        // ArgumentException that the call throws every time it runs, as certain as a compiler error (which the compiler
        // reports in generated code as well); the fix belongs in the template. This generator's own files call only
        // the private *Core methods and kernels, which no rule here matches.
        context.ConfigureGeneratedCodeAnalysis(GeneratedCodeAnalysisFlags.Analyze | GeneratedCodeAnalysisFlags.ReportDiagnostics);
        context.EnableConcurrentExecution();
        context.RegisterCompilationStartAction(start =>
        {
            // Nothing is looked up here. The first lookup in a compilation makes the compiler build its declaration table,
            // which it has built anyway before the driver hands over any operation or syntax node, but which a lookup at
            // compilation start builds inside this analyzer's time (issue 20 item 13: 1 to 4 ms of a fresh compilation,
            // most of it for top-level statements).
            var types = new AttributeTypes(start.Compilation);
            System.Func<INamedTypeSymbol, NetworkShape?> shapeOf = new Shapes(types).Of;
            System.Func<INamedTypeSymbol?> inlineArray = () => types.InlineArray;

            // One index of written locals for the whole compilation: each member's operations are walked once however
            // many calls it holds (issue 20 item 13).
            var writes = new LocalWrites();
            System.Func<System.Threading.CancellationToken, KnownLength> lengths = cancellationToken => new KnownLength(shapeOf, inlineArray, writes, cancellationToken);
            start.RegisterOperationAction(ctx => AnalyzeInvocation(ctx, (IInvocationOperation)ctx.Operation, shapeOf, lengths), OperationKind.Invocation);
            start.RegisterSyntaxNodeAction(ctx => AnalyzeUnboundForward(ctx, shapeOf), SyntaxKind.InvocationExpression);
        });
    }

    /// <summary>
    /// The network shapes of one compilation, by type (<see langword="null"/> for a type that is not a network). The
    /// last answer is kept beside the table: the calls of a method mostly go to one network, and the same type symbol
    /// then costs one reference comparison instead of a lookup that hashes and compares symbols.
    /// </summary>
    private sealed class Shapes
    {
        private readonly AttributeTypes _types;
        private readonly ConcurrentDictionary<INamedTypeSymbol, NetworkShape?> _byType = new(SymbolEqualityComparer.Default);
        private readonly System.Func<INamedTypeSymbol, NetworkShape?> _create;
        private Answer? _last;

        public Shapes(AttributeTypes types)
        {
            _types = types;
            _create = type => NetworkShape.TryCreate(type, types.Network, types.Layer);
        }

        public NetworkShape? Of(INamedTypeSymbol type)
        {
            Answer? last = System.Threading.Volatile.Read(ref _last);
            if (last is not null && ReferenceEquals(last.Type, type))
            {
                return last.Shape;
            }

            NetworkShape? shape = _types.Any ? _byType.GetOrAdd(type.OriginalDefinition, _create) : null;
            System.Threading.Volatile.Write(ref _last, new Answer(type, shape));
            return shape;
        }

        /// <summary>One answer, published whole (threads share the instance).</summary>
        private sealed class Answer
        {
            public Answer(INamedTypeSymbol type, NetworkShape? shape)
            {
                Type = type;
                Shape = shape;
            }

            public INamedTypeSymbol Type { get; }

            public NetworkShape? Shape { get; }
        }
    }

    /// <summary>
    /// The attribute types the rules compare with, when the compilation has them, each looked up the first time it is
    /// needed (a compilation with no call to check never looks them up).
    /// </summary>
    private sealed class AttributeTypes
    {
        private readonly System.Lazy<(INamedTypeSymbol? Network, INamedTypeSymbol? Layer)> _networkAndLayer;
        private readonly System.Lazy<INamedTypeSymbol?> _inlineArray;

        public AttributeTypes(Compilation compilation)
        {
            _networkAndLayer = new(
                () => (compilation.GetTypeByMetadataName(NetworkGenerator.NetworkAttributeName), compilation.GetTypeByMetadataName(NetworkGenerator.LayerAttributeName)),
                System.Threading.LazyThreadSafetyMode.PublicationOnly);
            _inlineArray = new(
                () => compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.InlineArrayAttribute"),
                System.Threading.LazyThreadSafetyMode.PublicationOnly);
        }

        public INamedTypeSymbol? Network => _networkAndLayer.Value.Network;

        public INamedTypeSymbol? Layer => _networkAndLayer.Value.Layer;

        public INamedTypeSymbol? InlineArray => _inlineArray.Value;

        /// <summary>Without [Network] and [Layer] no type is a network: nothing to check.</summary>
        public bool Any => _networkAndLayer.Value is { Network: not null } or { Layer: not null };
    }

    private static void AnalyzeInvocation(
        OperationAnalysisContext context, IInvocationOperation invocation, System.Func<INamedTypeSymbol, NetworkShape?> shapeOf, System.Func<System.Threading.CancellationToken, KnownLength> newLengths)
    {
        IMethodSymbol method = invocation.TargetMethod;
        if (method.Name == "CopyTo")
        {
            AnalyzeCopyTo(context, invocation, shapeOf, newLengths(context.CancellationToken));
            return;
        }

        if (!IsChecked(method)
            || method.ContainingType is null
            || shapeOf(method.ContainingType) is not { } shape)
        {
            return;
        }

        KnownLength lengths = newLengths(context.CancellationToken);
        int? rows = null;
        foreach (IArgumentOperation argument in InParameterOrder(invocation.Arguments))
        {
            if (argument.Parameter is null || lengths.Of(argument.Value) is not { } length)
            {
                continue;
            }

            string parameter = argument.Parameter.Name;
            Location location = argument.Value.Syntax.GetLocation();
            switch (parameter)
            {
                case "input":
                    if (length.Value != shape.InputSize)
                    {
                        context.ReportDiagnostic(length.OutputOf is { } source
                            ? Diagnostic.Create(DiagnosticDescriptors.CompositionMismatch, location, source.Name, Count(source.OutputSize, "value"), shape.Name, method.Name, Count(shape.InputSize, "input"))
                            : Diagnostic.Create(DiagnosticDescriptors.ExampleLengthMismatch, location, parameter, shape.Name, method.Name, Count(shape.InputSize, "value"), "InputSize", Count(length.Value, "value")));
                    }

                    break;

                case "output" or "target":
                    if (length.Value != shape.OutputSize)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ExampleLengthMismatch, location, parameter, shape.Name, method.Name, Count(shape.OutputSize, "value"), "OutputSize", Count(length.Value, "value")));
                    }

                    break;

                case "inputs":
                    if (length.Value % shape.InputSize != 0)
                    {
                        ReportNotWholeRows(context, location, parameter, shape, method, shape.InputSize, "InputSize", length.Value);
                    }
                    else
                    {
                        rows = length.Value / shape.InputSize;
                        if (rows == 0 && method.Name is "ComputeGradients" or "TrainStep")
                        {
                            context.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.EmptyTrainingBatch, location, parameter, shape.Name, method.Name, Count(shape.InputSize, "value"), "InputSize"));
                        }
                    }

                    break;

                case "outputs" or "targets":
                    if (rows is { } m)
                    {
                        if (length.Value != m * shape.OutputSize)
                        {
                            context.ReportDiagnostic(Diagnostic.Create(
                                DiagnosticDescriptors.BatchRowsMismatch, location, parameter, shape.Name, method.Name, Count(m * shape.OutputSize, "value"), Count(m, "row"), shape.OutputSize, "OutputSize", "inputs", Count(length.Value, "value")));
                        }
                    }
                    else if (length.Value % shape.OutputSize != 0)
                    {
                        ReportNotWholeRows(context, location, parameter, shape, method, shape.OutputSize, "OutputSize", length.Value);
                    }

                    break;

                case "values":
                    if (length.Value != shape.ParameterCount)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ParameterLoadLengthMismatch, location, shape.Name, "Parameters", Count(shape.ParameterCount, "value"), Count(length.Value, "value")));
                    }

                    break;

                case "gradients":
                    if (length.Value != shape.ParameterCount)
                    {
                        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.GradientLengthMismatch, location, parameter, shape.Name, method.Name, Count(shape.ParameterCount, "value"), Count(length.Value, "value")));
                    }

                    break;
            }
        }
    }

    /// <summary>Whether <paramref name="method"/> has the name and parameter names of one of <see cref="CheckedMethods"/>.</summary>
    private static bool IsChecked(IMethodSymbol method)
    {
        foreach ((string name, string[] parameters) in CheckedMethods)
        {
            if (name != method.Name || parameters.Length != method.Parameters.Length)
            {
                continue;
            }

            bool same = true;
            for (int i = 0; i < parameters.Length && same; i++)
            {
                same = parameters[i] == method.Parameters[i].Name;
            }

            if (same)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The arguments by parameter ordinal, as a stable sort gives them (named arguments may come in any order).</summary>
    private static ImmutableArray<IArgumentOperation> InParameterOrder(ImmutableArray<IArgumentOperation> arguments)
    {
        for (int i = 1; i < arguments.Length; i++)
        {
            if ((arguments[i].Parameter?.Ordinal ?? 0) < (arguments[i - 1].Parameter?.Ordinal ?? 0))
            {
                return arguments.OrderBy(a => a.Parameter?.Ordinal ?? 0).ToImmutableArray();
            }
        }

        return arguments;
    }

    /// <summary>"1 value", "3 values": messages read as sentences.</summary>
    private static string Count(int n, string noun) =>
        n.ToString(System.Globalization.CultureInfo.InvariantCulture) + " " + (n == 1 ? noun : noun + "s");

    private static void ReportNotWholeRows(OperationAnalysisContext context, Location location, string parameter, NetworkShape shape, IMethodSymbol method, int row, string rowName, int actual) =>
        context.ReportDiagnostic(Diagnostic.Create(
            DiagnosticDescriptors.BatchNotWholeRows, location, parameter, shape.Name, method.Name, Count(row, "value"), rowName, Count(actual, "value"), Count(actual / row, "row"), Count(actual % row, "value")));

    /// <summary><c>source.CopyTo(net.Parameters)</c> (span instance method or the array extension) with a known source length.</summary>
    private static void AnalyzeCopyTo(OperationAnalysisContext context, IInvocationOperation invocation, System.Func<INamedTypeSymbol, NetworkShape?> shapeOf, KnownLength lengths)
    {
        IOperation? source = invocation.Instance;
        IOperation? destination = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Name == "destination")?.Value;
        if (source is null && invocation.TargetMethod.IsExtensionMethod)
        {
            source = invocation.Arguments.FirstOrDefault(a => a.Parameter?.Ordinal == 0)?.Value;
        }

        while (destination is IConversionOperation conversion)
        {
            destination = conversion.Operand;
        }

        if (destination is not IPropertyReferenceOperation { Instance.Type: INamedTypeSymbol owner, Property: { } view }
            || shapeOf(owner) is not { } shape
            || shape.ViewLength(view.Name) is not { } expected
            || lengths.Of(source) is not { } actual
            || actual.Value == expected)
        {
            return;
        }

        context.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.ParameterLoadLengthMismatch, source!.Syntax.GetLocation(), shape.Name, view.Name, Count(expected, "value"), Count(actual.Value, "value")));
    }

    /// <summary>
    /// <c>b.Forward(a.Forward(x))</c> where n_L(a) != n_0(b): no conversion exists, so the call does not bind
    /// (CS1503) and there is no invocation operation; explain the shapes at the argument.
    /// </summary>
    private static void AnalyzeUnboundForward(SyntaxNodeAnalysisContext context, System.Func<INamedTypeSymbol, NetworkShape?> shapeOf)
    {
        var invocation = (InvocationExpressionSyntax)context.Node;
        string? name = invocation.Expression switch
        {
            MemberAccessExpressionSyntax member => member.Name.Identifier.ValueText,
            IdentifierNameSyntax identifier => identifier.Identifier.ValueText,
            _ => null,
        };
        if (name != "Forward" || invocation.ArgumentList.Arguments.Count != 1)
        {
            return;
        }

        SymbolInfo info = context.SemanticModel.GetSymbolInfo(invocation, context.CancellationToken);
        if (info.Symbol is not null)
        {
            return;
        }

        IMethodSymbol? candidate = info.CandidateSymbols.OfType<IMethodSymbol>().FirstOrDefault(m => m.Name == "Forward" && m.Parameters.Length == 1);
        if (candidate?.ContainingType is null || shapeOf(candidate.ContainingType) is not { } target)
        {
            return;
        }

        ExpressionSyntax argument = invocation.ArgumentList.Arguments[0].Expression;
        if (context.SemanticModel.GetTypeInfo(argument, context.CancellationToken).Type is not INamedTypeSymbol { Name: "Output", ContainingType: { } sourceType }
            || shapeOf(sourceType) is not { } source)
        {
            return;
        }

        if (source.OutputSize != target.InputSize)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.CompositionMismatch, argument.GetLocation(), source.Name, Count(source.OutputSize, "value"), target.Name, candidate.Name, Count(target.InputSize, "input")));
            return;
        }

        // The sizes chain, yet no conversion exists: say why, instead of leaving only CS1503.
        string? sourceElement = ElementType(sourceType);
        string? targetElement = ElementType(candidate.ContainingType);
        IAssemblySymbol here = context.SemanticModel.Compilation.Assembly;
        string? reason = sourceElement != targetElement
            ? $"their element types differ ({sourceElement} and {targetElement}), and Precision must match"
            : !SymbolEqualityComparer.Default.Equals(sourceType.ContainingAssembly, here) && !SymbolEqualityComparer.Default.Equals(candidate.ContainingType.ContainingAssembly, here)
                ? $"both are declared in other assemblies ({sourceType.ContainingAssembly.Name} and {candidate.ContainingType.ContainingAssembly.Name}), and a conversion can only be generated in the project that declares one of them"
                : NoConversionReason(sourceType) ?? NoConversionReason(candidate.ContainingType);
        if (reason is not null)
        {
            context.ReportDiagnostic(Diagnostic.Create(
                DiagnosticDescriptors.CompositionUnavailable, argument.GetLocation(), source.Name, target.Name, Count(target.InputSize, "value"), reason, sourceElement ?? "float"));
        }
    }

    /// <summary>
    /// Why the generator writes no conversion to or from <paramref name="network"/>, or null: the rules of the parser's
    /// GetEndpoint (a generic type in the chain has no type arguments the composition file could write; a file-local,
    /// private or protected type cannot be named from the other network's struct).
    /// </summary>
    private static string? NoConversionReason(INamedTypeSymbol network)
    {
        for (INamedTypeSymbol? current = network.OriginalDefinition; current is not null; current = current.ContainingType)
        {
            string which = SymbolEqualityComparer.Default.Equals(current, network.OriginalDefinition) ? network.Name + " is" : $"{network.Name} is inside {current.Name}, which is";
            if (current.Arity > 0)
            {
                return $"{which} generic, and the generated conversions cannot name a type that needs type arguments";
            }

            if (current.IsFileLocal)
            {
                return $"{which} file-local, and the generated conversions cannot name it";
            }

            if (current.DeclaredAccessibility is not (Accessibility.Public or Accessibility.Internal))
            {
                return $"{which} {AccessibilityText(current.DeclaredAccessibility)}, and the generated conversions are written only for public and internal networks";
            }
        }

        return null;
    }

    private static string AccessibilityText(Accessibility accessibility) => accessibility switch
    {
        Accessibility.Private => "private",
        Accessibility.Protected => "protected",
        Accessibility.ProtectedOrInternal => "protected internal",
        Accessibility.ProtectedAndInternal => "private protected",
        _ => "not public or internal",
    };

    /// <summary>float or double: the type argument of the network's INetwork&lt;T&gt;.</summary>
    private static string? ElementType(INamedTypeSymbol network) =>
        network.AllInterfaces.FirstOrDefault(i => i.Name == "INetwork" && i.Arity == 1 && i.ContainingNamespace.ToDisplayString() == "Backprop.Generated")?.TypeArguments[0].ToDisplayString();
}
