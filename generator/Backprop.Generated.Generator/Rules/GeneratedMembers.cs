using System.Collections.Generic;

namespace Backprop.Generated.Generator.Rules;

/// <summary>
/// The declared options that add members of their own (<see cref="GeneratedMembers.OptionOf"/>): a name of such a member
/// is reserved only in a network that sets the option.
/// </summary>
[System.Flags]
internal enum DeclaredOptions
{
    None = 0,

    /// <summary>A dropout rate other than 0 on some layer.</summary>
    Dropout = 1,

    /// <summary><c>Quantization = Quantization.Int8</c>.</summary>
    Int8 = 2,

    /// <summary><c>Weights = "..."</c>.</summary>
    BakedWeights = 4,
}

/// <summary>
/// The one list of the names the emitters declare on a network type. The emitters write every member name from the
/// constants and functions here (never a literal), and the parser reports a user member that would collide with one
/// (BPG040-BPG042) instead of leaving the user a CS0102/CS0111 in generated code. A test parses the generated source of
/// every emission form and checks that each name declared in the user's type is one of these
/// (GeneratedMemberListTests), and another that docs/diagnostics/BPG040.md lists exactly these names.
/// The members of an option (<see cref="OptionOf"/>) are reserved only in a network that sets it; every other name in
/// every network, whichever of them its sizes make the generator write (so resizing a network never makes a user member
/// collide).
/// </summary>
internal static class GeneratedMembers
{
    public const string InputSize = nameof(InputSize);
    public const string OutputSize = nameof(OutputSize);
    public const string LayerCount = nameof(LayerCount);
    public const string ParameterCount = nameof(ParameterCount);
    public const string ParameterStorage = "_parameters";
    public const string Parameters = nameof(Parameters);
    public const string Input = nameof(Input);
    public const string Output = nameof(Output);
    public const string LayerSizes = nameof(LayerSizes);
    public const string Gradients = "_gradients";
    public const string TrainingScratch = "_trainingScratch";
    public const string TrainingLanesLength = nameof(TrainingLanesLength);
    public const string GradientSumsLength = nameof(GradientSumsLength);
    public const string MaxDegreeOfParallelism = nameof(MaxDegreeOfParallelism);
    public const string MaxDegreeOfParallelismField = "_maxDegreeOfParallelism";
    public const string RowChunks = nameof(RowChunks);
    public const string BlockRows = nameof(BlockRows);
    public const string LaneStride = nameof(LaneStride);
    public const string ForwardScratchLength = nameof(ForwardScratchLength);
    public const string ForwardScratch = "t_forwardScratch";
    public const string DropoutRandomField = "_dropoutRandom";
    public const string DropoutRandom = nameof(DropoutRandom);
    public const string Topology = nameof(Topology);
    public const string BakedWeights = "__BakedWeights";
    public const string ParameterBlock = "__ParameterBlock";
    public const string Int8 = nameof(Int8);
    public const string ToInt8 = nameof(ToInt8);

    public const string Forward = nameof(Forward);
    public const string ForwardBatch = nameof(ForwardBatch);
    public const string ForwardCore = nameof(ForwardCore);
    public const string ForwardRows = nameof(ForwardRows);
    public const string ForwardWithoutSimd = nameof(ForwardWithoutSimd);

    /// <summary>The one-example pass written for registers of at most <paramref name="width"/> bits (512, 256, 128).</summary>
    public static string ForwardInRegisters(int width) => "ForwardInRegisters" + width.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A tiny network's block of a batch written for registers of <paramref name="width"/> bits (512, 256, 128).</summary>
    public static string ForwardBlockInRegisters(int width) => "ForwardBlockInRegisters" + width.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>A tiny network's training block written for registers of <paramref name="width"/> bits (512, 256, 128).</summary>
    public static string GradientBlockInRegisters(int width) => "GradientBlockInRegisters" + width.ToString(System.Globalization.CultureInfo.InvariantCulture);
    public const string ComputeGradients = nameof(ComputeGradients);
    public const string ComputeGradientsCore = nameof(ComputeGradientsCore);
    public const string GradientRows = nameof(GradientRows);
    public const string TrainStep = nameof(TrainStep);
    public const string InitializeParameters = nameof(InitializeParameters);
    public const string LoadParameters = nameof(LoadParameters);
    public const string ToSafeTensors = nameof(ToSafeTensors);
    public const string Save = nameof(Save);
    public const string Load = nameof(Load);

    /// <summary>W[l]'s view, e.g. <c>W2</c>.</summary>
    public static string WeightView(int layer) => "W" + layer;

