using Backprop.Generated.Generator.Helpers;

namespace Backprop.Generated.Generator.Model;

/// <summary>
/// One additional file that can hold baked weights, as plain values: the text form that the package's build logic
/// (build/Backprop.Generated.targets) wrote for a <c>.safetensors</c> file, or the binary file itself when that build
/// logic is not imported.
/// </summary>
/// <param name="SourcePath">The normalised full path of the <c>.safetensors</c> file (forward slashes).</param>
/// <param name="Base64">The file's bytes as base64, or <see langword="null"/> for a binary file the compiler cannot read.</param>
internal sealed record WeightsFile(string SourcePath, string? Base64);

/// <summary>
/// The data of one layer as base64: for a float network, little-endian values of its precision in our layout; for a
/// network declared with <c>Quantization.Int8</c>, the int8 form of docs/int8.md (weights quantised per unit at build
/// time), which is all the assembly then holds.
/// </summary>
/// <param name="Layer">l, 1-based.</param>
/// <param name="WeightSource">The tensor the weights came from, e.g. <c>'layers.0.weight' [32, 64] F32</c>.</param>
/// <param name="BiasSource">The tensor the biases came from.</param>
/// <param name="Weights">Float: W[l] (n_{l-1}, n_l) row-major. Int8: q (n_l, n_{l-1}) int8, PyTorch's (out, in) layout.</param>
/// <param name="Biases">b[l] (n_l values; single precision for int8).</param>
/// <param name="Scales">Int8 only: the n_l per-unit weight scales s_j, little-endian single precision; null for float.</param>
/// <param name="QuantisedInFile">Int8 only: q and s were read from an int8 network file as they are (not quantised here).</param>
internal sealed record BakedLayer(int Layer, string WeightSource, string BiasSource, string Weights, string Biases, string? Scales = null, bool QuantisedInFile = false);

/// <summary>
/// Everything the baked-weights emitter needs for one network: the network (for its type headers and sizes), the
/// file's path as declared, and either the converted layers or the diagnostic that explains why there are none.
/// </summary>
internal sealed record BakedWeightsModel(
    NetworkModel Network,
    string Path,
    EquatableArray<BakedLayer> Layers,
    DiagnosticInfo? Diagnostic)
{
    /// <summary>The generated file's hint name: the network's, with <c>{Weights}</c> (no network's hint name has braces).</summary>
    public string HintName => Network.HintName.Substring(0, Network.HintName.Length - ".g.cs".Length) + "{Weights}.g.cs";
}
