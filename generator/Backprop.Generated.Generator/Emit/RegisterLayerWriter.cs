using System.Linq;
using Backprop.Generated.Generator.Model;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// The one-example code of a <see cref="LayerStrategy.RegisterLanes"/> layer written into the network's own type, for
/// one register width: the layer's units held in <c>Vector128/256/512&lt;float&gt;</c> registers for the whole sum,
/// W[l] read from the parameter block at constant offsets, g applied once per register with the non-generic
/// Compute.RegisterMath helpers. Nothing in it is instantiated per layer shape, so the JIT compiles it without the
/// runtime's generic kernels (docs/performance.md, "Time to the first result").
/// </summary>
internal static class RegisterLayerWriter
{
    /// <summary>
    /// Whether a network's one-example <c>Forward</c> is written as register code: single precision (the polynomials of
    /// Compute.RegisterMath are single-precision), every layer straight-line or register-held, and at least one
    /// register-held layer.
    /// </summary>
    public static bool Applies(EmitContext c) =>
        c.Model.Precision == PrecisionKind.Single
        && c.Plan.All(s => s != LayerStrategy.UnitLanes)
        && c.Plan.Any(s => s == LayerStrategy.RegisterLanes);

    /// <summary>The widest register any layer uses (DenseRules.RegisterLanesWidth of its bytes of units), in bits.</summary>
    public static int WidestRegister(EmitContext c) =>
        Enumerable.Range(1, c.L)
            .Where(l => c.Strategy(l) == LayerStrategy.RegisterLanes)
            .Max(l => global::Backprop.Generated.Compute.DenseRules.RegisterLanesWidth(c.Sizes[l] * 4));

    /// <summary>Layer l's register width in a method for <paramref name="width"/>-bit registers: its own width, at most that.</summary>
    public static int LayerWidth(EmitContext c, int l, int width) =>
        System.Math.Min(width, global::Backprop.Generated.Compute.DenseRules.RegisterLanesWidth(c.Sizes[l] * 4));

    /// <summary>Registers of layer l at <paramref name="layerWidth"/> bits (the last one possibly partly filled).</summary>
    public static int Registers(EmitContext c, int l, int layerWidth) => (c.Sizes[l] + (layerWidth / 32) - 1) / (layerWidth / 32);

    /// <summary>
    /// The independent chains each register's sum runs in (rows j mod chains), as Compute.RegisterLanes: four for one or
    /// two registers, two for three or four, one above (two would need more accumulators than x64 has registers).
    /// </summary>
    public static int Chains(int registers) => registers <= 2 ? 4 : registers <= 4 ? 2 : 1;