    /// <summary>b[l]'s view, e.g. <c>b2</c>.</summary>
    public static string BiasView(int layer) => "b" + layer;

    /// <summary>The constant offset of W[l] in the parameters, e.g. <c>W2Offset</c>.</summary>
    public static string WeightOffset(int layer) => WeightView(layer) + "Offset";

    /// <summary>The constant offset of b[l] in the parameters, e.g. <c>b2Offset</c>.</summary>
    public static string BiasOffset(int layer) => BiasView(layer) + "Offset";

    /// <summary>Layer l's kernel shape struct, e.g. <c>Layer2Shape</c>.</summary>
    public static string LayerShape(int layer) => "Layer" + layer + "Shape";

    /// <summary>
    /// Members that cannot be overloaded (constants, fields, properties, nested types), each with a short
    /// description for the diagnostic message. Any user member of the same name collides.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Unique = new Dictionary<string, string>(System.StringComparer.Ordinal)
    {
        [InputSize] = "the constant n_0",
        [OutputSize] = "the constant n_L",
        [LayerCount] = "the constant L",
        [ParameterCount] = "the constant number of weights and biases",
        [ParameterStorage] = "the parameter storage field",
        [Parameters] = "the span over all weights and biases",
        [Input] = "the fixed-size input type",
        [Output] = "the fixed-size output type",
        [LayerSizes] = "the static property n_0..n_L",
        [Gradients] = "the gradient buffer of TrainStep",
        [TrainingScratch] = "the training scratch buffer",
        [TrainingLanesLength] = "the length of one thread's training lane buffers",
        [GradientSumsLength] = "the length of one chunk's gradient sums",
        [MaxDegreeOfParallelism] = "the property limiting the threads of a call",
        [MaxDegreeOfParallelismField] = "the field behind MaxDegreeOfParallelism",
        [RowChunks] = "the struct that runs chunks of rows on the worker threads",
        [BlockRows] = "the constant block size of the batch kernels",
        [LaneStride] = "the constant row stride of the batch kernels' lanes",
        [ForwardScratchLength] = "the ForwardBatch scratch length",
        [ForwardScratch] = "the per-thread ForwardBatch scratch",
        [DropoutRandomField] = "the dropout random stream",
        [DropoutRandom] = "the dropout random stream property",
        [Topology] = "the static property describing the declaration for weights files",
        [BakedWeights] = "the class holding weights baked in at build time",
        [ParameterBlock] = "the inline parameter storage of a tiny network",
        [Int8] = "the nested int8 inference type (Quantization = Quantization.Int8)",
    };

    /// <summary>The names that only a network with a declared option gets, by option.</summary>
    public static readonly IReadOnlyDictionary<string, DeclaredOptions> OptionOf = new Dictionary<string, DeclaredOptions>(System.StringComparer.Ordinal)
    {
        [DropoutRandom] = DeclaredOptions.Dropout,
        [DropoutRandomField] = DeclaredOptions.Dropout,
        [Int8] = DeclaredOptions.Int8,
        [ToInt8] = DeclaredOptions.Int8,
        [BakedWeights] = DeclaredOptions.BakedWeights,
    };

    /// <summary>Is <paramref name="name"/> reserved in a network with <paramref name="options"/>: not an option's name, or one of a declared option?</summary>
    public static bool IsReserved(string name, DeclaredOptions options) =>
        !OptionOf.TryGetValue(name, out DeclaredOptions option) || (options & option) != 0;

    /// <summary>Is <paramref name="name"/> one of <see cref="Unique"/> reserved in a network with <paramref name="options"/>?</summary>
    public static bool IsUnique(string name, DeclaredOptions options) => Unique.ContainsKey(name) && IsReserved(name, options);

    /// <summary>
    /// The generated properties whose accessor methods (<c>get_X</c>, and <c>set_X</c> for those in
    /// <see cref="SettableProperties"/>) a user method may not declare (CS0082); W1..WL and b1..bL too.
    /// </summary>
    public static readonly IReadOnlyList<string> Properties = new[] { Parameters, LayerSizes, Topology, DropoutRandom, MaxDegreeOfParallelism };

    /// <summary>The generated properties with a setter.</summary>
    public static readonly IReadOnlyList<string> SettableProperties = new[] { DropoutRandom, MaxDegreeOfParallelism };

