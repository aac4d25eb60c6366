using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Helpers;
using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generated.Generator;

public sealed partial class NetworkGenerator
{
    /// <summary>
    /// Turns one declaration into a <see cref="NetworkModel"/> or located diagnostics. This file reads the
    /// <c>[Network(n_0, ..., n_L)]</c> form; NetworkGenerator.Parser.LayerForm.cs reads the <c>[Layer]</c> form;
    /// NetworkGenerator.Parser.Model.cs holds the checks and model building both forms share, so
    /// equivalent declarations produce equal models. Never throws on user input: anything the compiler
    /// itself rejects (a missing argument, a type mismatch) is left to the compiler's own error and
    /// produces no model.
    /// </summary>
    internal static partial class Parser
    {
        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken) =>
            Parse(context.SemanticModel.Compilation, context.TargetSymbol, context.TargetNode, context.Attributes, cancellationToken);

        /// <summary>The same parse from a symbol, its declaration and its [Network] attributes (used by <see cref="Analyzers.DeclarationAnalyzer"/>).</summary>
        public static ParseResult Parse(Compilation compilation, ISymbol targetSymbol, SyntaxNode targetNode, ImmutableArray<AttributeData> attributes, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            if (targetSymbol is not INamedTypeSymbol type
                || targetNode is not TypeDeclarationSyntax declaration
                || attributes.IsEmpty)
            {
                return Result(null, diagnostics);
            }

            // [Network] together with [Layer]: the [Layer] pipeline reports BPG021 once; neither emits.
            if (HasAttribute(type, LayerAttributeName))
            {
                return Result(null, diagnostics);
            }

            AttributeData attribute = attributes[0];
            var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

            // [Network] on a record struct (CS0592), or on a second part of the same type (CS0579): the
            // compiler reports it; generating would emit a struct with a field initializer, or add the
            // same hint name twice (an exception that removes all generated code). A declaration still
            // being typed (`partial class {`) has no name to emit: CS1001 is the compiler's.
            if (type.TypeKind != TypeKind.Class || !IsOnThisDeclaration(attribute, declaration) || HasMissingName(declaration))
            {
                return Result(null, diagnostics);
            }

            CheckDeclaration(type, declaration, diagnostics);
            CheckPlatform(compilation, type, declaration, diagnostics);
            bool canHost = diagnostics.Count == 0;

            if (!TryReadAttribute(attribute, attributeSyntax, diagnostics, out Declaration? read) || diagnostics.Count > 0)
            {
                return canHost
                    ? Invalid(type, declaration, DeclaredPrecision(new[] { attribute }), DeclarationForm.Network, diagnostics, DeclaredQuantization(attribute), DeclaredLayerCount(attribute), DeclaresDropout(new[] { attribute }))
                    : Result(null, diagnostics);
            }

            return WithWeights(Finish(type, declaration, read!, DeclarationForm.Network, diagnostics), attribute, attributeSyntax);
        }

