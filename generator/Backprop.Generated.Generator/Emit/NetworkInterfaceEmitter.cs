using System.Linq;
using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes the members that make the type a <c>global::Backprop.Generated.INetwork&lt;T&gt;</c> (<c>LayerSizes</c> and the
/// explicit implementations of the interface's sizes), and names the interfaces the type implements, for
/// <see cref="NetworkEmitter"/> and <see cref="SerializationEmitter"/>.
/// </summary>
internal static class NetworkInterfaceEmitter
{
    /// <summary>The interface the generated type implements, e.g. <c>global::Backprop.Generated.INetwork&lt;float&gt;</c>.</summary>
    public static string Interface(EmitContext c) => $"{EmitContext.Runtime}.INetwork<{c.T}>";

    /// <summary>The generated type's interfaces: <see cref="Interface"/>, and <c>IDropoutNetwork</c> when a layer drops units.</summary>
    public static string BaseList(EmitContext c) => c.Model.HasDropout
        ? $"{Interface(c)}, {EmitContext.Runtime}.IDropoutNetwork"
        : Interface(c);

    public static void Emit(SourceWriter w, EmitContext c)
    {
        string network = Interface(c);

        w.Line("/// <summary>n_0, n_1, ..., n_L. (Static data in an optimised build; an unoptimised (Debug) build of the declaring project allocates the array on each read.)</summary>");
        w.Member($"public static global::System.ReadOnlySpan<int> {Names.LayerSizes} => new int[] {{ " + string.Join(", ", c.Sizes.Select(Literals.Int)) + " };");
        w.Line();
        w.Member($"int {network}.InputSize => InputSize;");
        w.Line();
        w.Member($"int {network}.OutputSize => OutputSize;");
        w.Line();
        w.Member($"int {network}.LayerCount => LayerCount;");
        w.Line();
        w.Member($"int {network}.ParameterCount => ParameterCount;");
        w.Line();
        w.Member($"global::System.ReadOnlySpan<int> {network}.LayerSizes => LayerSizes;");
    }
}
