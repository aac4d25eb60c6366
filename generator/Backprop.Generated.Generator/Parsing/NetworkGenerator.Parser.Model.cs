using System;
using System.Collections.Generic;
using System.Linq;
using Backprop.Generated.Generator.Diagnostics;
using Backprop.Generated.Generator.Emit;
using Backprop.Generated.Generator.Helpers;
using Backprop.Generated.Generator.Model;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Backprop.Generated.Generator;

public sealed partial class NetworkGenerator
{
    internal static partial class Parser
    {
        /// <summary>
        /// A declaration read from either form, before the checks they share. Lives only inside one
        /// transform (it holds delegates), never in the pipeline.
        /// </summary>
        /// <param name="Sizes">n_0 .. n_L.</param>
        /// <param name="Activations">g for layers 1..L.</param>
        /// <param name="Loss">The training loss.</param>
        /// <param name="Precision">The element type.</param>
        /// <param name="SizeLocation">Where n_i is written.</param>
        /// <param name="LayerLocation">Where layer l (1-based) is declared.</param>
        /// <param name="LossLocation">Where the loss is chosen (or the declaration, when it is the default).</param>
        /// <param name="WholeLocation">The whole declaration, for problems of the network as a whole.</param>
        /// <param name="Dropout">The validated dropout rate p of layers 1..L (0 for none).</param>
        /// <param name="ActivationLocation">Where the activation of layer l (1-based) is chosen (or the layer, when it is the default).</param>
        /// <param name="LossWritten">Whether the declaration sets Loss (false: the default mean squared error).</param>
        /// <param name="Quantization">The integer inference form ([Network] only; validated against the precision).</param>
        /// <param name="BakesWeights">Whether the declaration names a weights file to bake in ([Network] only).</param>
        private sealed record Declaration(
            int[] Sizes,
            ActivationKind[] Activations,
            LossKind Loss,
            PrecisionKind Precision,
            Func<int, LocationInfo?> SizeLocation,
            Func<int, LocationInfo?> LayerLocation,
            LocationInfo? LossLocation,
            LocationInfo? WholeLocation,
            double[] Dropout,
            Func<int, LocationInfo?> ActivationLocation,
            bool LossWritten,
            QuantizationKind Quantization = QuantizationKind.None,
            bool BakesWeights = false);

        /// <summary>The checks after reading (size limits, loss against output activation), then the model.</summary>
        private static ParseResult Finish(INamedTypeSymbol type, TypeDeclarationSyntax declaration, Declaration read, DeclarationForm form, List<DiagnosticInfo> diagnostics)
        {
            int[] sizes = read.Sizes;
            bool dropout = read.Dropout.Any(p => p != 0);
            DeclaredOptions options = Options(dropout, read.Quantization) | (read.BakesWeights ? DeclaredOptions.BakedWeights : DeclaredOptions.None);
            bool namesFit = CheckGeneratedNames(type, declaration, sizes.Length - 1, options, read.Precision, diagnostics);
            bool argumentsFit = CheckLimits(read, diagnostics) && CheckLossFitsOutput(read, diagnostics);
            if (!namesFit)
            {
                return Result(null, diagnostics);
            }

            if (!argumentsFit)
            {
                return Invalid(type, declaration, read.Precision, form, diagnostics, read.Quantization, read.Sizes.Length - 1, dropout);
            }

            var model = new NetworkModel(
                GetNamespace(type),
                GetContainingTypes(declaration),
                GetHeader(declaration),
                HintNames.ForNetwork(type),
                new EquatableArray<int>(sizes),
                new EquatableArray<ActivationKind>(read.Activations),
                read.Loss,
                read.Precision,
                form,
                DropoutLiterals(read.Dropout),
                Quantization: read.Quantization);

            ReportLoopLayers(read, diagnostics);
            ReportOneUnitSoftmax(read, diagnostics);
            ReportSoftmaxWithDefaultLoss(read, diagnostics);
            return new ParseResult(model, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), GetEndpoint(type, model));
        }