    /// <summary>
    /// Generated methods and their parameter types ("T" stands for float or double, "Input" for the
    /// generated input type, an "in " or "out " prefix for a parameter passed by reference). A user method of the same name with other parameter
    /// types is an overload and is allowed; a member of the same name that is not a method collides.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string[] Parameters)> Methods = new (string, string[])[]
    {
        (Forward, new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
        (Forward, new[] { "in Input" }),
        (ForwardBatch, new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
        (ForwardCore, new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
        (ForwardRows, new[] { "System.ReadOnlySpan<T>", "System.Span<T>", "int", "int" }),
        (ForwardInRegisters(512), new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>" }),
        (ForwardInRegisters(256), new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>" }),
        (ForwardInRegisters(128), new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>" }),
        (ForwardWithoutSimd, new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>" }),
        (ForwardBlockInRegisters(512), new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>", "int" }),
        (ForwardBlockInRegisters(256), new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>", "int" }),
        (ForwardBlockInRegisters(128), new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>", "int" }),
        (GradientBlockInRegisters(512), new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>", "int", "bool" }),
        (GradientBlockInRegisters(256), new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>", "int", "bool" }),
        (GradientBlockInRegisters(128), new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>", "int", "bool" }),
        (ComputeGradients, new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>" }),
        (ComputeGradientsCore, new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>", "out bool" }),
        (GradientRows, new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "int", "int", "System.Span<T>", "System.Span<T>" }),
        (TrainStep, new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "Backprop.Generated.IOptimizer" }),
        (InitializeParameters, new[] { "int" }),
        (LoadParameters, new[] { "System.ReadOnlySpan<T>" }),
        (ToSafeTensors, new string[0]),
        (Save, new[] { "System.IO.Stream" }),
        (Save, new[] { "string" }),
        (Load, new[] { "System.ReadOnlySpan<byte>" }),
        (Load, new[] { "System.IO.Stream" }),
        (Load, new[] { "string" }),
        (ToInt8, new string[0]),
    };

    /// <summary>Is <paramref name="name"/> W1..WL or b1..bL (the per-layer parameter views)?</summary>
    public static bool IsLayerView(string name, int layerCount, out int layer)
    {
        layer = 0;
        if (name.Length < 2 || name.Length > 6 || (name[0] != 'W' && name[0] != 'b') || name[1] == '0')
        {
            return false;
        }

        for (int i = 1; i < name.Length; i++)
        {
            if (name[i] < '0' || name[i] > '9')
            {
                return false;
            }

            layer = (layer * 10) + (name[i] - '0');
        }

        return layer >= 1 && layer <= layerCount;
    }

    /// <summary>Is <paramref name="name"/> W{l}Offset, b{l}Offset or Layer{l}Shape for a layer l of the network (the per-layer constants and shape types)?</summary>
    public static bool IsLayerConstant(string name, int layerCount, out int layer)
    {
        layer = 0;
        if (name.EndsWith("Offset", System.StringComparison.Ordinal))
        {
            return IsLayerView(name.Substring(0, name.Length - "Offset".Length), layerCount, out layer);
        }

        if (name.StartsWith("Layer", System.StringComparison.Ordinal) && name.EndsWith("Shape", System.StringComparison.Ordinal) && name.Length > 10)
        {
            return IsLayerView("W" + name.Substring(5, name.Length - 10), layerCount, out layer);
        }

        return false;
    }

    /// <summary>
    /// Is <paramref name="name"/> (a method's name) an accessor of a generated property: get_P of one of
    /// <see cref="Properties"/> or of a layer view, or set_P of one of <see cref="SettableProperties"/>?
    /// </summary>
    public static bool IsAccessor(string name, int layerCount, DeclaredOptions options, out string property)
    {
        property = string.Empty;
        if (name.StartsWith("get_", System.StringComparison.Ordinal))
        {
            property = name.Substring(4);
            return (Contains(Properties, property) && IsReserved(property, options)) || IsLayerView(property, layerCount, out _);
        }

        if (name.StartsWith("set_", System.StringComparison.Ordinal))
        {
            property = name.Substring(4);
            return Contains(SettableProperties, property) && IsReserved(property, options);
        }

        return false;
    }

    /// <summary>
    /// Is <paramref name="name"/> the name of a generated member of a network with L = <paramref name="layerCount"/>
    /// and <paramref name="options"/>?
    /// </summary>
    public static bool IsGeneratedName(string name, int layerCount, DeclaredOptions options)
    {
        if (!IsReserved(name, options))
        {
            return false;
        }

        if (Unique.ContainsKey(name) || IsLayerView(name, layerCount, out _) || IsLayerConstant(name, layerCount, out _))
        {
            return true;
        }

        foreach ((string method, _) in Methods)
        {
            if (method == name)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Contains(IReadOnlyList<string> names, string name)
    {
        foreach (string candidate in names)
        {
            if (candidate == name)
            {
                return true;
            }
        }

        return false;
    }
}
