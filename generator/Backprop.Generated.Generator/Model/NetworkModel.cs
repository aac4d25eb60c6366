using System.Linq;
using Backprop.Generated.Generator.Helpers;

namespace Backprop.Generated.Generator.Model;

/// <summary>
/// Everything the emitter needs to write one network, and nothing from Roslyn's object model: equal
/// models produce equal source, so the incremental pipeline skips emission when the model is unchanged.
/// </summary>
/// <param name="Namespace">The containing namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">The types that enclose the network type, outermost first.</param>
/// <param name="Type">The network type's own declaration header.</param>
/// <param name="HintName">The unique name of the generated file.</param>
/// <param name="LayerSizes">n_0, n_1, ..., n_L.</param>
/// <param name="Activations">g for layers 1..L (index 0 is layer 1).</param>
/// <param name="Loss">The training loss.</param>
/// <param name="Precision">The floating-point type.</param>
/// <param name="Form">Which attribute declared the network; only the generated header comment names it.</param>
/// <param name="Dropout">
/// The dropout rate p of layers 1..L (index 0 is layer 1) as round-trip invariant-culture literals ("0" for none, always
/// "0" for layer L), or empty when the declaration sets no dropout. Validated: 0 &lt;= p &lt; 1.
/// </param>
/// <param name="Weights">
/// The <c>Weights</c> path of a safetensors file baked in at build time (relative to the project directory), or
/// <see langword="null"/>. The parameters then start from the generated blob (see <see cref="Emit.BakedWeightsEmitter"/>).
/// </param>
/// <param name="Quantization">The integer inference form to emit beside the float network (docs/int8.md).</param>
internal sealed record NetworkModel(
    string? Namespace,
    EquatableArray<TypeHeader> ContainingTypes,
    TypeHeader Type,
    string HintName,
    EquatableArray<int> LayerSizes,
    EquatableArray<ActivationKind> Activations,
    LossKind Loss,
    PrecisionKind Precision,
    DeclarationForm Form = DeclarationForm.Network,
    EquatableArray<string> Dropout = default,
    string? Weights = null,
    QuantizationKind Quantization = QuantizationKind.None)
{
    /// <summary>Whether any layer has a dropout rate above 0 (training must then draw masks).</summary>
    public bool HasDropout => Dropout.Any(rate => rate != "0");

    /// <summary>L, the number of layers with weights.</summary>
    public int LayerCount => LayerSizes.Length - 1;

    public int InputSize => LayerSizes[0];

    public int OutputSize => LayerSizes[LayerSizes.Length - 1];
}

/// <summary>One type declaration header, e.g. <c>partial record class Outer&lt;T&gt;</c>.</summary>
/// <param name="Keyword">"class", "record", "struct", "record struct" or "interface".</param>
/// <param name="Name">The name with its type parameter list, e.g. <c>Outer&lt;T&gt;</c>.</param>
internal sealed record TypeHeader(string Keyword, string Name);

/// <summary>The two equivalent ways to declare a network.</summary>
internal enum DeclarationForm
{
    /// <summary><c>[Network(n_0, ..., n_L)]</c>.</summary>
    Network,

    /// <summary>One <c>[Layer(n_{l-1}, n_l, g)]</c> per layer.</summary>
    Layer,
}
