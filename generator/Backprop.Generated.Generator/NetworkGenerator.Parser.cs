using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Helpers;
using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generated.Generator;

public sealed partial class NetworkGenerator
{
    /// <summary>
    /// Turns one <c>[Network]</c> declaration into a <see cref="NetworkModel"/> or located diagnostics.
    /// Never throws on user input: anything the compiler itself rejects (a missing argument, a type
    /// mismatch) is left to the compiler's own error and produces no model.
    /// </summary>
    internal static partial class Parser
    {
        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var diagnostics = new List<DiagnosticInfo>();
            if (context.TargetSymbol is not INamedTypeSymbol type
                || context.TargetNode is not TypeDeclarationSyntax declaration
                || context.Attributes.IsEmpty)
            {
                return Result(null, diagnostics);
            }

            AttributeData attribute = context.Attributes[0];
            var attributeSyntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;

            // [Network] on a record struct (CS0592), or on a second part of the same type (CS0579): the
            // compiler reports it; generating would emit a struct with a field initializer, or add the
            // same hint name twice (an exception that removes all generated code).
            // A declaration still being typed (`partial class {`) has no name to emit: CS1001 is the compiler's.
            if (type.TypeKind != TypeKind.Class || !IsOnThisDeclaration(attribute, declaration) || HasMissingName(declaration))
            {
                return Result(null, diagnostics);
            }

            CheckDeclaration(type, declaration, diagnostics);

            NetworkModel? model = null;
            if (TryReadAttribute(attribute, attributeSyntax, diagnostics, out int[] sizes, out ActivationKind[] activations, out LossKind loss, out PrecisionKind precision)
                & CheckGeneratedNames(type, declaration, sizes.Length - 1, precision, diagnostics)
                && diagnostics.Count == 0)
            {
                model = new NetworkModel(
                    GetNamespace(type),
                    GetContainingTypes(declaration),
                    GetHeader(declaration),
                    GetHintName(type),
                    new EquatableArray<int>(sizes),
                    new EquatableArray<ActivationKind>(activations),
                    loss,
                    precision);

                ReportLoopLayers(sizes, attributeSyntax, diagnostics);
            }

            return Result(model, diagnostics);
        }

