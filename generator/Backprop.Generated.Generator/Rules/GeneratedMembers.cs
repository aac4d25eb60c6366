using System.Collections.Generic;

namespace Backprop.Generated.Generator.Rules;

/// <summary>
/// The names the emitter declares on a network type, so the parser can report a user member that would
/// collide with one (BPG040-BPG042) instead of leaving the user a CS0102/CS0111 in generated code.
/// Keep this list in step with the emitters: every generated member name belongs here.
/// </summary>
internal static class GeneratedMembers
{
    /// <summary>
    /// Members that cannot be overloaded (constants, fields, properties, nested types), each with a short
    /// description for the diagnostic message. Any user member of the same name collides.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string> Unique = new Dictionary<string, string>(System.StringComparer.Ordinal)
    {
        ["InputSize"] = "the constant n_0",
        ["OutputSize"] = "the constant n_L",
        ["LayerCount"] = "the constant L",
        ["ParameterCount"] = "the constant number of weights and biases",
        ["_parameters"] = "the parameter storage field",
        ["Parameters"] = "the span over all weights and biases",
        ["Input"] = "the fixed-size input type",
        ["Output"] = "the fixed-size output type",
        ["LayerSizes"] = "the static property n_0..n_L",
        ["_gradients"] = "the gradient buffer of TrainStep",
        ["_trainingScratch"] = "the training scratch buffer",
        ["TrainingScratchLength"] = "the training scratch length",
        ["BlockRows"] = "the constant block size of the batch kernels",
        ["LaneStride"] = "the constant row stride of the batch kernels' lanes",
        ["ForwardScratchLength"] = "the ForwardBatch scratch length",
        ["t_forwardScratch"] = "the per-thread ForwardBatch scratch",
        ["_dropoutRandom"] = "the dropout random stream",
        ["DropoutRandom"] = "the dropout random stream property",
        ["Topology"] = "the static property describing the declaration for weights files",
        ["__BakedWeights"] = "the class holding weights baked in at build time",
    };

    /// <summary>
    /// Generated methods and their parameter types ("T" stands for float or double, "Input" for the
    /// generated input type). A user method of the same name with other parameter types is an overload
    /// and is allowed; a member of the same name that is not a method collides.
    /// </summary>
    public static readonly IReadOnlyList<(string Name, string[] Parameters)> Methods = new (string, string[])[]
    {
        ("Forward", new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
        ("Forward", new[] { "Input" }),
        ("ForwardBatch", new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
        ("ForwardCore", new[] { "System.ReadOnlySpan<T>", "System.Span<T>" }),
        ("ComputeGradients", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "System.Span<T>" }),
        ("TrainStep", new[] { "System.ReadOnlySpan<T>", "System.ReadOnlySpan<T>", "Backprop.Generated.IOptimizer" }),
        ("InitializeParameters", new[] { "int" }),
        ("LoadParameters", new[] { "System.ReadOnlySpan<T>" }),
        ("ToSafeTensors", new string[0]),
        ("Save", new[] { "System.IO.Stream" }),
        ("Save", new[] { "string" }),
        ("Load", new[] { "System.ReadOnlySpan<byte>" }),
        ("Load", new[] { "System.IO.Stream" }),
        ("Load", new[] { "string" }),
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

    /// <summary>Is <paramref name="name"/> the name of any generated member of a network with L = <paramref name="layerCount"/>?</summary>
    public static bool IsGeneratedName(string name, int layerCount)
    {
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
}
