using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes the shape constants, the flat parameter storage with its per-layer views, and the
/// fixed-size <c>Input</c>/<c>Output</c> value types.
/// </summary>
internal static class StorageEmitter
{
    public static void Emit(SourceWriter w, EmitContext c)
    {
        string t = c.T;
        int[] n = c.Sizes;

        w.Line("/// <summary>n_0, the number of input features of one example.</summary>");
        w.Member($"public const int {Names.InputSize} = {Literals.Int(n[0])};");
        w.Line();
        w.Line($"/// <summary>n_{c.L}, the number of outputs of one example.</summary>");
        w.Member($"public const int {Names.OutputSize} = {Literals.Int(n[c.L])};");
        w.Line();
        w.Line("/// <summary>L, the number of layers with weights.</summary>");
        w.Member($"public const int {Names.LayerCount} = {Literals.Int(c.L)};");
        w.Line();
        w.Line("/// <summary>The number of weights and biases: the sum over l of n_{l-1} * n_l + n_l.</summary>");
        w.Member($"public const int {Names.ParameterCount} = {Literals.Int(c.ParameterCount)};");
        w.Line();
        if (c.InlineParameters)
        {
            w.Line("/// <summary>");
            w.Line("/// Every weight and bias, laid out as <see cref=\"Parameters\"/> documents, held in the instance itself:");
            w.Line("/// a tiny network's one-example pass then reads each weight at a fixed offset from <c>this</c>, with no");
            w.Line("/// array between, as hand-written code keeping its weights in fields does. Not readonly: the spans over");
            w.Line("/// it write through to the instance. The compute paths take the whole block, slack included.");
            w.Line("/// </summary>");
            w.Member(c.Model.Weights is null
                ? $"private {Names.ParameterBlock} {Names.ParameterStorage};"
                : $"private {Names.ParameterBlock} {Names.ParameterStorage} = {BakedWeightsEmitter.Name}.CreateParameters(); // baked in at build time from {BakedWeightsEmitter.Comment(c.Model.Weights)}");
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The storage of the <see cref=\"ParameterCount\"/> parameters, inside the network instance, and " + Literals.Int(EmitContext.ParameterBlockSlack) + " elements");
            w.Line("/// of slack after them (always 0): a partly filled last register of a layer held in registers reads past");
            w.Line("/// b[L] by at most one register less one element, and those lanes are discarded.");
            w.Line("/// </summary>");
            w.Line($"[global::System.Runtime.CompilerServices.InlineArray(ParameterCount + {Literals.Int(EmitContext.ParameterBlockSlack)})]");
            using (w.MemberBlock("private struct " + Names.ParameterBlock))
            {
                w.Line($"private {t} _element0;");
            }
        }
        else
        {
            w.Line("/// <summary>Every weight and bias, laid out as <see cref=\"Parameters\"/> documents; the first on a 64-byte boundary, so the kernels' vector loads of W[l]'s rows do not straddle cache lines.</summary>");
            w.Member(c.Model.Weights is null
                ? $"private readonly {EmitContext.Compute}.AlignedArray<{t}> {Names.ParameterStorage} = new(ParameterCount);"
                : $"private readonly {EmitContext.Compute}.AlignedArray<{t}> {Names.ParameterStorage} = {BakedWeightsEmitter.Name}.CreateParameters(); // baked in at build time from {BakedWeightsEmitter.Comment(c.Model.Weights)}");
        }

        w.Line();

        w.Line("/// <summary>");
        w.Line("/// All weights and biases, in this order: for l = 1..L, W[l] row-major with shape (n_{l-1}, n_l)");
        w.Line("/// (element (j, k) at offset j * n_l + k), then b[l] (n_l values).");
        w.Line("/// </summary>");
        w.Line("/// <remarks>");
        w.Line("/// <list type=\"table\">");
        w.Line("/// <listheader><term>Block</term><description>Offset, length</description></listheader>");
        for (int l = 1; l <= c.L; l++)
        {
            w.Line($"/// <item><term>W{l} ({n[l - 1]}x{n[l]})</term><description>{c.WeightOffset[l]}, {n[l - 1] * n[l]}</description></item>");
            w.Line($"/// <item><term>b{l} ({n[l]})</term><description>{c.BiasOffset[l]}, {n[l]}</description></item>");
        }

        w.Line("/// </list>");
        w.Line("/// </remarks>");
        w.Member($"public global::System.Span<{t}> {Names.Parameters} => {(c.InlineParameters ? $"((global::System.Span<{t}>){Names.ParameterStorage}).Slice(0, ParameterCount)" : Names.ParameterStorage + ".Span")};");

        for (int l = 1; l <= c.L; l++)
        {
            w.Line();
            w.Line($"/// <summary>W[{l}], shape ({n[l - 1]}, {n[l]}) row-major: element (j, k) weighs input j of unit k.</summary>");
            w.Member($"public global::System.Span<{t}> {Names.WeightView(l)} => {c.ParameterSpan}.Slice({Literals.Int(c.WeightOffset[l])}, {Literals.Int(n[l - 1] * n[l])});");
            w.Line();
            w.Line($"/// <summary>b[{l}], the biases of layer {l} (n_{l} = {n[l]} values), broadcast over the rows of Z[{l}].</summary>");
            w.Member($"public global::System.Span<{t}> {Names.BiasView(l)} => {c.ParameterSpan}.Slice({Literals.Int(c.BiasOffset[l])}, {Literals.Int(n[l])});");
        }

        w.Line();
        w.Line("/// <summary>One example's n_0 input features, as a fixed-size value: it cannot have the wrong length.</summary>");
        // partial: the composition file adds implicit conversions from other networks' Output of the same size.
        w.Line("[global::System.Runtime.CompilerServices.InlineArray(InputSize)]");
        using (w.MemberBlock("public partial struct " + Names.Input))
        {
            w.Line($"private {t} _element0;");
        }

        w.Line();
        w.Line("/// <summary>One example's n_L outputs, as a fixed-size value.</summary>");
        w.Line("[global::System.Runtime.CompilerServices.InlineArray(OutputSize)]");
        using (w.MemberBlock("public partial struct " + Names.Output))
        {
            w.Line($"private {t} _element0;");
        }
    }
}