        private static ParseResult Result(NetworkModel? model, List<DiagnosticInfo> diagnostics) =>
            new(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()));

        private static void CheckDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
        {
            LocationInfo? identifier = LocationInfo.From(declaration.Identifier.GetLocation());
            if (declaration.Modifiers.Any(SyntaxKind.FileKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocalNetworkType, identifier, type.Name));
            }

            if (type.IsStatic)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticNetworkType, identifier, type.Name));
            }

            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotPartial, identifier, type.Name));
            }

            for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax outer; parent = parent.Parent)
            {
                if (outer.Modifiers.Any(SyntaxKind.FileKeyword))
                {
                    // The generated file would declare a different, non-file-local type of the same name.
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocalNetworkType, LocationInfo.From(outer.Identifier.GetLocation()), outer.Identifier.ValueText));
                }

                if (!outer.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.ContainingTypeNotPartial,
                        LocationInfo.From(outer.Identifier.GetLocation()),
                        outer.Identifier.ValueText,
                        type.Name));
                }
            }
        }

        private static bool TryReadAttribute(
            AttributeData attribute,
            AttributeSyntax? syntax,
            List<DiagnosticInfo> diagnostics,
            out int[] sizes,
            out ActivationKind[] activations,
            out LossKind loss,
            out PrecisionKind precision)
        {
            sizes = Array.Empty<int>();
            activations = Array.Empty<ActivationKind>();
            loss = LossKind.MeanSquaredError;
            precision = PrecisionKind.Single;

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

            sizes = values.Select(v => (int)v.Value!).ToArray();
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
                if (sizes[i] <= 0)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveLayerSize, SizeLocation(syntax, i, sizes.Length) ?? attributeLocation, i, sizes[i]));
                    valid = false;
                }
            }

            var named = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                named[argument.Key] = argument.Value;
            }

            ActivationKind hidden = ActivationKind.Tanh;
            ActivationKind output = ActivationKind.Identity;
            valid &= TryReadEnum(named, "Hidden", syntax, diagnostics, ref hidden);
            valid &= TryReadEnum(named, "Output", syntax, diagnostics, ref output);
            valid &= TryReadEnum(named, "Loss", syntax, diagnostics, ref loss);
            valid &= TryReadEnum(named, "Precision", syntax, diagnostics, ref precision);

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
            activations = perLayer ?? Enumerable.Repeat(hidden, layers - 1).Append(output).ToArray();

            if (!CheckLimits(sizes, syntax, attributeLocation, diagnostics))
            {
                return false;
            }

            ActivationKind last = activations[layers - 1];
            ActivationKind? required = loss switch
            {
                LossKind.BinaryCrossEntropy => ActivationKind.Sigmoid,
                LossKind.CrossEntropy => ActivationKind.Softmax,
                _ => null,
            };
            if (required is { } requiredActivation && last != requiredActivation)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.LossDoesNotFitOutput,
                    NamedLocation(syntax, "Loss") ?? attributeLocation,
                    loss,
                    requiredActivation,
                    layers,
                    last));
                return false;
            }

            return true;
        }

        private static bool CheckLimits(int[] sizes, AttributeSyntax? syntax, LocationInfo? attributeLocation, List<DiagnosticInfo> diagnostics)
        {
            object[] limits =
            {
                Limits.MaxLayerSize.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                Limits.MaxLayers,
                Limits.MaxParameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
                Limits.MaxTotalUnits.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),
            };
            for (int i = 0; i < sizes.Length; i++)
            {
                if (sizes[i] > Limits.MaxLayerSize)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NetworkTooLarge,
                        SizeLocation(syntax, i, sizes.Length) ?? attributeLocation,
                        new object[] { $"n_{i} = {sizes[i]} is wider than the largest supported layer" }.Concat(limits).ToArray()));
                    return false;
                }
            }

            if (sizes.Length - 1 > Limits.MaxLayers)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.NetworkTooLarge,
                    attributeLocation,
                    new object[] { $"The network has {sizes.Length - 1} layers" }.Concat(limits).ToArray()));
                return false;
            }

            long parameters = 0;
            for (int l = 1; l < sizes.Length; l++)
            {
                parameters += ((long)sizes[l - 1] * sizes[l]) + sizes[l];
            }

            if (parameters > Limits.MaxParameters)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.NetworkTooLarge,
                    attributeLocation,
                    new object[] { $"The network has {parameters.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} parameters" }.Concat(limits).ToArray()));
                return false;
            }

            long units = 0;
            for (int l = 1; l < sizes.Length; l++)
            {
                units += sizes[l];
            }

            if (units > Limits.MaxTotalUnits)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.NetworkTooLarge,
                    attributeLocation,
                    new object[] { $"The layers have {units.ToString("N0", System.Globalization.CultureInfo.InvariantCulture)} units together" }.Concat(limits).ToArray()));
                return false;
            }

            return true;
        }

        private static void ReportLoopLayers(int[] sizes, AttributeSyntax? syntax, List<DiagnosticInfo> diagnostics)
        {
            LayerStrategy[] plan = LayerPlanner.Plan(sizes);
            for (int l = 1; l < sizes.Length; l++)
            {
                if (plan[l - 1] == LayerStrategy.VectorLoop)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.LoopStrategy,
                        LocationInfo.From(syntax),
                        l,
                        sizes[l - 1],
                        sizes[l],
                        (long)sizes[l - 1] * sizes[l]));
                }
            }
        }

        private static bool TryReadEnum<TEnum>(Dictionary<string, TypedConstant> named, string name, AttributeSyntax? syntax, List<DiagnosticInfo> diagnostics, ref TEnum value)
            where TEnum : struct, Enum
        {
            if (!named.TryGetValue(name, out TypedConstant constant) || constant.Value is not int raw)
            {
                return true;
            }

            if (!Enum.IsDefined(typeof(TEnum), raw))
            {
                diagnostics.Add(UndefinedEnum<TEnum>(raw, NamedLocation(syntax, name) ?? LocationInfo.From(syntax)));
                return false;
            }

            value = (TEnum)(object)raw;
            return true;
        }

        private static DiagnosticInfo UndefinedEnum<TEnum>(int raw, LocationInfo? location)
            where TEnum : struct, Enum
        {
            // The mirrors are named ActivationKind, LossKind, PrecisionKind; users know the public names.
            string publicName = typeof(TEnum).Name.Replace("Kind", string.Empty);
            return DiagnosticInfo.Create(
                DiagnosticDescriptors.UndefinedEnumValue,
                location,
                raw,
                publicName,
                string.Join(", ", Enum.GetNames(typeof(TEnum))));
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

        private static AttributeArgumentSyntax? NamedArgument(AttributeSyntax? syntax, string name) =>
            syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

        private static LocationInfo? NamedLocation(AttributeSyntax? syntax, string name) => LocationInfo.From(NamedArgument(syntax, name));

        private static string? GetNamespace(INamedTypeSymbol type) =>
            type.ContainingNamespace is { IsGlobalNamespace: false } ns ? ns.ToDisplayString(EscapedNamespaceFormat) : null;

        /// <summary>Namespace names as they must be written in source: <c>namespace @class</c> stays <c>@class</c>.</summary>
        private static readonly SymbolDisplayFormat EscapedNamespaceFormat = new(
            typeQualificationStyle: SymbolDisplayTypeQualificationStyle.NameAndContainingTypesAndNamespaces,
            miscellaneousOptions: SymbolDisplayMiscellaneousOptions.EscapeKeywordIdentifiers);

        private static EquatableArray<TypeHeader> GetContainingTypes(TypeDeclarationSyntax declaration)
        {
            var headers = new List<TypeHeader>();
            for (SyntaxNode? parent = declaration.Parent; parent is TypeDeclarationSyntax outer; parent = parent.Parent)
            {
                headers.Insert(0, GetHeader(outer));
            }

            return new EquatableArray<TypeHeader>(headers.ToArray());
        }

        private static TypeHeader GetHeader(TypeDeclarationSyntax declaration)
        {
            string keyword = declaration is RecordDeclarationSyntax record
                ? record.ClassOrStructKeyword.IsKind(SyntaxKind.None) ? "record" : "record " + record.ClassOrStructKeyword.ValueText
                : declaration.Keyword.ValueText;
            // Identifier.Text keeps a verbatim '@' (a type named @class), which ValueText drops.
            string typeParameters = declaration.TypeParameterList is { } list
                ? "<" + string.Join(", ", list.Parameters.Select(p => p.Identifier.Text)) + ">"
                : string.Empty;
            return new TypeHeader(keyword, declaration.Identifier.Text + typeParameters);
        }

        private static string GetHintName(INamedTypeSymbol type)
        {
            // Metadata names (Outer`1.Network`2) are unique per type, unlike display names; hint names may not contain '`'.
            // '-' cannot occur in an identifier, so Net<T> (Net-1) never meets a type named Net_1.
            var parts = new List<string>();
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                parts.Insert(0, current.MetadataName.Replace('`', '-'));
            }

            // Unescaped names: a hint name may not contain the '@' of namespace @class.
            for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                parts.Insert(0, ns.MetadataName);
            }

            string name = string.Join(".", parts);

            // Hint names are compared ignoring case: Net and NET would both claim Net.g.cs, and the
            // second AddSource would throw. Such names get a suffix derived from their exact spelling.
            return (HasCaseInsensitiveTwin(type) ? name + "-" + StableHash(name) : name) + ".g.cs";
        }
    }
}