    /// <summary>
    /// Writes layer l for <paramref name="width"/>-bit registers: a stack buffer <c>a{l}</c> of whole registers
    /// (<see cref="ForwardEmitter.RegisterBufferLength"/> elements, read by the next layer), the sums, g; the output layer
    /// is then written to <c>output</c>.
    /// </summary>
    public static void Write(SourceWriter w, EmitContext c, int l, int width)
    {
        int layerWidth = LayerWidth(c, l, width);
        int perRegister = layerWidth / 32;
        int registers = Registers(c, l, layerWidth);
        int chains = Chains(registers);
        int n = c.Sizes[l];
        int inputs = c.Sizes[l - 1];
        string v = $"global::System.Runtime.Intrinsics.Vector{layerWidth}";
        string vf = $"{v}<float>";
        string math = $"{EmitContext.Compute}.RegisterMath";
        string u = "global::System.Runtime.CompilerServices.Unsafe";
        string chainText = chains == 1 ? "one chain of rows" : $"rows in {Literals.Int(chains)} chains";
        w.Line($"// Layer {l}: Z{l} = A{l - 1} W{l} + b{l}, {c.Shape(l)}; A{l} = {EmitContext.FormulaName(c.Activation(l))}(Z{l}) "
            + $"({Literals.Int(registers)} register{(registers == 1 ? string.Empty : "s")} of {Literals.Int(layerWidth)} bits, {chainText})");
        w.Line($"global::System.Span<float> a{l} = {ForwardEmitter.AlignedRegisterBuffer(c, l)};");
        using (w.Block(string.Empty))
        {
            w.Line($"ref float x = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(a{l - 1});");
            w.Line($"ref float y = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(a{l});");
            w.Line($"ref float w = ref {u}.Add(ref p, W{l}Offset);");
            w.Line($"// b{l} starts chain 0 of each register; the other chains start at 0");
            for (int r = 0; r < registers; r++)
            {
                string bias = r == 0 ? $"b{l}Offset" : $"b{l}Offset + {Literals.Int(r * perRegister)}";
                w.Line($"{vf} s{r}_0 = {v}.LoadUnsafe(ref p, (nuint)({bias}));");
            }

            for (int k = 1; k < chains; k++)
            {
                w.Line($"{vf} {string.Join(", ", Enumerable.Range(0, registers).Select(r => $"s{r}_{k} = default"))};");
            }

            int looped = inputs - (inputs % chains);
            if (looped > 0)
            {
                // One pass of the chains is written out; more are a loop.
                // The loop steps two references (row j of W and x_j) instead of indexing: no index arithmetic per row.
                bool loop = looped > chains;
                w.Line($"// Z{l} += x_j W{l}[j, :], row j into chain j mod {Literals.Int(chains)}");
                w.Line("ref float row = ref w;");
                w.Line("ref float xj = ref x;");
                using (w.Block(loop ? $"for (int j = 0; j < {Literals.Int(looped)}; j += {Literals.Int(chains)})" : string.Empty))
                {
                    for (int k = 0; k < chains; k++)
                    {
                        w.Line($"{vf} x{k} = {v}.Create(xj);");
                        if (loop || k < chains - 1)
                        {
                            w.Line($"xj = ref {u}.Add(ref xj, 1);");
                        }
                    }

                    for (int k = 0; k < chains; k++)
                    {
                        for (int r = 0; r < registers; r++)
                        {
                            w.Line($"s{r}_{k} = {math}.MultiplyAdd(x{k}, {Load(v, "row", (k * n) + (r * perRegister))}, s{r}_{k});");
                        }
                    }

                    if (loop)
                    {
                        w.Line($"row = ref {u}.Add(ref row, {Literals.Int(chains * n)});");
                    }
                }
            }

            for (int j = looped; j < inputs; j++)
            {
                w.Line($"// the last row{(inputs - looped == 1 ? string.Empty : "s")}, into chain 0: row {Literals.Int(j)}");
                w.Line($"{vf} x{j} = {v}.Create({u}.Add(ref x, {Literals.Int(j)}));");
                for (int r = 0; r < registers; r++)
                {
                    w.Line($"s{r}_0 = {math}.MultiplyAdd(x{j}, {Load(v, "w", (j * n) + (r * perRegister))}, s{r}_0);");
                }
            }

            string combine = chains == 4 ? "(s{0}_0 + s{0}_1) + (s{0}_2 + s{0}_3)" : chains == 2 ? "s{0}_0 + s{0}_1" : "s{0}_0";
            ActivationKind g = c.Activation(l);
            // g applied to the sums as they are stored: ReLU always (it has no constants), any other element-wise g in a
            // layer of InlineActivationRegisters registers.
            bool inline = g == ActivationKind.ReLU
                || (registers <= InlineActivationRegisters && g != ActivationKind.Softmax && g != ActivationKind.Identity);
            w.Line(inline ? $"// Z{l} summed over the chains; A{l} = {EmitContext.FormulaName(g)}(Z{l}) as each register is stored" : $"// Z{l} summed over the chains");
            for (int r = 0; r < registers; r++)
            {
                string sum = string.Format(System.Globalization.CultureInfo.InvariantCulture, combine, r);
                string value = inline ? $"{math}.{g}({sum})" : sum;
                w.Line($"{v}.StoreUnsafe({value}, ref y{(r == 0 ? string.Empty : $", {Literals.Int(r * perRegister)}")});");
            }

            // g through one call per layer to a runtime helper that loops over the stored registers: its polynomial is
            // compiled once per process, not into every network, and its constants do not crowd the registers here.
            string bits = Literals.Int(layerWidth);
            if (g == ActivationKind.Softmax)
            {
                w.Line($"// A{l} = softmax(Z{l}): e^(z_k - max z) / sum_k e^(z_k - max z) over the {Literals.Int(n)} units");
                w.Line($"{math}.SoftmaxInPlace{bits}(ref y, {Literals.Int(n)});");
            }
            else if (g != ActivationKind.Identity && !inline)
            {
                w.Line($"// A{l} = {EmitContext.FormulaName(g)}(Z{l}), register by register");
                w.Line($"{math}.{g}InPlace{bits}(ref y, {Literals.Int(registers)});");
            }
        }

        if (l == c.L)
        {
            w.Line($"a{l}.Slice(0, OutputSize).CopyTo(output);");
        }
    }

    /// <summary>
    /// A layer of this many registers applies g to its sum before storing it, inlined; wider layers store the sums and
    /// call the runtime's <c>RegisterMath.{g}InPlace{bits}</c>. One register: W2's 16-unit layers in 512-bit registers
    /// took 22-24 ns per <c>Forward</c> inlined against 34 ns with the calls (the store, the call and the reload sit on
    /// the layer's latency chain). Two: W2 in 256-bit registers took 36-38 ns inlined against 34-36 ns with the calls
    /// (the two inlined polynomials' constants, hoisted and shared by the JIT, spilled: 77 stack accesses).
    /// </summary>
    public const int InlineActivationRegisters = 1;

    /// <summary><c>Vector256.LoadUnsafe(ref row)</c>, or with a constant element offset.</summary>
    private static string Load(string v, string from, int offset) =>
        offset == 0 ? $"{v}.LoadUnsafe(ref {from})" : $"{v}.LoadUnsafe(ref {from}, {Literals.Int(offset)})";
}
