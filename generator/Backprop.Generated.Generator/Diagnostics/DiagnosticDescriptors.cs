using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;

namespace Backprop.Generated.Generator.Diagnostics;

/// <summary>
/// Every diagnostic that Backprop.Generated reports. IDs are stable: never reuse or renumber one.
/// Each has a page at docs/diagnostics/BPGxxx.md showing the wrong code and the fix.
/// </summary>
/// <remarks>
/// Who reports them: <see cref="Analyzers.DeclarationAnalyzer"/> the declarations' (BPG001-BPG023, BPG032, BPG040-BPG042), from
/// the generator's own parser; <see cref="Analyzers.ShapeAnalyzer"/> the call sites' (BPG024-BPG031); the generator
/// itself only the baked weights' (BPG050-BPG056), since only it reads the weights file.
/// </remarks>
internal static class DiagnosticDescriptors
{
    private const string Category = "Backprop.Generated";

    /// <summary>
    /// Where the repository's files are shown (BackpropDocsUrl in Directory.Build.props, stamped into this assembly
    /// as metadata at build time), or empty while no public repository exists: then no descriptor has a help link
    /// and the pages ship in the package under docs/diagnostics/ instead.
    /// </summary>
    internal static readonly string DocsUrl = typeof(DiagnosticDescriptors).Assembly
        .GetCustomAttributes(typeof(AssemblyMetadataAttribute), inherit: false)
        .Cast<AssemblyMetadataAttribute>()
        .FirstOrDefault(a => a.Key == "BackpropDocsUrl")?.Value ?? string.Empty;

    /// <summary>The page of diagnostic <paramref name="id"/>, relative to the repository root.</summary>
    internal static string HelpPath(string id) => "docs/diagnostics/" + id + ".md";

    /// <summary><paramref name="docsUrl"/> + <see cref="HelpPath"/>, or null (no link) when <paramref name="docsUrl"/> is empty.</summary>
    internal static string? HelpLink(string docsUrl, string id) => docsUrl.Length == 0 ? null : docsUrl + HelpPath(id);

    // BPG001-BPG015: a declaration's type, sizes, activations, loss and precision (reported by DeclarationAnalyzer).

