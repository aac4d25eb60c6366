using Backprop.Generated.Generator.Helpers;

namespace Backprop.Generated.Generator.Model;

/// <summary>
/// An invalid declaration on a type that can host generated members: what <see cref="Emit.StubEmitter"/> needs to write
/// the members' signatures (with bodies that throw), so the user's calls bind and the declaration's BPG error is the
/// error the build reports, not a cascade of CS errors at every call site. No sizes: they are what may be invalid.
/// </summary>
/// <param name="Namespace">The containing namespace, or <see langword="null"/> for the global namespace.</param>
/// <param name="ContainingTypes">The types that enclose the network type, outermost first.</param>
/// <param name="Type">The network type's own declaration header.</param>
/// <param name="HintName">The name of the generated file (the one a valid declaration would get).</param>
/// <param name="Precision">The element type, as declared when that argument is readable, otherwise float.</param>
/// <param name="Form">Which attribute declared the network.</param>
/// <param name="Quantization">The integer form the declaration asks for when that argument is readable, otherwise none.</param>
/// <param name="LayerCount">
/// L as declared (the number of sizes less one, or of [Layer]s), whatever else is wrong, for the views W1..WL and b1..bL:
/// 0 when the declaration names fewer than two sizes (no layer to view), at most <see cref="Rules.Limits.MaxLayers"/>.
/// </param>
/// <param name="Dropout">Whether the declaration sets a dropout rate other than 0 (valid or not): DropoutRandom and IDropoutNetwork.</param>
internal sealed record StubModel(
    string? Namespace,
    EquatableArray<TypeHeader> ContainingTypes,
    TypeHeader Type,
    string HintName,
    PrecisionKind Precision,
    DeclarationForm Form,
    QuantizationKind Quantization = QuantizationKind.None,
    int LayerCount = 0,
    bool Dropout = false);