        /// <summary>
        /// The result of an invalid declaration on a type that can host generated members (the caller checked that it is a
        /// partial class in partial containers, neither static nor file-local, on a supported platform): no model, but a
        /// <see cref="StubModel"/> whose members keep the user's call sites from cascading into CS errors (issue 20 item 9),
        /// unless a user member has a generated name (the stub would then collide; BPG040 follows once the declaration is fixed).
        /// The stub has the public members of the valid network of the same declaration: the views of the
        /// <paramref name="layerCount"/> declared layers (none below one, the first <see cref="Rules.Limits.MaxLayers"/>
        /// above that limit, so a stub stays small) and DropoutRandom when the declaration sets a rate other than 0.
        /// </summary>
        private static ParseResult Invalid(
            INamedTypeSymbol type,
            TypeDeclarationSyntax declaration,
            PrecisionKind precision,
            DeclarationForm form,
            List<DiagnosticInfo> diagnostics,
            QuantizationKind quantization,
            int layerCount,
            bool dropout)
        {
            layerCount = Math.Max(0, Math.Min(layerCount, Rules.Limits.MaxLayers));

            // A collision with the stub's members is checked silently, not reported twice.
            if (!CheckGeneratedNames(type, declaration, layerCount, Options(dropout, quantization), precision, new List<DiagnosticInfo>()))
            {
                return Result(null, diagnostics);
            }

            var stub = new StubModel(GetNamespace(type), GetContainingTypes(declaration), GetHeader(declaration), HintNames.ForNetwork(type), precision, form, quantization, layerCount, dropout);
            CompositionEndpoint? endpoint = GetEndpoint(type, stub.Namespace, stub.ContainingTypes, stub.Type, CompositionEndpoint.UnknownSize, CompositionEndpoint.UnknownSize, precision);
            return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics.ToArray()), endpoint, Stub: stub);
        }

        /// <summary>The Quantization named argument of <paramref name="attribute"/> when it is a defined value, otherwise none.</summary>
        private static QuantizationKind DeclaredQuantization(AttributeData attribute)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key == "Quantization" && argument.Value.Value is int raw && Enum.IsDefined(typeof(QuantizationKind), raw))
                {
                    return (QuantizationKind)raw;
                }
            }

            return QuantizationKind.None;
        }

        /// <summary>The options whose members a network (or its stub) declares: dropout, the int8 form.</summary>
        private static DeclaredOptions Options(bool dropout, QuantizationKind quantization) =>
            (dropout ? DeclaredOptions.Dropout : DeclaredOptions.None) | (quantization == QuantizationKind.Int8 ? DeclaredOptions.Int8 : DeclaredOptions.None);

        /// <summary>L as written in a [Network] whose arguments did not all read: the number of sizes less one, 0 when they are unreadable.</summary>
        private static int DeclaredLayerCount(AttributeData attribute) =>
            attribute.ConstructorArguments.Length == 1 && attribute.ConstructorArguments[0] is { Kind: TypedConstantKind.Array, IsNull: false } sizes
                ? sizes.Values.Length - 1
                : 0;

        /// <summary>Does any of <paramref name="attributes"/> set Dropout to a value other than 0 (in range or not)?</summary>
        private static bool DeclaresDropout(IEnumerable<AttributeData> attributes) =>
            attributes.Any(a => a.NamedArguments.Any(n => n.Key == "Dropout" && n.Value.Value is double rate && rate != 0));

        /// <summary>The Precision named argument of any of <paramref name="attributes"/> when it is a defined value, otherwise Single.</summary>
        private static PrecisionKind DeclaredPrecision(IEnumerable<AttributeData> attributes)
        {
            foreach (AttributeData attribute in attributes)
            {
                foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
                {
                    if (argument.Key == "Precision" && argument.Value.Value is int raw && Enum.IsDefined(typeof(PrecisionKind), raw))
                    {
                        return (PrecisionKind)raw;
                    }
                }
            }

            return PrecisionKind.Single;
        }

        /// <summary>The rates as round-trip invariant literals, or an empty array when no layer drops out (so such models equal those of before dropout existed).</summary>
        private static EquatableArray<string> DropoutLiterals(double[] rates) =>
            rates.All(p => p == 0)
                ? new EquatableArray<string>(System.Array.Empty<string>())
                : new EquatableArray<string>(rates.Select(p => p == 0 ? "0" : p.ToString("R", System.Globalization.CultureInfo.InvariantCulture)).ToArray());

        /// <summary>
        /// Reads a <c>Dropout</c> named argument: BPG016 unless 0 &lt;= p &lt; 1, BPG017 when it is above 0 and
        /// <paramref name="onOutputLayer"/> (it would apply to layer <paramref name="outputLayer"/> = L).
        /// </summary>
        private static bool TryReadDropout(Dictionary<string, TypedConstant> named, AttributeSyntax? syntax, int outputLayer, bool onOutputLayer, List<DiagnosticInfo> diagnostics, out double rate)
        {
            rate = 0;
            if (!named.TryGetValue("Dropout", out TypedConstant argument))
            {
                return true;
            }

            // A non-constant or mistyped value is the compiler's error.
            if (argument.Value is not double value)
            {
                return false;
            }

            LocationInfo? location = NamedLocation(syntax, "Dropout") ?? LocationInfo.From(syntax);
            if (!(value >= 0 && value < 1))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutRateOutOfRange, location, value.ToString("R", System.Globalization.CultureInfo.InvariantCulture)));
                return false;
            }

            if (value > 0 && onOutputLayer)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DropoutOnOutputLayer, location, value.ToString("R", System.Globalization.CultureInfo.InvariantCulture), outputLayer));
                return false;
            }

            rate = value;
            return true;
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

            // A record's compiler-written copy (a 'with' expression, the copy constructor) copies fields
            // shallowly: the copy would share the parameter, gradient and scratch arrays with the original.
            if (declaration is RecordDeclarationSyntax record)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.RecordNetworkType, LocationInfo.From(record.Keyword.GetLocation()), type.Name));
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

        /// <summary>
        /// BPG013 when the project cannot compile the generated code: it needs C# 12 (InlineArray structs,
        /// file-scoped namespaces) and a runtime with inline array types (.NET 8 or later). One error on the
        /// type, and no model, so the problem never surfaces as errors inside a generated file.
        /// </summary>
        private static void CheckPlatform(Compilation compilation, INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
        {
            LanguageVersion version = (declaration.SyntaxTree.Options as CSharpParseOptions)?.LanguageVersion ?? LanguageVersion.CSharp12;
            bool language = version >= LanguageVersion.CSharp12;
            bool runtime = compilation.SupportsRuntimeCapability(RuntimeCapability.InlineArrayTypes)
                && compilation.GetTypeByMetadataName("System.Runtime.CompilerServices.InlineArrayAttribute") is not null;
            if (language && runtime)
            {
                return;
            }

            string found = (language, runtime) switch
            {
                (false, true) => $"this project compiles C# {version.ToDisplayString()}; set <LangVersion>12</LangVersion> or later",
                (true, false) => "this project's target framework has no inline array types (InlineArrayAttribute is missing, as in netstandard2.0 and .NET 7 and earlier); target net8.0 or later",
                _ => $"this project compiles C# {version.ToDisplayString()} for a target framework without inline array types; target net8.0 or later with C# 12 or later",
            };
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.UnsupportedLanguageOrFramework,
                LocationInfo.From(declaration.Identifier.GetLocation()),
                type.Name,
                found));
        }

        /// <summary>BPG004 when n_<paramref name="index"/> is not positive.</summary>
        private static bool CheckSize(int size, int index, LocationInfo? location, List<DiagnosticInfo> diagnostics)
        {
            if (size > 0)
            {
                return true;
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NonPositiveLayerSize, location, index, size));
            return false;
        }

        private static bool CheckLimits(Declaration read, List<DiagnosticInfo> diagnostics)
        {
            int[] sizes = read.Sizes;
            object[] limits = { Literals.Grouped(Limits.MaxLayerSize), Limits.MaxLayers, Literals.Grouped(Limits.MaxParameters), Literals.Grouped(Limits.MaxTotalUnits) };
            for (int i = 0; i < sizes.Length; i++)
            {
                if (sizes[i] > Limits.MaxLayerSize)
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.NetworkTooLarge,
                        read.SizeLocation(i),
                        new object[] { $"n_{i} = {sizes[i]} is wider than the largest supported layer" }.Concat(limits).ToArray()));
                    return false;
                }
            }

            if (sizes.Length - 1 > Limits.MaxLayers)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.NetworkTooLarge,
                    read.WholeLocation,
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
                    read.WholeLocation,
                    new object[] { $"The network has {Literals.Grouped(parameters)} parameters" }.Concat(limits).ToArray()));
                return false;
            }

            // Forward keeps every layer's activations of one example on the stack (see Limits.MaxTotalUnits).
            long units = 0;
            for (int l = 1; l < sizes.Length; l++)
            {
                units += sizes[l];
            }

            if (units > Limits.MaxTotalUnits)
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.NetworkTooLarge,
                    read.WholeLocation,
                    new object[] { $"The layers have {Literals.Grouped(units)} units together" }.Concat(limits).ToArray()));
                return false;
            }

            return true;
        }

        /// <summary>BPG008: binary cross-entropy needs a sigmoid output, cross-entropy a softmax output.</summary>
        private static bool CheckLossFitsOutput(Declaration read, List<DiagnosticInfo> diagnostics)
        {
            int layers = read.Sizes.Length - 1;
            ActivationKind last = read.Activations[layers - 1];
            ActivationKind? required = read.Loss switch
            {
                LossKind.BinaryCrossEntropy => ActivationKind.Sigmoid,
                LossKind.CrossEntropy => ActivationKind.Softmax,
                _ => null,
            };
            if (required is not { } requiredActivation || last == requiredActivation)
            {
                return true;
            }

            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.LossDoesNotFitOutput, read.LossLocation, read.Loss, requiredActivation, layers, last));
            return false;
        }

        /// <summary>BPG015 (warning) for each softmax layer of one unit: softmax of one value is 1, whatever the value.</summary>
        private static void ReportOneUnitSoftmax(Declaration read, List<DiagnosticInfo> diagnostics)
        {
            for (int l = 1; l < read.Sizes.Length; l++)
            {
                if (read.Activations[l - 1] == ActivationKind.Softmax && read.Sizes[l] == 1)
                {
                    bool output = l == read.Sizes.Length - 1;
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.OneUnitSoftmax,
                        read.ActivationLocation(l),
                        l,
                        output ? "use Activation.Sigmoid with Loss.BinaryCrossEntropy for one probability, or two output units with softmax and Loss.CrossEntropy" : "use Activation.Sigmoid, or give the layer two or more units"));
                }
            }
        }

        /// <summary>
        /// BPG018 (warning): a softmax output of two or more units (one unit is BPG015) trained with the default squared
        /// error. The other output/loss mismatches are errors (BPG008: binary cross-entropy needs sigmoid, cross-entropy
        /// softmax); squared error after any other output is ordinary regression, and an explicit
        /// <c>Loss = Loss.MeanSquaredError</c> after softmax is a choice (the Brier score), so neither is reported.
        /// </summary>
        private static void ReportSoftmaxWithDefaultLoss(Declaration read, List<DiagnosticInfo> diagnostics)
        {
            int layers = read.Sizes.Length - 1;
            if (!read.LossWritten
                && read.Loss == LossKind.MeanSquaredError
                && read.Activations[layers - 1] == ActivationKind.Softmax
                && read.Sizes[layers] > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SoftmaxWithDefaultLoss, read.ActivationLocation(layers), layers));
            }
        }

        /// <summary>BPG012 (info) for each layer too wide to unroll, on the declaration of that layer.</summary>
        private static void ReportLoopLayers(Declaration read, List<DiagnosticInfo> diagnostics)
        {
            int[] sizes = read.Sizes;
            bool[] tooWide = LayerPlanner.TooWideToUnroll(sizes);
            for (int l = 1; l < sizes.Length; l++)
            {
                if (tooWide[l - 1])
                {
                    diagnostics.Add(DiagnosticInfo.Create(
                        DiagnosticDescriptors.LoopStrategy,
                        read.LayerLocation(l),
                        l,
                        sizes[l - 1],
                        sizes[l],
                        (long)sizes[l - 1] * sizes[l]));
                }
            }
        }

        private static Dictionary<string, TypedConstant> NamedArguments(AttributeData attribute)
        {
            var named = new Dictionary<string, TypedConstant>(StringComparer.Ordinal);
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                named[argument.Key] = argument.Value;
            }

            return named;
        }

        private static bool TryReadEnum<TEnum>(Dictionary<string, TypedConstant> named, string name, AttributeSyntax? syntax, List<DiagnosticInfo> diagnostics, ref TEnum value)
            where TEnum : struct, Enum
        {
            if (!named.TryGetValue(name, out TypedConstant constant) || constant.Value is not int raw)
            {
                return true;
            }

            return TryConvertEnum(raw, NamedLocation(syntax, name) ?? LocationInfo.From(syntax), diagnostics, ref value);
        }

        private static bool TryConvertEnum<TEnum>(int raw, LocationInfo? location, List<DiagnosticInfo> diagnostics, ref TEnum value)
            where TEnum : struct, Enum
        {
            if (!Enum.IsDefined(typeof(TEnum), raw))
            {
                diagnostics.Add(UndefinedEnum<TEnum>(raw, location));
                return false;
            }

            value = (TEnum)(object)raw;
            return true;
        }

        private static DiagnosticInfo UndefinedEnum<TEnum>(int raw, LocationInfo? location)
            where TEnum : struct, Enum
        {
            // The generator names the shared enums ActivationKind, LossKind, PrecisionKind; users know the public names.
            string publicName = typeof(TEnum).Name.Replace("Kind", string.Empty);
            return DiagnosticInfo.Create(
                DiagnosticDescriptors.UndefinedEnumValue,
                location,
                raw,
                publicName,
                string.Join(", ", Enum.GetNames(typeof(TEnum))));
        }

        private static AttributeArgumentSyntax? NamedArgument(AttributeSyntax? syntax, string name) =>
            syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

        private static LocationInfo? NamedLocation(AttributeSyntax? syntax, string name) => LocationInfo.From(NamedArgument(syntax, name));

        private static bool HasAttribute(INamedTypeSymbol type, string metadataName) =>
            type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == metadataName);

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

        /// <summary>
        /// The network's place in typed composition, or <see langword="null"/> when another network's
        /// generated code could not name its Input/Output: inside a generic type (no type arguments to
        /// write), or not plainly public or internal (a protected or private type).
        /// </summary>
        private static CompositionEndpoint? GetEndpoint(INamedTypeSymbol type, NetworkModel model) =>
            GetEndpoint(type, model.Namespace, model.ContainingTypes, model.Type, model.InputSize, model.OutputSize, model.Precision);

        /// <summary>
        /// The endpoint of a network that other networks' outputs can feed and whose output can feed them: none for a
        /// generic, file-local or private type (BPG031 explains such a call). A stub's sizes are
        /// <see cref="CompositionEndpoint.UnknownSize"/>, so <c>b.Forward(a.Forward(x))</c> binds whatever the sizes and
        /// the build reports only the invalid declaration's BPG error (issue 20 item 9).
        /// </summary>
        private static CompositionEndpoint? GetEndpoint(
            INamedTypeSymbol type,
            string? @namespace,
            EquatableArray<TypeHeader> containingTypes,
            TypeHeader header,
            int inputSize,
            int outputSize,
            PrecisionKind precision)
        {
            bool isPublic = true;
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsGenericType || current.IsFileLocal)
                {
                    return null;
                }

                switch (current.DeclaredAccessibility)
                {
                    case Accessibility.Public:
                        break;
                    case Accessibility.Internal:
                        isPublic = false;
                        break;
                    default:
                        return null;
                }
            }

            string fullName = type.ToDisplayString(SymbolDisplayFormat.FullyQualifiedFormat);
            return new CompositionEndpoint(fullName, @namespace, containingTypes, header, inputSize, outputSize, precision, isPublic);
        }
    }
}
