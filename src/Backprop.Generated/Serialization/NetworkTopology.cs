using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace Backprop.Generated.Serialization;

/// <summary>
/// What a weights file must fit: the layer sizes n_0..n_L, the activation of each layer 1..L and the loss.
/// Immutable. Every generated network describes its declaration with one (its static <c>Topology</c>); <see cref="SafeTensors"/> checks files against it and
/// records it in the file's <c>__metadata__</c> so a mismatched file is explained, not guessed.
/// </summary>
public sealed class NetworkTopology
{
    private readonly int[] _layerSizes;
    private readonly Activation[] _activations;
    private readonly int[] _weightOffset;
    private readonly int[] _biasOffset;

    /// <summary>Describes a network with layers n_0..n_L.</summary>
    /// <param name="layerSizes">n_0, n_1, ..., n_L (at least two sizes, each at least 1).</param>
    /// <param name="activations">g for layers 1..L (one per layer, index 0 is layer 1).</param>
    /// <param name="loss">The training loss.</param>
    /// <exception cref="ArgumentException">Fewer than two sizes, a size below 1, a parameter count above
    /// <see cref="int.MaxValue"/>, or not one activation per layer.</exception>
    public NetworkTopology(int[] layerSizes, Activation[] activations, Loss loss)
    {
        if (layerSizes is null)
        {
            throw new ArgumentNullException(nameof(layerSizes));
        }

        if (activations is null)
        {
            throw new ArgumentNullException(nameof(activations));
        }

        if (layerSizes.Length < 2 || layerSizes.Any(n => n < 1))
        {
            throw new ArgumentException("A network has at least two layer sizes n_0, n_1, each at least 1.", nameof(layerSizes));
        }

        if (activations.Length != layerSizes.Length - 1)
        {
            throw new ArgumentException(
                $"'{nameof(activations)}' must have length {layerSizes.Length - 1} (one per layer) but has length {activations.Length}.",
                nameof(activations));
        }

        _layerSizes = (int[])layerSizes.Clone();
        _activations = (Activation[])activations.Clone();
        LayerSizes = Array.AsReadOnly(_layerSizes);
        Activations = Array.AsReadOnly(_activations);
        Loss = loss;
        int layers = layerSizes.Length - 1;
        _weightOffset = new int[layers + 1];
        _biasOffset = new int[layers + 1];
        long offset = 0;
        for (int l = 1; l <= layers; l++)
        {
            long biasOffset = offset + ((long)layerSizes[l - 1] * layerSizes[l]);
            long next = biasOffset + layerSizes[l];
            if (next > int.MaxValue)
            {
                throw new ArgumentException("The network has more than int.MaxValue parameters.", nameof(layerSizes));
            }

            _weightOffset[l] = (int)offset;
            _biasOffset[l] = (int)biasOffset;
            offset = next;
        }

        ParameterCount = (int)offset;
    }

    /// <summary>n_0, n_1, ..., n_L.</summary>
    public IReadOnlyList<int> LayerSizes { get; }

    /// <summary>g for layers 1..L (index 0 is layer 1).</summary>
    public IReadOnlyList<Activation> Activations { get; }

    /// <summary>The training loss.</summary>
    public Loss Loss { get; }

    /// <summary>L, the number of layers with weights.</summary>
    public int LayerCount => _layerSizes.Length - 1;

    /// <summary>The number of weights and biases: the sum over l of n_{l-1} * n_l + n_l.</summary>
    public int ParameterCount { get; }

    /// <summary>The offset of W[l] (shape (n_{l-1}, n_l), row-major) in the flat parameter layout.</summary>
    /// <param name="layer">l, 1..L.</param>
    public int WeightOffset(int layer) => _weightOffset[layer];

    /// <summary>The offset of b[l] (n_l values) in the flat parameter layout.</summary>
    /// <param name="layer">l, 1..L.</param>
    public int BiasOffset(int layer) => _biasOffset[layer];

    /// <summary>n_0-n_1-...-n_L, e.g. "3-2-1".</summary>
    public string SizesText => string.Join("-", _layerSizes.Select(n => n.ToString(CultureInfo.InvariantCulture)));

    /// <summary>The activations, comma-separated, e.g. "Tanh,Sigmoid".</summary>
    public string ActivationsText => string.Join(",", _activations.Select(a => a.ToString()));

    /// <summary>A one-line description, e.g. "3-2-1 (Tanh,Sigmoid; loss BinaryCrossEntropy)".</summary>
    public override string ToString() => $"{SizesText} ({ActivationsText}; loss {Loss})";
}
