using System;

namespace Backprop.Generated;

/// <summary>
/// Which entries of a network's flat parameter vector (the layout of <see cref="INetwork{T}.Parameters"/>:
/// for l = 1..L, W[l] row-major with shape (n_{l-1}, n_l), then b[l]) belong to a group, such as "the weights".
/// The optimizers take one to restrict their <c>weightDecay</c> to that group, as PyTorch users do with two
/// parameter groups (<c>weight_decay</c> on the weights, 0 on the biases).
/// </summary>
/// <example>
/// <code>
/// var optimizer = new AdamW(1e-3, weightDecay: 0.01, decayMask: ParameterMask.Weights(MyNet.LayerSizes));
/// </code>
/// </example>
public sealed class ParameterMask
{
    private readonly bool[] _selected;

    private ParameterMask(bool[] selected, int count)
    {
        _selected = selected;
        Count = count;
    }

    /// <summary>The number of parameters of the network the mask was built for (ParameterCount).</summary>
    public int Length => _selected.Length;

    /// <summary>The number of selected parameters.</summary>
    public int Count { get; }

    /// <summary>Whether parameter <paramref name="index"/> is selected.</summary>
    /// <param name="index">An index into <see cref="INetwork{T}.Parameters"/>, 0 &lt;= index &lt; <see cref="Length"/>.</param>
    public bool this[int index] => _selected[index];

    /// <summary>The weights W[1..L] of a network with layer sizes n_0, ..., n_L; not the biases.</summary>
    /// <param name="layerSizes">n_0, ..., n_L (at least two sizes, each &gt;= 1), e.g. a generated network's <c>LayerSizes</c>.</param>
    /// <returns>The mask of sum_l n_{l-1} n_l selected entries out of sum_l (n_{l-1} + 1) n_l.</returns>
    /// <exception cref="ArgumentException">Fewer than two sizes, or a size below 1.</exception>
    public static ParameterMask Weights(ReadOnlySpan<int> layerSizes) => Build(layerSizes, weights: true);

    /// <summary>The biases b[1..L] of a network with layer sizes n_0, ..., n_L.</summary>
    /// <param name="layerSizes">n_0, ..., n_L.</param>
    /// <returns>The mask of sum_l n_l selected entries.</returns>
    /// <exception cref="ArgumentException">Fewer than two sizes, or a size below 1.</exception>
    public static ParameterMask Biases(ReadOnlySpan<int> layerSizes) => Build(layerSizes, weights: false);

    /// <summary>Checks that the mask was built for <paramref name="parameterCount"/> parameters.</summary>
    internal void CheckLength(int parameterCount)
    {
        if (parameterCount != Length)
        {
            throw new ArgumentException($"The parameter mask was built for {Length} parameters but the network has {parameterCount}; build it from this network's LayerSizes.", "parameters");
        }
    }

    private static ParameterMask Build(ReadOnlySpan<int> layerSizes, bool weights)
    {
        if (layerSizes.Length < 2)
        {
            throw new ArgumentException($"A network has at least two layer sizes (n_0 and n_L) but {layerSizes.Length} were given.", nameof(layerSizes));
        }

        long total = 0;
        for (int l = 0; l < layerSizes.Length; l++)
        {
            if (layerSizes[l] < 1)
            {
                throw new ArgumentException($"Layer size {l} is {layerSizes[l]}; every size must be >= 1.", nameof(layerSizes));
            }

            if (l > 0)
            {
                total += ((long)layerSizes[l - 1] + 1) * layerSizes[l];
            }
        }

        if (total > int.MaxValue)
        {
            throw new ArgumentException("These layer sizes have more parameters than a span can hold.", nameof(layerSizes));
        }

        var selected = new bool[total];
        int offset = 0;
        int count = 0;
        for (int l = 1; l < layerSizes.Length; l++)
        {
            int weightCount = layerSizes[l - 1] * layerSizes[l];
            int biasCount = layerSizes[l];
            int start = weights ? offset : offset + weightCount;
            int length = weights ? weightCount : biasCount;
            for (int q = start; q < start + length; q++)
            {
                selected[q] = true;
            }

            count += length;
            offset += weightCount + biasCount;
        }

        return new ParameterMask(selected, count);
    }
}
