using System.Linq;
using Backprop.Generated.Generator.Model;
using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes the int8 inference form of a network declared with <c>Quantization = Quantization.Int8</c> (docs/int8.md):
/// <c>ToInt8()</c> on the network and the nested type <c>Int8</c> with Forward, ForwardBatch, Save and Load, each a thin
/// wrapper over the runtime's <c>Internals.Int8Network</c>, which owns the scheme and the kernels.
/// </summary>
internal static class Int8Emitter
{
    private const string Engine = EmitContext.Internals + ".Int8Network";
    private const string Exception = EmitContext.Runtime + ".Serialization.SafeTensorsException";

    public static void Emit(SourceWriter w, EmitContext c)
    {
        if (c.Model.Quantization != QuantizationKind.Int8)
        {
            return;
        }

        string sizes = string.Join(", ", c.Sizes.Select(Literals.Int));
        string activations = string.Join(", ", c.Model.Activations.Select(a => EmitContext.Runtime + ".Activation." + a));
        string type = Names.Int8;

        w.Line("/// <summary>");
        w.Line("/// The int8 inference form of this network, quantised from the parameters as they are now (no data needed): W[l]");
        w.Line("/// symmetric int8 per output unit, s_j = max_i |W_ij| / 127 (docs/int8.md). Later changes to this network do not reach it.");
        w.Line("/// </summary>");
        w.Line($"/// <returns>A new <see cref=\"{type}\"/>.</returns>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A parameter is NaN or infinite.</exception>");
        using (w.MemberBlock($"public {type} {Names.ToInt8}()"))
        {
            w.Line($"var quantised = new {type}();");
            w.Line("quantised.Quantize(Parameters);");
            w.Line("return quantised;");
        }

        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// The int8 inference form of the {string.Join("-", c.Sizes)} network (docs/int8.md): per layer, one example's activations");
        w.Line("/// quantised to uint8 at run time (s_a = max |a| / 127), the exact int32 product with the int8 weights, then rescale,");
        w.Line("/// bias and activation in single precision. Made by <c>ToInt8()</c>, or empty by <c>new Int8()</c> for <c>Load</c>.");
        w.Line("/// Outputs are the same bits on every instruction set; many threads may call Forward and ForwardBatch on one instance.");
        w.Line("/// </summary>");
        w.Line(EmitContext.GeneratedCodeAttribute);
        using (w.Block($"public sealed class {type}"))
        {
            for (int l = 1; l <= c.L; l++)
            {
                w.Line($"// Layer {l}: q_a = quantise(A{l - 1}); Z{l} = s_a s_j (q_a Q{l})_j + b{l}, Q{l} is {c.Sizes[l - 1]}x{c.Sizes[l]} int8 per unit j; A{l} = {EmitContext.FormulaName(c.Activation(l))}(Z{l})");
            }

            w.Member($"private readonly {Engine} _network = new {Engine}(");
            w.Line($"    new int[] {{ {sizes} }},");
            w.Line($"    new {EmitContext.Runtime}.Activation[] {{ {activations} }});");
            w.Line();
            if (c.Model.Weights is null)
            {
                w.Line("/// <summary>An int8 network with every weight, scale and bias 0 (it outputs g(0)) until <c>Load</c> sets them.</summary>");
                using (w.MemberBlock($"public {type}()"))
                {
                }
            }
            else
            {
                w.Line($"/// <summary>An int8 network holding the values baked in at build time from {BakedWeightsEmitter.Xml(c.Model.Weights)} (<c>Load</c> replaces them).</summary>");
                using (w.MemberBlock($"public {type}()"))
                {
                    w.Line($"{BakedWeightsEmitter.Name}.SetInt8(_network);");
                }
            }

            w.Line();
            w.Line("/// <summary>Quantises a float parameter vector (the layout of the network's <c>Parameters</c>).</summary>");
            w.Member($"internal void Quantize(global::System.ReadOnlySpan<float> parameters) => _network.Quantize(parameters);");
            if (c.Model.Weights is not null)
            {
                w.Line();
                w.Line("/// <summary>Writes the float parameters this int8 network stands for, W_ij = s_j q_ij and b_j (the layout of the network's <c>Parameters</c>).</summary>");
                w.Member($"internal void Dequantize(global::System.Span<float> parameters) => _network.Dequantize(parameters);");
            }
            w.Line();
            w.Line("/// <summary>Runs one example through the int8 network: <paramref name=\"output\"/> = A[L] for <paramref name=\"input\"/>.</summary>");
            w.Line($"/// <param name=\"input\">The n_0 = {c.Sizes[0]} features of one example.</param>");
            w.Line($"/// <param name=\"output\">Receives the n_L = {c.Sizes[c.L]} outputs; NaN when an input is NaN or infinite.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not have exactly the length above.</exception>");
            w.Member($"public void {Names.Forward}(global::System.ReadOnlySpan<float> input, global::System.Span<float> output) => _network.Forward(input, output);");
            w.Line();
            w.Line("/// <summary>Runs one example through the int8 network; the fixed-size types make a length mistake impossible.</summary>");
            w.Line("/// <param name=\"input\">The n_0 features of one example.</param>");
            w.Line("/// <returns>The n_L outputs A[L].</returns>");
            using (w.MemberBlock($"public {Names.Output} {Names.Forward}(in {Names.Input} input)"))
            {
                w.Line($"{Names.Output} output = default;");
                w.Line("_network.Forward(input, output);");
                w.Line("return output;");
            }

            w.Line();
            w.Line("/// <summary>Runs m examples: each row of <paramref name=\"inputs\"/> exactly as <c>Forward</c> runs it.</summary>");
            w.Line($"/// <param name=\"inputs\">m x n_0 = m x {c.Sizes[0]} values, row-major.</param>");
            w.Line($"/// <param name=\"outputs\">Receives m x n_L = m x {c.Sizes[c.L]} values, row-major.</param>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">A length is not a whole number of rows, or the row counts differ.</exception>");
            w.Member($"public void {Names.ForwardBatch}(global::System.ReadOnlySpan<float> inputs, global::System.Span<float> outputs) => _network.ForwardBatch(inputs, outputs);");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The int8 network as a safetensors file: layers.{i}.weight I8 [n_l, n_{l-1}] (PyTorch nn.Linear layout),");
            w.Line("/// layers.{i}.weight_scale F32 [n_l] and layers.{i}.bias F32 [n_l] for i = l - 1, with the declaration in its metadata.");
            w.Line("/// </summary>");
            w.Member($"public byte[] {Names.ToSafeTensors}() => _network.ToSafeTensors({Names.Topology});");
            w.Line();
            w.Line($"/// <summary>Writes <see cref=\"{Names.ToSafeTensors}\"/> to <paramref name=\"stream\"/>.</summary>");
            w.Line("/// <param name=\"stream\">A writable stream.</param>");
            w.Member($"public void {Names.Save}(global::System.IO.Stream stream) => _network.Save({Names.Topology}, stream);");
            w.Line();
            w.Line($"/// <summary>Writes <see cref=\"{Names.ToSafeTensors}\"/> to <paramref name=\"path\"/> atomically: a failed save leaves any existing file untouched.</summary>");
            w.Line("/// <param name=\"path\">The file to write (conventionally *.safetensors).</param>");
            w.Line("/// <exception cref=\"global::System.IO.IOException\">The file cannot be written.</exception>");
            w.Member($"public void {Names.Save}(string path) => _network.Save({Names.Topology}, path);");
            w.Line();
            w.Line($"/// <summary>Loads an int8 safetensors file (see <see cref=\"{Names.ToSafeTensors}\"/>); the whole file is validated first.</summary>");
            w.Line("/// <param name=\"safetensors\">The whole file.</param>");
            w.Line($"/// <exception cref=\"{Exception}\">The file is malformed or does not fit this network (a missing, extra or misshaped tensor, a weight of -128, a negative or non-finite scale); nothing changes.</exception>");
            w.Member($"public void {Names.Load}(global::System.ReadOnlySpan<byte> safetensors) => _network.Load(safetensors, {Names.Topology});");
            w.Line();
            w.Line($"/// <summary>Reads <paramref name=\"stream\"/> to its end and loads it as <see cref=\"{Names.Load}(global::System.ReadOnlySpan{{byte}})\"/> does.</summary>");
            w.Line("/// <param name=\"stream\">A readable stream positioned at the start of the file.</param>");
            w.Line($"/// <exception cref=\"{Exception}\">The content is malformed or does not fit this network; nothing changes.</exception>");
            w.Line("/// <exception cref=\"global::System.IO.IOException\">Reading failed; nothing changes.</exception>");
            w.Member($"public void {Names.Load}(global::System.IO.Stream stream) => _network.Load(stream, {Names.Topology});");
            w.Line();
            w.Line($"/// <summary>Reads the file at <paramref name=\"path\"/> and loads it as <see cref=\"{Names.Load}(global::System.ReadOnlySpan{{byte}})\"/> does.</summary>");
            w.Line("/// <param name=\"path\">The file to read.</param>");
            w.Line($"/// <exception cref=\"{Exception}\">The file is malformed or does not fit this network; nothing changes.</exception>");
            w.Line("/// <exception cref=\"global::System.IO.IOException\">The file cannot be read; nothing changes.</exception>");
            w.Member($"public void {Names.Load}(string path) => _network.Load(path, {Names.Topology});");
        }
    }
}
