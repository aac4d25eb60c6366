using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generated.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Parser
    {
        /// <summary>
        /// Reads the <c>[Layer(inputs, outputs, activation)]</c> form: one attribute per layer, applied in
        /// the order the attributes are written. Produces the same <see cref="NetworkModel"/> as the
        /// equivalent <c>[Network]</c> declaration (only <see cref="NetworkModel.Form"/> differs).
        /// </summary>
        /// <remarks>
        /// Called once per type declaration that carries <c>[Layer]</c>. Problems of the type as a whole
        /// (BPG021 mixed forms, the partial/static/file checks) are reported only from the first such
        /// declaration; every other one reports BPG022 on its own first <c>[Layer]</c>. So each problem is
        /// reported once, and a type with any of them generates nothing.
        /// </remarks>
        public static ParseResult ParseLayers(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
            ParseLayers(context.SemanticModel.Compilation, context.TargetSymbol, context.TargetNode, context.Attributes, cancellationToken);

        /// <summary>The same parse from a symbol, its declaration and its [Layer] attributes (used by <see cref="Analyzers.DeclarationAnalyzer"/>).</summary>
        public static ParseResult ParseLayers(Compilation compilation, ISymbol targetSymbol, SyntaxNode targetNode, ImmutableArray<AttributeData> attributes, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            if (targetSymbol is not INamedTypeSymbol type
                || targetNode is not TypeDeclarationSyntax declaration
                || attributes.IsEmpty)
            {
                return Result(null, diagnostics);
            }

            // Syntax order of the attribute lists: the order the layers are written in. For a partial type,
            // context.Attributes holds the [Layer]s of every declaration; keep this declaration's own.
            AttributeData[] layers = attributes
                .Where(a => a.ApplicationSyntaxReference is { } application
                    && application.SyntaxTree == declaration.SyntaxTree
                    && declaration.Span.Contains(application.Span))
                .OrderBy(a => a.ApplicationSyntaxReference?.Span.Start ?? 0)
                .ToArray();
            // As for [Network]: a record struct (CS0592) or a declaration without a name (CS1001) is the compiler's to report.
            if (layers.Length == 0 || type.TypeKind != TypeKind.Class || HasMissingName(declaration))
            {
                return Result(null, diagnostics);
            }

            AttributeSyntax?[] syntax = layers
                .Select(a => a.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax)
                .ToArray();

            List<SyntaxReference> carrying = DeclarationsWithLayers(type);
            bool isFirst = carrying.Count == 0
                || (carrying[0].SyntaxTree == declaration.SyntaxTree && carrying[0].Span == declaration.Span);
            if (!isFirst)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayersSplitAcrossDeclarations, LocationInfo.From(syntax[0]), type.Name));
                return Result(null, diagnostics);
            }

            CheckDeclaration(type, declaration, diagnostics);
            CheckPlatform(compilation, type, declaration, diagnostics);

            AttributeData? network = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == NetworkAttributeName);
            if (network is not null)
            {
                LocationInfo? where = LocationInfo.From(network.ApplicationSyntaxReference?.GetSyntax(cancellationToken)) ?? LocationInfo.From(syntax[0]);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkAndLayerMixed, where, type.Name));
            }

            bool canHost = diagnostics.Count == 0 && carrying.Count <= 1;
            if (carrying.Count > 1
                || !TryReadLayers(layers, syntax, diagnostics, out Declaration? read)
                || diagnostics.Count > 0)
            {
                return canHost
                    ? Invalid(type, declaration, DeclaredPrecision(layers), DeclarationForm.Layer, diagnostics, QuantizationKind.None, layers.Length, DeclaresDropout(layers))
                    : Result(null, diagnostics);
            }

            return Finish(type, declaration, read!, DeclarationForm.Layer, diagnostics);
        }

        private static bool TryReadLayers(AttributeData[] layers, AttributeSyntax?[] syntax, List<DiagnosticInfo> diagnostics, out Declaration? read)
        {
            read = null;
            int count = layers.Length;
            var sizes = new int[count + 1];
            var activations = new ActivationKind?[count];
            var sizeLocations = new LocationInfo?[count + 1];
            var dropout = new double[count];
            var activationLocations = new LocationInfo?[count];
            LossKind loss = LossKind.MeanSquaredError;
            PrecisionKind precision = PrecisionKind.Single;
            int lossLayer = 0;
            int precisionLayer = 0;
            bool valid = true;

            for (int i = 0; i < count; i++)
            {
                int l = i + 1;
                AttributeData attribute = layers[i];
                AttributeSyntax? attributeSyntax = syntax[i];
                LocationInfo? attributeLocation = LocationInfo.From(attributeSyntax);

                // A constructor that did not bind is the compiler's to report (e.g. CS1729 for [Layer(3)]).
                if (attribute.AttributeConstructor is null
                    || attribute.ConstructorArguments.Length is not (2 or 3)
                    || attribute.ConstructorArguments.Any(a => a.Value is not int))
                {
                    return false;
                }

                int inputs = (int)attribute.ConstructorArguments[0].Value!;
                int outputs = (int)attribute.ConstructorArguments[1].Value!;
                LocationInfo? inputsLocation = LocationInfo.From(ConstructorArgument(attributeSyntax, 0, "inputs")) ?? attributeLocation;
                LocationInfo? outputsLocation = LocationInfo.From(ConstructorArgument(attributeSyntax, 1, "outputs")) ?? attributeLocation;

                bool inputsValid = CheckSize(inputs, l - 1, inputsLocation, diagnostics);
                valid &= inputsValid;
                valid &= CheckSize(outputs, l, outputsLocation, diagnostics);

                // Layer l's inputs are n_{l-1}, which layer l-1 already fixed as its outputs.
                if (l > 1 && inputsValid && sizes[l - 1] > 0 && inputs != sizes[l - 1])
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LayerChainMismatch, inputsLocation, l, inputs, l - 1, sizes[l - 1]));
                    valid = false;
                }

                if (l == 1)
                {
                    sizes[0] = inputs;
                    sizeLocations[0] = inputsLocation;
                }

                sizes[l] = outputs;
                sizeLocations[l] = outputsLocation;

                if (attribute.ConstructorArguments.Length == 3)
                {
                    ActivationKind activation = ActivationKind.Identity;
                    LocationInfo? activationLocation = LocationInfo.From(ConstructorArgument(attributeSyntax, 2, "activation")) ?? attributeLocation;
                    valid &= TryConvertEnum((int)attribute.ConstructorArguments[2].Value!, activationLocation, diagnostics, ref activation);
                    activations[i] = activation;
                    activationLocations[i] = activationLocation;
                }

                Dictionary<string, TypedConstant> named = NamedArguments(attribute);
                valid &= TryReadNetworkOption(named, "Loss", l, attributeSyntax, ref lossLayer, ref loss, diagnostics);
                valid &= TryReadNetworkOption(named, "Precision", l, attributeSyntax, ref precisionLayer, ref precision, diagnostics);
                valid &= TryReadDropout(named, attributeSyntax, l, onOutputLayer: l == count, diagnostics, out dropout[i]);
            }

            if (!valid)
            {
                return false;
            }

            // The [Network] defaults, by position: Tanh for hidden layers, Identity for the last.
            ActivationKind[] resolved = activations
                .Select((a, i) => a ?? (i == count - 1 ? ActivationKind.Identity : ActivationKind.Tanh))
                .ToArray();

            LocationInfo? first = LocationInfo.From(syntax[0]);
            LocationInfo? lossLocation = lossLayer > 0 ? NamedLocation(syntax[lossLayer - 1], "Loss") : null;
            read = new Declaration(
                sizes,
                resolved,
                loss,
                precision,
                SizeLocation: i => sizeLocations[i] ?? first,
                LayerLocation: l => LocationInfo.From(syntax[l - 1]) ?? first,
                LossLocation: lossLocation ?? first,
                WholeLocation: first,
                Dropout: dropout,
                ActivationLocation: l => activationLocations[l - 1] ?? LocationInfo.From(syntax[l - 1]) ?? first,
                LossWritten: lossLayer > 0);
            return true;
        }

        /// <summary>Loss or Precision: read where it is set, BPG023 when a second layer sets it again.</summary>
        private static bool TryReadNetworkOption<TEnum>(
            Dictionary<string, TypedConstant> named,
            string name,
            int layer,
            AttributeSyntax? syntax,
            ref int setOnLayer,
            ref TEnum value,
            List<DiagnosticInfo> diagnostics)
            where TEnum : struct, System.Enum
        {
            if (!named.ContainsKey(name))
            {
                return true;
            }

            if (setOnLayer > 0)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NetworkOptionSetTwice, NamedLocation(syntax, name) ?? LocationInfo.From(syntax), name, setOnLayer, layer));
                return false;
            }

            setOnLayer = layer;
            return TryReadEnum(named, name, syntax, diagnostics, ref value);
        }

        /// <summary>The declarations of <paramref name="type"/> that carry at least one [Layer], in declaration order.</summary>
        private static List<SyntaxReference> DeclarationsWithLayers(INamedTypeSymbol type)
        {
            SyntaxReference[] applications = type.GetAttributes()
                .Where(a => a.AttributeClass?.ToDisplayString() == LayerAttributeName)
                .Select(a => a.ApplicationSyntaxReference)
                .Where(r => r is not null)
                .ToArray()!;
            return type.DeclaringSyntaxReferences
                .Where(d => applications.Any(a => a.SyntaxTree == d.SyntaxTree && d.Span.Contains(a.Span)))
                .ToList();
        }

        /// <summary>The argument for constructor parameter <paramref name="name"/>, named (<c>inputs: 3</c>) or positional.</summary>
        private static AttributeArgumentSyntax? ConstructorArgument(AttributeSyntax? syntax, int position, string name)
        {
            if (syntax?.ArgumentList is null)
            {
                return null;
            }

            AttributeArgumentSyntax[] constructorArguments = syntax.ArgumentList.Arguments.Where(a => a.NameEquals is null).ToArray();
            AttributeArgumentSyntax? byName = constructorArguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == name);
            if (byName is not null)
            {
                return byName;
            }

            return position < constructorArguments.Length && constructorArguments[position].NameColon is null ? constructorArguments[position] : null;
        }
    }
}