        private static bool TryReadAttribute(AttributeData attribute, AttributeSyntax? syntax, List<DiagnosticInfo> diagnostics, out Declaration? read)
        {
            read = null;

            // A constructor that did not bind, or an argument with a compile error, is the compiler's to report.
            if (attribute.AttributeConstructor is null
                || attribute.ConstructorArguments.Length != 1
                || attribute.ConstructorArguments[0].Kind != TypedConstantKind.Array)
            {
                return false;
            }

            // [Network(null)] and [Network(default)] compile (a null params array) but give no sizes at all.
            ImmutableArray<TypedConstant> values = attribute.ConstructorArguments[0].IsNull
                ? ImmutableArray<TypedConstant>.Empty
                : attribute.ConstructorArguments[0].Values;
            if (values.Any(v => v.Value is not int))
            {
                return false;
            }

            int[] sizes = values.Select(v => (int)v.Value!).ToArray();
            LocationInfo? attributeLocation = LocationInfo.From(syntax);
            bool valid = true;

            if (sizes.Length < 2)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.TooFewLayerSizes,
                    attributeLocation,
                    sizes.Length == 0 ? "none were" : sizes.Length == 1 ? "only 1 was" : $"{sizes.Length} were"));
                valid = false;
            }

            for (int i = 0; i < sizes.Length; i++)
            {
                valid &= CheckSize(sizes[i], i, SizeLocation(syntax, i, sizes.Length) ?? attributeLocation, diagnostics);
            }

            Dictionary<string, TypedConstant> named = NamedArguments(attribute);
            ActivationKind hidden = ActivationKind.Tanh;
            ActivationKind output = ActivationKind.Identity;
            LossKind loss = LossKind.MeanSquaredError;
            PrecisionKind precision = PrecisionKind.Single;
            valid &= TryReadEnum(named, "Hidden", syntax, diagnostics, ref hidden);
            valid &= TryReadEnum(named, "Output", syntax, diagnostics, ref output);
            valid &= TryReadEnum(named, "Loss", syntax, diagnostics, ref loss);
            valid &= TryReadEnum(named, "Precision", syntax, diagnostics, ref precision);
            QuantizationKind quantization = QuantizationKind.None;
            valid &= TryReadEnum(named, "Quantization", syntax, diagnostics, ref quantization);

            // The int8 form reads and writes single precision (its scales, biases and outputs are float).
            if (quantization == QuantizationKind.Int8 && precision != PrecisionKind.Single)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.QuantizationNeedsSinglePrecision, NamedLocation(syntax, "Quantization") ?? attributeLocation, precision));
                valid = false;
            }

            // Dropout applies to the hidden layers 1..L-1; with L = 1 the only layer is the output layer.
            valid &= TryReadDropout(named, syntax, sizes.Length - 1, onOutputLayer: sizes.Length == 2, diagnostics, out double dropout);

            ActivationKind[]? perLayer = null;
            if (named.TryGetValue("Activations", out TypedConstant activationsArgument) && !activationsArgument.IsNull)
            {
                if (activationsArgument.Kind != TypedConstantKind.Array || activationsArgument.Values.Any(v => v.Value is not int))
                {
                    return false;
                }

                perLayer = new ActivationKind[activationsArgument.Values.Length];
                for (int i = 0; i < perLayer.Length; i++)
                {
                    int raw = (int)activationsArgument.Values[i].Value!;
                    if (!Enum.IsDefined(typeof(ActivationKind), raw))
                    {
                        LocationInfo? element = ElementLocation(NamedArgument(syntax, "Activations")?.Expression, i) ?? NamedLocation(syntax, "Activations") ?? attributeLocation;
                        diagnostics.Add(UndefinedEnum<ActivationKind>(raw, element));
                        valid = false;
                    }

                    perLayer[i] = (ActivationKind)raw;
                }

                foreach (string conflicting in new[] { "Hidden", "Output" })
                {
                    if (named.ContainsKey(conflicting))
                    {
                        diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationsConflict, NamedLocation(syntax, conflicting) ?? attributeLocation, conflicting));
                        valid = false;
                    }
                }

                if (sizes.Length >= 2 && perLayer.Length != sizes.Length - 1)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ActivationCountMismatch, NamedLocation(syntax, "Activations") ?? attributeLocation, perLayer.Length, sizes.Length - 1));
                    valid = false;
                }
            }

            if (!valid)
            {
                return false;
            }

            int layers = sizes.Length - 1;
            ActivationKind[] activations = perLayer ?? Enumerable.Repeat(hidden, layers - 1).Append(output).ToArray();
            read = new Declaration(
                sizes,
                activations,
                loss,
                precision,
                SizeLocation: i => SizeLocation(syntax, i, sizes.Length) ?? attributeLocation,
                LayerLocation: _ => attributeLocation,
                LossLocation: NamedLocation(syntax, "Loss") ?? attributeLocation,
                WholeLocation: attributeLocation,
                Dropout: Enumerable.Range(1, layers).Select(l => l < layers ? dropout : 0).ToArray(),
                ActivationLocation: l => perLayer is not null
                    ? ElementLocation(NamedArgument(syntax, "Activations")?.Expression, l - 1) ?? NamedLocation(syntax, "Activations") ?? attributeLocation
                    : NamedLocation(syntax, l == layers ? "Output" : "Hidden") ?? attributeLocation,
                LossWritten: named.ContainsKey("Loss"),
                Quantization: quantization,
                BakesWeights: named.TryGetValue("Weights", out TypedConstant weights) && weights.Value is string);
            return true;
        }

        private static LocationInfo? SizeLocation(AttributeSyntax? syntax, int index, int count)
        {
            if (syntax?.ArgumentList is null)
            {
                return null;
            }

            AttributeArgumentSyntax[] positional = syntax.ArgumentList.Arguments.Where(a => a.NameEquals is null && a.NameColon is null).ToArray();
            if (positional.Length == count && index < positional.Length)
            {
                return LocationInfo.From(positional[index]);
            }

            // A single explicit array: new[] { 3, 0, 1 } or [3, 0, 1].
            return positional.Length == 1 ? ElementLocation(positional[0].Expression, index) ?? LocationInfo.From(positional[0]) : null;
        }

        private static LocationInfo? ElementLocation(ExpressionSyntax? expression, int index)
        {
            IReadOnlyList<SyntaxNode>? elements = expression switch
            {
                ImplicitArrayCreationExpressionSyntax implicitArray => implicitArray.Initializer.Expressions,
                ArrayCreationExpressionSyntax { Initializer: { } initializer } => initializer.Expressions,
                CollectionExpressionSyntax collection => collection.Elements,
                _ => null,
            };
            return elements is not null && index < elements.Count ? LocationInfo.From(elements[index]) : LocationInfo.From(expression);
        }
    }
}