    public static readonly DiagnosticDescriptor TypeNotPartial = Error(
        "BPG001",
        "Network type must be partial",
        "The type '{0}' declares a network but is not declared partial, so the generated members cannot be added to it; add the 'partial' modifier");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "BPG002",
        "Types containing a network must be partial",
        "The type '{0}' contains the network '{1}' but is not declared partial, so the generated members cannot be added; add the 'partial' modifier to '{0}'");

    public static readonly DiagnosticDescriptor TooFewLayerSizes = Error(
        "BPG003",
        "A network needs at least two sizes",
        "[Network] needs at least two sizes, the inputs n_0 and the outputs n_L, but {0} given");

    public static readonly DiagnosticDescriptor NonPositiveLayerSize = Error(
        "BPG004",
        "Layer sizes must be positive",
        "Size n_{0} is {1}, but every layer size must be at least 1");

    public static readonly DiagnosticDescriptor UndefinedEnumValue = Error(
        "BPG005",
        "Undefined enum value",
        "{0} is not a defined {1} value; use one of: {2}");

    public static readonly DiagnosticDescriptor ActivationCountMismatch = Error(
        "BPG006",
        "Activations must have one entry per layer",
        "Activations has {0} entries, but the network has {1} layers with weights (one activation per layer 1..{1})");

    public static readonly DiagnosticDescriptor ActivationsConflict = Error(
        "BPG007",
        "Activations conflicts with Hidden or Output",
        "'{0}' is set together with Activations, which already chooses every layer's activation; remove '{0}' or Activations");

    public static readonly DiagnosticDescriptor LossDoesNotFitOutput = Error(
        "BPG008",
        "Loss does not fit the output activation",
        "Loss.{0} requires a {1} output layer, but layer {2} uses {3}; give layer {2} the {1} activation or choose another loss");

    public static readonly DiagnosticDescriptor NetworkTooLarge = Error(
        "BPG009",
        "Network is too large to generate",
        "{0}; the limits are {1} units per layer, {2} layers, {3} parameters and {4} units in all layers together");

    public static readonly DiagnosticDescriptor StaticNetworkType = Error(
        "BPG010",
        "Network type cannot be static",
        "The type '{0}' is static, but a network holds its parameters in each instance; remove the 'static' modifier");

    public static readonly DiagnosticDescriptor FileLocalNetworkType = Error(
        "BPG011",
        "Network type cannot be file-local",
        "The type '{0}' is file-local, and a generated file cannot add members to it; remove the 'file' modifier");

    public static readonly DiagnosticDescriptor LoopStrategy = new(
        "BPG012",
        "Wide layers are generated as vector loops",
        "Layer {0} ({1}x{2}, {3} multiply-adds) is too wide to unroll and is generated as a vector loop",
        Category,
        DiagnosticSeverity.Info,
        isEnabledByDefault: true,
        description: "Small layers are unrolled into straight-line code; a layer above the unrolling budget becomes a fixed-bound SIMD loop, which the JIT optimises better than thousands of statements.",
        helpLinkUri: HelpLink(DocsUrl, "BPG012"));

    public static readonly DiagnosticDescriptor UnsupportedLanguageOrFramework = Error(
        "BPG013",
        "Networks need C# 12 and .NET 8 or later",
        "The network '{0}' is not generated: its Input and Output are [InlineArray] structs, which need C# 12 or later and a target framework with inline array types (net8.0 or later), but {1}");

    public static readonly DiagnosticDescriptor RecordNetworkType = Error(
        "BPG014",
        "Network type cannot be a record",
        "The type '{0}' is a record, and a copy of a record ('with', the copy constructor) would share its parameter, gradient and scratch arrays with the original, so training one would change the other; declare '{0}' as a class");

    public static readonly DiagnosticDescriptor OneUnitSoftmax = new(
        "BPG015",
        "Softmax over one unit is constant",
        "Layer {0} applies softmax to a single unit, which always outputs 1: nothing before it can learn; {1}",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "softmax(z) = e^z / e^z = 1 for a single unit, for every input and every parameter, so its gradient is 0.",
        helpLinkUri: HelpLink(DocsUrl, "BPG015"));

    public static readonly DiagnosticDescriptor SoftmaxWithDefaultLoss = new(
        "BPG018",
        "Softmax output trained with the default squared error",
        "Layer {0}, the output layer, applies softmax (class probabilities), but no Loss is set, so training uses the default mean squared error, whose gradient vanishes when a softmax is confidently wrong; set Loss = Loss.CrossEntropy for one-hot targets, or write Loss = Loss.MeanSquaredError to keep squared error",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true,
        description: "Under squared error dZ[L] = A * (dA - sum_k dA_k A_k) with dA = A - Y, which tends to 0 as A tends to a wrong one-hot vector; under cross-entropy dZ[L] = A - Y.",
        helpLinkUri: HelpLink(DocsUrl, "BPG018"));

    // BPG016-BPG017: dropout rates (reported by DeclarationAnalyzer).

    public static readonly DiagnosticDescriptor DropoutRateOutOfRange = Error(
        "BPG016",
        "Dropout rate must be in [0, 1)",
        "Dropout is {0}, but a dropout rate is the probability of zeroing a unit and must be at least 0 and less than 1");

    public static readonly DiagnosticDescriptor DropoutOnOutputLayer = Error(
        "BPG017",
        "Dropout cannot apply to the output layer",
        "Dropout = {0} would apply to layer {1}, the output layer, but the loss needs every output; set Dropout on hidden layers only");

    // BPG020-BPG023: the [Layer] form of a declaration (reported by DeclarationAnalyzer).

    public static readonly DiagnosticDescriptor LayerChainMismatch = Error(
        "BPG020",
        "A layer's inputs must equal the previous layer's outputs",
        "layer {0} takes {1} inputs but layer {2} produces {3}; set layer {0}'s inputs to {3}");

    public static readonly DiagnosticDescriptor NetworkAndLayerMixed = Error(
        "BPG021",
        "A network is declared with [Network] or [Layer], not both",
        "The type '{0}' has both [Network] and [Layer] attributes; declare the network in one form: remove [Network] or the [Layer] attributes");

    public static readonly DiagnosticDescriptor LayersSplitAcrossDeclarations = Error(
        "BPG022",
        "All [Layer] attributes must be on one declaration",
        "The type '{0}' has [Layer] attributes on more than one partial declaration, so the order of its layers is undefined; move all of them to one declaration");

    public static readonly DiagnosticDescriptor NetworkOptionSetTwice = Error(
        "BPG023",
        "Loss and Precision are set on one [Layer] only",
        "{0} is set on layer {1} and again on layer {2}, but it applies to the whole network; set it on one [Layer] only");

    // BPG024-BPG031: call sites of the generated APIs (reported by ShapeAnalyzer).

    public static readonly DiagnosticDescriptor ExampleLengthMismatch = Error(
        "BPG024",
        "A one-example buffer has the wrong length",
        "'{0}' of {1}.{2} must hold one example of {3} ({4}), but the argument holds {5}");

    public static readonly DiagnosticDescriptor BatchNotWholeRows = Error(
        "BPG025",
        "A batch buffer is not a whole number of rows",
        "'{0}' of {1}.{2} must hold whole rows of {3} ({4}), but the argument holds {5}: {6} and {7} left over");

    public static readonly DiagnosticDescriptor BatchRowsMismatch = Error(
        "BPG026",
        "A batch buffer does not match the number of rows of the inputs",
        "'{0}' of {1}.{2} must hold {3} ({4} of {5}, {6}) to match the {4} of '{7}', but the argument holds {8}");

    public static readonly DiagnosticDescriptor GradientLengthMismatch = Error(
        "BPG027",
        "The gradient buffer must hold every parameter",
        "'{0}' of {1}.{2} must hold {3} (ParameterCount, one per weight and bias), but the argument holds {4}");

    public static readonly DiagnosticDescriptor ParameterLoadLengthMismatch = Error(
        "BPG028",
        "Loaded parameters have the wrong length",
        "{0}.{1} holds {2}, but {3} are copied into it; load exactly {2}");

    public static readonly DiagnosticDescriptor CompositionMismatch = Error(
        "BPG029",
        "One network's output cannot feed another of a different size",
        "The output of {0} holds {1} ({0}.OutputSize), but {2}.{3} takes {4} ({2}.InputSize); one network can feed another only when n_L of the first equals n_0 of the second");

    public static readonly DiagnosticDescriptor EmptyTrainingBatch = Error(
        "BPG030",
        "A training batch cannot be empty",
        "'{0}' of {1}.{2} holds no example, but the mean loss J = (1/m) sum L_i needs at least one row of {3} ({4})");

    public static readonly DiagnosticDescriptor CompositionUnavailable = Error(
        "BPG031",
        "No typed composition between these networks",
        "The Output of {0} cannot be passed to {1}.Forward although both hold {2}: {3}; copy the values through a span instead: var input = new {1}.Input(); ((System.ReadOnlySpan<{4}>)output).CopyTo(input);");

    // BPG032: the integer inference form of a declaration (reported by DeclarationAnalyzer).

    public static readonly DiagnosticDescriptor QuantizationNeedsSinglePrecision = Error(
        "BPG032",
        "Int8 quantization needs single precision",
        "Quantization = Quantization.Int8 reads and writes single-precision values, but the network is declared with Precision = Precision.{0}; remove Precision or the Quantization setting");

    // BPG040-BPG042: generated member names that collide with the user's (reported by DeclarationAnalyzer).

    public static readonly DiagnosticDescriptor MemberCollidesWithGenerated = Error(
        "BPG040",
        "Member has the name of a generated member",
        "'{0}' in '{1}' has the name of a member that the generator adds ({2}); rename '{0}'");

    public static readonly DiagnosticDescriptor TypeNameIsGeneratedMember = Error(
        "BPG041",
        "Network type has the name of a generated member",
        "The type '{0}' has the name of a member that the generator adds inside it, and a member cannot be named like its enclosing type; rename the type");

    public static readonly DiagnosticDescriptor InheritedMemberHidden = Error(
        "BPG042",
        "Generated member would hide an inherited member",
        "'{0}' inherits '{1}' from '{2}', which a member that the generator adds would hide; rename '{1}' in '{2}' or do not derive '{0}' from it");

    // BPG050-BPG056: weights baked in at build time ([Network(..., Weights = "x.safetensors")]; reported by the
    // generator, which reads the file, on the Weights argument).
    public static readonly DiagnosticDescriptor WeightsFileNotFound = Error(
        "BPG050",
        "Weights file is not an additional file",
        "The weights file '{0}' is not among the project's AdditionalFiles ({1}); add <AdditionalFiles Include=\"{0}\" /> to the project, the path being relative to the project directory");

    public static readonly DiagnosticDescriptor WeightsBuildLogicMissing = Error(
        "BPG051",
        "Weights file reached the generator as binary",
        "The weights file '{0}' is an additional file, but no text form of it reached the generator: the build logic Backprop.Generated.targets (the package's build folder) is not imported; reference the Backprop.Generated package, or import src/Backprop.Generated/build/Backprop.Generated.targets when building from source");

    public static readonly DiagnosticDescriptor WeightsFileMalformed = Error(
        "BPG052",
        "Weights file is not a valid safetensors file",
        "The weights file '{0}' is not a valid safetensors file: {1}");

    public static readonly DiagnosticDescriptor WeightsTensorMissing = Error(
        "BPG053",
        "Weights file lacks a tensor",
        "The weights file '{0}' has no tensor '{1}': layer {2} ({3}) of this {4} network needs it with shape {5}");

    public static readonly DiagnosticDescriptor WeightsTensorExtra = Error(
        "BPG054",
        "Weights file has a tensor the network does not have",
        "The weights file '{0}' has tensor '{1}' (shape {2}), which is not a parameter of this {3} network; expected {4}");

    public static readonly DiagnosticDescriptor WeightsShapeMismatch = Error(
        "BPG055",
        "Weights tensor has the wrong shape",
        "Tensor '{1}' in the weights file '{0}' has shape {2}, but layer {3} ({4}) of this {5} network needs {6}");

    public static readonly DiagnosticDescriptor WeightsUnsupportedDType = Error(
        "BPG056",
        "Weights tensor has an unsupported dtype",
        "Tensor '{1}' in the weights file '{0}' has dtype \"{2}\"; baked weights are read from F32, F64, F16 or BF16");

    /// <summary>All descriptors, for the analyzer-release tracking tests and the docs check.</summary>
    public static IReadOnlyList<DiagnosticDescriptor> All { get; } = typeof(DiagnosticDescriptors)
        .GetFields()
        .Where(f => f.FieldType == typeof(DiagnosticDescriptor))
        .Select(f => (DiagnosticDescriptor)f.GetValue(null)!)
        .ToArray();

    private static readonly Dictionary<string, DiagnosticDescriptor> ByIdMap = All.ToDictionary(d => d.Id);

    public static DiagnosticDescriptor ById(string id) => ByIdMap[id];

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Category, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLink(DocsUrl, id));
}
