using Backprop.Generated.Generator.Model;
using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes the named offsets of every W[l] and b[l] in <c>Parameters</c> and one shape struct per layer
/// (<c>Layer{l}Shape</c>), through which the runtime's kernels see n_{l-1}, n_l and the offsets as JIT-time constants.
/// </summary>
internal static class LayerShapeEmitter
{
    public static void Emit(SourceWriter w, EmitContext c)
    {
        for (int l = 1; l <= c.L; l++)
        {
            w.Line($"/// <summary>Where W{l} ({c.Sizes[l - 1]}x{c.Sizes[l]}, row-major) starts in <see cref=\"Parameters\"/>.</summary>");
            w.Member($"private const int {WeightOffset(l)} = {Literals.Int(c.WeightOffset[l])};");
            w.Line();
            w.Line($"/// <summary>Where b{l} ({c.Sizes[l]} values) starts in <see cref=\"Parameters\"/>.</summary>");
            w.Member($"private const int {BiasOffset(l)} = {Literals.Int(c.BiasOffset[l])};");
            w.Line();
        }

        w.Line("/// <summary>The examples that the batch kernels process together, feature-major (\"lanes\").</summary>");
        w.Member($"private const int {Names.BlockRows} = {EmitContext.Compute}.Dense.BlockRows;");
        w.Line();
        w.Line("/// <summary>The distance between two units' rows of a block in lanes (BlockRows plus padding that spreads rows over the L1 cache sets).</summary>");
        w.Member($"private const int {Names.LaneStride} = {EmitContext.Compute}.Dense.LaneStride;");

        for (int l = 1; l <= c.L; l++)
        {
            w.Line();
            w.Line($"/// <summary>Layer {l}'s shape for the kernels: {c.Shape(l)}; {Strategies.Describe(c, l)}.</summary>");
            using (w.MemberBlock($"private readonly struct {ShapeName(l)} : {EmitContext.Compute}.IDenseLayer"))
            {
                w.Line($"public static int Inputs => {Literals.Int(c.Sizes[l - 1])};");
                w.Line();
                w.Line($"public static int Units => {Literals.Int(c.Sizes[l])};");
                w.Line();
                w.Line($"public static int WeightOffset => {WeightOffset(l)};");
                w.Line();
                w.Line($"public static int BiasOffset => {BiasOffset(l)};");
            }
        }
    }

    public static string WeightOffset(int l) => Names.WeightOffset(l);

    public static string BiasOffset(int l) => Names.BiasOffset(l);

    public static string ShapeName(int l) => Names.LayerShape(l);
}
