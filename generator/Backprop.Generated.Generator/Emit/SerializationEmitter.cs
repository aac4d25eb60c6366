using System.Linq;
using Backprop.Generated.Generator.Model;
using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes the weights-file members: the network's <c>Topology</c> (what a file must fit), the exact-length
/// <c>LoadParameters</c>, and safetensors <c>ToSafeTensors</c>/<c>Save</c>/<c>Load</c>. Each is a thin wrapper over
/// <c>Backprop.Generated.Serialization.SafeTensors</c> in the runtime library, which owns the format.
/// </summary>
internal static class SerializationEmitter
{
    private const string Serialization = EmitContext.Runtime + ".Serialization";

    public static void Emit(SourceWriter w, EmitContext c)
    {
        string t = c.T;
        string st = Serialization + ".SafeTensors";
        string exception = Serialization + ".SafeTensorsException";
        string sizes = string.Join(", ", c.Sizes.Select(Literals.Int));
        string activations = string.Join(", ", c.Model.Activations.Select(a => EmitContext.Runtime + ".Activation." + a));

        // Topology: the declaration, for checking and describing weights files.
        w.Line("/// <summary>");
        w.Line($"/// The declaration this network was generated from: layer sizes {string.Join("-", c.Sizes)}, activations");
        w.Line($"/// {string.Join(", ", c.Model.Activations.Select(EmitContext.FormulaName))}, loss {c.Model.Loss}. Weights files are checked against it and record it in their metadata.");
        w.Line("/// A new instance on every call, so the type keeps no static state.");
        w.Line("/// </summary>");
        w.Member($"public static {Serialization}.NetworkTopology {Names.Topology} => new {Serialization}.NetworkTopology(");
        w.Line($"    new int[] {{ {sizes} }},");
        w.Line($"    new {EmitContext.Runtime}.Activation[] {{ {activations} }},");
        w.Line($"    {EmitContext.Runtime}.Loss.{c.Model.Loss});");
        w.Line();

        // The same declaration through INetwork<T>, so generic code (e.g. ONNX export) reads it from an instance.
        w.Line("/// <inheritdoc cref=\"Topology\"/>");
        w.Member($"{Serialization}.NetworkTopology {NetworkInterfaceEmitter.Interface(c)}.Topology => Topology;");
        w.Line();

        // theta = values, all or nothing: an exact-length copy instead of a span CopyTo that loads a prefix.
        w.Line("/// <summary>");
        w.Line("/// Copies <paramref name=\"values\"/> into <see cref=\"Parameters\"/>; it must hold exactly <see cref=\"ParameterCount\"/>");
        w.Line("/// values in that layout (for l = 1..L, W[l] row-major (n_{l-1}, n_l), then b[l]).");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"values\">Every weight and bias.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"values\"/> does not have ParameterCount values; the parameters are unchanged.</exception>");
        using (w.MemberBlock($"public void {Names.LoadParameters}(global::System.ReadOnlySpan<{t}> values)"))
        {
            w.Line($"{EmitContext.Internals}.ShapeGuard.Length(values.Length, ParameterCount, nameof(values));");
            w.Line($"values.CopyTo({c.ParameterValues});");
        }

        w.Line();
        string layout = "layers.{i}.weight [n_l, n_{l-1}] (W[l] transposed, PyTorch nn.Linear layout) and layers.{i}.bias [n_l] for i = l - 1";
        w.Line($"/// <summary>The parameters as a safetensors file: {layout}, {(c.Model.Precision == PrecisionKind.Single ? "F32" : "F64")}, with <see cref=\"Topology\"/> in its metadata.</summary>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">A parameter is NaN or infinite.</exception>");
        w.Member($"public byte[] {Names.ToSafeTensors}() => {st}.Save<{t}>({c.ParameterValues}, Topology);");
        w.Line();
        w.Line("/// <summary>Writes the parameters to <paramref name=\"stream\"/> as a safetensors file (see <see cref=\"ToSafeTensors\"/>).</summary>");
        w.Line("/// <param name=\"stream\">A writable stream.</param>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">A parameter is NaN or infinite; nothing is written.</exception>");
        w.Member($"public void {Names.Save}(global::System.IO.Stream stream) => {st}.Save<{t}>({c.ParameterValues}, Topology, stream);");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Writes the parameters as a safetensors file at <paramref name=\"path\"/>, atomically: a temporary file in the same");
        w.Line("/// folder is written, flushed and renamed over the target, so a failed save leaves any existing file untouched.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"path\">The file to write (conventionally *.safetensors).</param>");
        w.Line("/// <exception cref=\"global::System.InvalidOperationException\">A parameter is NaN or infinite; nothing is written.</exception>");
        w.Line("/// <exception cref=\"global::System.IO.IOException\">The file cannot be written.</exception>");
        w.Member($"public void {Names.Save}(string path) => {st}.Save<{t}>({c.ParameterValues}, Topology, path);");
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// Loads a safetensors file into <see cref=\"Parameters\"/>: {layout}, or a PyTorch nn.Sequential state dict");
        w.Line($"/// (0.weight, 0.bias, 2.weight, ... in index order); F32, F64, F16 or BF16 data converted to {t}.");
        w.Line("/// The whole file is validated before any parameter changes.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"safetensors\">The whole file.</param>");
        w.Line($"/// <exception cref=\"{exception}\">The file is malformed or does not fit this network; the message names the tensor and the expected and actual shapes; the parameters are unchanged.</exception>");
        w.Member($"public void {Names.Load}(global::System.ReadOnlySpan<byte> safetensors) => {st}.Load<{t}>(safetensors, Topology, {c.ParameterValues});");
        w.Line();
        w.Line("/// <summary>Reads a safetensors file from <paramref name=\"stream\"/> to its end and loads it as <see cref=\"Load(global::System.ReadOnlySpan{byte})\"/> does.</summary>");
        w.Line("/// <param name=\"stream\">A readable stream positioned at the start of the file.</param>");
        w.Line($"/// <exception cref=\"{exception}\">The content is malformed or does not fit this network; the parameters are unchanged.</exception>");
        w.Line("/// <exception cref=\"global::System.IO.IOException\">Reading failed; the parameters are unchanged.</exception>");
        w.Member($"public void {Names.Load}(global::System.IO.Stream stream) => {st}.Load<{t}>(stream, Topology, {c.ParameterValues});");
        w.Line();
        w.Line("/// <summary>Reads the safetensors file at <paramref name=\"path\"/> and loads it as <see cref=\"Load(global::System.ReadOnlySpan{byte})\"/> does.</summary>");
        w.Line("/// <param name=\"path\">The file to read.</param>");
        w.Line($"/// <exception cref=\"{exception}\">The file is malformed or does not fit this network; the parameters are unchanged.</exception>");
        w.Line("/// <exception cref=\"global::System.IO.IOException\">The file cannot be read; the parameters are unchanged.</exception>");
        w.Member($"public void {Names.Load}(string path) => {st}.Load<{t}>(path, Topology, {c.ParameterValues});");
    }
}
