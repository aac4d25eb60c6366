using System.Linq;
using Microsoft.CodeAnalysis;

namespace Backprop.Generated.Generator.Analyzers;

/// <summary>
/// The shape of one network type as the analyzer sees it: the generated constants InputSize, OutputSize
/// and ParameterCount (read back from the compiled type, so the analyzer and the generated code can never
/// disagree), plus n_0..n_L from the attribute for the per-layer views W1, b1, ....
/// </summary>
internal sealed class NetworkShape
{
    private NetworkShape(INamedTypeSymbol type, int inputSize, int outputSize, int parameterCount, int[]? layerSizes)
    {
        Type = type;
        InputSize = inputSize;
        OutputSize = outputSize;
        ParameterCount = parameterCount;
        LayerSizes = layerSizes;
    }

    public INamedTypeSymbol Type { get; }

    public int InputSize { get; }

    public int OutputSize { get; }

    public int ParameterCount { get; }

    /// <summary>n_0..n_L, or <see langword="null"/> when the attribute could not be read consistently.</summary>
    public int[]? LayerSizes { get; }

    public string Name => Type.Name;

    /// <summary>The shape of <paramref name="type"/>, or <see langword="null"/> if it is not a generated network.</summary>
    public static NetworkShape? TryCreate(INamedTypeSymbol type, INamedTypeSymbol? networkAttribute, INamedTypeSymbol? layerAttribute)
    {
        AttributeData[] attributes = type.GetAttributes().ToArray();
        AttributeData? network = attributes.FirstOrDefault(a => networkAttribute is not null && SymbolEqualityComparer.Default.Equals(a.AttributeClass, networkAttribute));
        AttributeData[] layers = attributes.Where(a => layerAttribute is not null && SymbolEqualityComparer.Default.Equals(a.AttributeClass, layerAttribute)).ToArray();
        if (network is null && layers.Length == 0)
        {
            return null;
        }

        if (Constant(type, "InputSize") is not { } input
            || Constant(type, "OutputSize") is not { } output
            || Constant(type, "ParameterCount") is not { } parameters)
        {
            return null;
        }

        int[]? sizes = network is not null ? FromNetwork(network) : FromLayers(layers);
        if (sizes is null || sizes.Length < 2 || sizes[0] != input || sizes[sizes.Length - 1] != output)
        {
            sizes = null;
        }

        return new NetworkShape(type, input, output, parameters, sizes);
    }

    /// <summary>The length of a per-layer view: W{l} is n_{l-1} x n_l, b{l} is n_l.</summary>
    public int? ViewLength(string property)
    {
        if (property == "Parameters")
        {
            return ParameterCount;
        }

        if (LayerSizes is null || property.Length < 2 || (property[0] != 'W' && property[0] != 'b')
            || !int.TryParse(property.Substring(1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int l)
            || l < 1 || l >= LayerSizes.Length)
        {
            return null;
        }

        return property[0] == 'W' ? LayerSizes[l - 1] * LayerSizes[l] : LayerSizes[l];
    }

    private static int? Constant(INamedTypeSymbol type, string name) =>
        type.GetMembers(name).OfType<IFieldSymbol>().FirstOrDefault(f => f.IsConst && f.ConstantValue is int)?.ConstantValue as int?;

    private static int[]? FromNetwork(AttributeData network)
    {
        if (network.ConstructorArguments.Length != 1 || network.ConstructorArguments[0].Kind != TypedConstantKind.Array || network.ConstructorArguments[0].IsNull)
        {
            return null;
        }

        return network.ConstructorArguments[0].Values.All(v => v.Value is int)
            ? network.ConstructorArguments[0].Values.Select(v => (int)v.Value!).ToArray()
            : null;
    }

    private static int[]? FromLayers(AttributeData[] layers)
    {
        AttributeData[] ordered = layers.OrderBy(a => a.ApplicationSyntaxReference?.Span.Start ?? 0).ToArray();
        var sizes = new int[ordered.Length + 1];
        for (int i = 0; i < ordered.Length; i++)
        {
            if (ordered[i].ConstructorArguments.Length < 2
                || ordered[i].ConstructorArguments[0].Value is not int inputs
                || ordered[i].ConstructorArguments[1].Value is not int outputs)
            {
                return null;
            }

            if (i == 0)
            {
                sizes[0] = inputs;
            }

            sizes[i + 1] = outputs;
        }

        return sizes;
    }
}
