using System;
using System.Linq;
using Backprop.Generated.Compute;
using Backprop.Generated.Generator.Model;
using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Batches and training of a tiny single-precision network written into the network's own type: for each register of a
/// block's examples (the lanes the runtime's kernels use, filled by <c>Dense.ToLanes</c>), the whole network as
/// straight-line code, every unit of every layer one register, W[l] and b[l] broadcast to all lanes once per block. For
/// training also dZ[l] and the gradient sums stay in registers, lane by lane, and are added across the lanes once per
/// block. One method per register width (512, 256 and 128 bits) with the BCL's vector operations and the non-generic
/// <c>Compute.RegisterMath</c> helpers: nothing in them is instantiated per layer shape, so a first call compiles one
/// method instead of a kernel per layer and per operation (docs/performance.md, "Time to the first result"). Without
/// SIMD the runtime's kernels run, as for every other network.
/// </summary>
internal static class RegisterBlockWriter
{
    /// <summary>The most units of any layer: each unit of each layer is a register, live across the whole pass.</summary>
    public const int MaxUnits = 8;

    /// <summary>
    /// The most parameters: training keeps one accumulator register per weight and bias, which spill to the stack when
    /// there are many. Measured (first <c>TrainStep</c> of 32 rows / steady one, pinned, AVX2): 2-8-3 (51 parameters)
    /// 33-36 ms / 1.68-1.79 us as a register block against 74 ms / 1.70-1.75 us with the kernels, 8-6-1 (61) 34-35 ms /
    /// 1.47-1.63 us against 91 ms / 1.61 us; but 4-8-3 (67) 34 ms / 2.76 us against 74 ms / 1.76 us.
    /// </summary>
    public const int MaxParameters = 64;

    private static readonly int[] Widths = { 512, 256, 128 };

    private const string Math = EmitContext.Compute + ".RegisterMath";
    private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
    private const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
    private const string MethodImpl = "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining | global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

    /// <summary>
    /// Whether a network's batches and training run as register blocks: single precision (the helpers' polynomials are
    /// single-precision), no dropout (its masks are drawn per example and unit by the kernels' path), at most
    /// <see cref="MaxUnits"/> units in every layer and <see cref="MaxParameters"/> parameters, softmax only as the output
    /// with the cross-entropy (whose fused dZ it needs) and the cross-entropy only after a softmax.
    /// </summary>
    public static bool Applies(EmitContext c) =>
        c.Model.Precision == PrecisionKind.Single
        && !c.Model.HasDropout
        && c.ParameterCount <= MaxParameters
        && Enumerable.Range(1, c.L).All(l => c.Sizes[l] <= MaxUnits)
        && Enumerable.Range(1, c.L - 1).All(l => c.Activation(l) != ActivationKind.Softmax)
        && (c.Activation(c.L) == ActivationKind.Softmax) == (c.Model.Loss == LossKind.CrossEntropy);

    /// <summary>The batch strategy's text, e.g. for the XML docs and docs/performance.md.</summary>
    public const string Description = "batches: the whole network on each register of examples, straight-line code written for 512-, 256- and 128-bit registers";

    /// <summary>
    /// Writes <c>if (Vector512.IsHardwareAccelerated) call(512); else if ... 256 ... 128; else fallback</c>: the checks are
    /// constants to the JIT, so one branch remains.
    /// </summary>
    public static void WriteDispatch(SourceWriter w, Func<int, string> call, Action fallback)
    {
        string keyword = "if";
        foreach (int width in Widths)
        {
            using (w.Block($"{keyword} ({Vector(width)}.IsHardwareAccelerated)"))
            {
                w.Line(call(width));
            }

            keyword = "else if";
        }

        using (w.Block("else"))
        {
            fallback();
        }
    }

    /// <summary>Writes <c>ForwardBlockInRegisters512/256/128</c>: A[L] of one block in lanes from A[0] in lanes.</summary>
    public static void WriteForwardMethods(SourceWriter w, EmitContext c)
    {
        foreach (int width in Widths)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// A[L] of one block (in lanes) from A[0] (in lanes), {Literals.Int(width / 32)} examples per {Literals.Int(width)}-bit register:");
            w.Line("/// every unit of every layer one register, straight-line code. The lanes past <paramref name=\"rows\"/> are");
            w.Line("/// computed and not read.");
            w.Line("/// </summary>");
            w.Line(MethodImpl);
            using (w.MemberBlock($"private static void {Names.ForwardBlockInRegisters(width)}(global::System.ReadOnlySpan<float> theta, global::System.ReadOnlySpan<float> a0, global::System.Span<float> output, int rows)"))
            {
                string v = Vector(width);
                WriteParameters(w, c, width);
                w.Line($"ref float x = ref {MemoryMarshal}.GetReference(a0);");
                w.Line($"ref float o = ref {MemoryMarshal}.GetReference(output);");
                using (w.Block($"for (nuint i = 0; i < (nuint)rows; i += {Literals.Int(width / 32)})"))
                {
                    WriteInputs(w, c, width);
                    for (int l = 1; l <= c.L; l++)
                    {
                        WriteLayer(w, c, l, width, masked: false);
                    }

                    w.Line();
                    w.Line($"// The block's A{c.L}, unit k at k * LaneStride");
                    for (int k = 0; k < c.Sizes[c.L]; k++)
                    {
                        w.Line($"{v}.StoreUnsafe(a{c.L}_{k}, ref o, i{LaneOffset(k)});");
                    }
                }

                WriteBroadcast(w, width);
            }
        }
    }

    /// <summary>
    /// Writes <c>GradientBlockInRegisters512/256/128</c>: the block's summed loss and unscaled gradient sums, into the
    /// chunk's sums in the layout of the kernels' path (rows of dW[l] padded to GradientStride(n_l), then db[l]).
    /// </summary>
    public static void WriteGradientMethods(SourceWriter w, EmitContext c)
    {
        int[] sumsOffset = SumsOffsets(c);
        foreach (int width in Widths)
        {
            string v = Vector(width);
            string vf = $"{v}<float>";
            int lanes = width / 32;
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// The summed loss of one block and its unscaled gradient sums, {Literals.Int(lanes)} examples per {Literals.Int(width)}-bit");
            w.Line("/// register: the forward pass, dZ[L] from the loss, then dW[l] += A[l-1]^T dZ[l], db[l] += dZ[l] and");
            w.Line("/// dZ[l-1] = (dZ[l] W[l]^T) * g'(Z[l-1]), lane by lane in registers. The lanes past <paramref name=\"rows\"/>");
            w.Line("/// are zeroed (A[l] and dZ[l]), so they add nothing. The lanes' sums are added once, at the end, into");
            w.Line("/// <paramref name=\"sums\"/> (stored by the chunk's first block, added by the others).");
            w.Line("/// </summary>");
            w.Line(MethodImpl);
            using (w.MemberBlock($"private static float {Names.GradientBlockInRegisters(width)}(global::System.ReadOnlySpan<float> theta, global::System.ReadOnlySpan<float> a0, global::System.ReadOnlySpan<float> y, global::System.Span<float> sums, int rows, bool firstBlock)"))
            {
                WriteParameters(w, c, width);
                w.Line($"ref float x = ref {MemoryMarshal}.GetReference(a0);");
                w.Line($"ref float t = ref {MemoryMarshal}.GetReference(y);");
                w.Line($"{vf} one = {v}.Create(1f);");
                w.Line("// The index in the block of each lane's example, and the block's examples");
                w.Line($"{vf} example = {v}.Create({string.Join(", ", Enumerable.Range(0, lanes).Select(i => Literals.Real(i, PrecisionKind.Single)))});");
                w.Line($"{vf} examples = {v}.Create((float)rows);");
                w.Line();
                w.Line("// The gradient sums, lane by lane: dW[l]_jk, db[l]_k of every layer; and the examples' losses");
                for (int l = 1; l <= c.L; l++)
                {
                    w.Line($"{vf} {string.Join(", ", Enumerable.Range(0, c.Sizes[l - 1]).SelectMany(j => Enumerable.Range(0, c.Sizes[l]).Select(k => $"gw{l}_{j}_{k} = default")))};");
                    w.Line($"{vf} {string.Join(", ", Enumerable.Range(0, c.Sizes[l]).Select(k => $"gb{l}_{k} = default"))};");
                }

                w.Line($"{vf} loss = default;");
                using (w.Block($"for (nuint i = 0; i < (nuint)rows; i += {Literals.Int(lanes)})"))
                {
                    w.Line("// valid: all bits set in the lanes of the block's examples, 0 in the padding past them");
                    w.Line($"{vf} valid = {v}.LessThan(example, examples);");
                    w.Line($"example += {v}.Create({Literals.Real(lanes, PrecisionKind.Single)});");
                    WriteInputs(w, c, width);
                    for (int l = 1; l <= c.L; l++)
                    {
                        WriteLayer(w, c, l, width, masked: true);
                    }

                    w.Line();
                    WriteLoss(w, c, width);
                    for (int l = c.L; l >= 1; l--)
                    {
                        w.Line();
                        w.Line($"// db{l} += dZ{l}; dW{l} += A{l - 1}^T dZ{l} ({c.Sizes[l - 1]}x{c.Sizes[l]}), lane by lane");
                        for (int k = 0; k < c.Sizes[l]; k++)
                        {
                            w.Line($"gb{l}_{k} += dz{l}_{k};");
                        }

                        for (int j = 0; j < c.Sizes[l - 1]; j++)
                        {
                            for (int k = 0; k < c.Sizes[l]; k++)
                            {
                                w.Line($"gw{l}_{j}_{k} = {Math}.MultiplyAdd(a{l - 1}_{j}, dz{l}_{k}, gw{l}_{j}_{k});");
                            }
                        }

                        if (l > 1)
                        {
                            ActivationKind g = c.Activation(l - 1);
                            w.Line($"// dA{l - 1} = dZ{l} W{l}^T; dZ{l - 1} = dA{l - 1} * {EmitContext.FormulaName(g)}'(Z{l - 1}), zero in the padding lanes");
                            for (int j = 0; j < c.Sizes[l - 1]; j++)
                            {
                                w.Line($"{vf} da{l - 1}_{j} = dz{l}_0 * w{l}_{j}_0;");
                                for (int k = 1; k < c.Sizes[l]; k++)
                                {
                                    w.Line($"da{l - 1}_{j} = {Math}.MultiplyAdd(dz{l}_{k}, w{l}_{j}_{k}, da{l - 1}_{j});");
                                }

                                string derivative = Derivative(g, width, $"z{l - 1}_{j}", $"a{l - 1}_{j}");
                                string product = derivative.Length == 0 ? $"da{l - 1}_{j}" : $"da{l - 1}_{j} * {derivative}";
                                w.Line($"{vf} dz{l - 1}_{j} = ({product}) & valid;");
                            }
                        }
                    }
                }

                w.Line();
                w.Line("// The lanes' sums into the chunk's sums: layer l's dW row j at j * GradientStride(n_l), db after the rows");
                w.Line($"ref float s = ref {MemoryMarshal}.GetReference(sums);");
                for (int l = 1; l <= c.L; l++)
                {
                    int stride = DenseRules.GradientStride(c.Sizes[l]);
                    for (int j = 0; j <= c.Sizes[l - 1]; j++)
                    {
                        for (int k = 0; k < c.Sizes[l]; k++)
                        {
                            string sum = j < c.Sizes[l - 1] ? $"gw{l}_{j}_{k}" : $"gb{l}_{k}";
                            w.Line($"Put(ref s, {Literals.Int(sumsOffset[l] + (j * stride) + k)}, {v}.Sum({sum}), firstBlock);");
                        }
                    }
                }

                w.Line(c.Model.Loss == LossKind.MeanSquaredError ? $"return 0.5f * {v}.Sum(loss);" : $"return {v}.Sum(loss);");
                w.Line();
                w.Line("// sums[index] = value in the chunk's first block, sums[index] + value in the others");
                using (w.Block("static void Put(ref float sums, int index, float value, bool first)"))
                {
                    w.Line($"ref float sum = ref {Unsafe}.Add(ref sums, index);");
                    w.Line("sum = first ? value : sum + value;");
                }

                WriteBroadcast(w, width);
            }
        }
    }

    /// <summary>Where each layer's gradient sums start in a chunk's sums: (n_{l-1} + 1) rows of GradientStride(n_l) per layer.</summary>
    private static int[] SumsOffsets(EmitContext c)
    {
        var offsets = new int[c.L + 1];
        int offset = 0;
        for (int l = 1; l <= c.L; l++)
        {
            offsets[l] = offset;
            offset += (c.Sizes[l - 1] + 1) * DenseRules.GradientStride(c.Sizes[l]);
        }

        return offsets;
    }

    private static string Vector(int width) => $"global::System.Runtime.Intrinsics.Vector{Literals.Int(width)}";

    /// <summary>", 2 * LaneStride" for unit k of a block in lanes (nothing for unit 0).</summary>
    private static string LaneOffset(int k) => k == 0 ? string.Empty : k == 1 ? " + LaneStride" : $" + {Literals.Int(k)} * LaneStride";

    /// <summary>W[l] and b[l] broadcast to every lane, once per block: <c>w{l}_{j}_{k}</c>, <c>b{l}_{k}</c>.</summary>
    private static void WriteParameters(SourceWriter w, EmitContext c, int width)
    {
        string v = Vector(width);
        string vf = $"{v}<float>";
        w.Line($"ref float p = ref {MemoryMarshal}.GetReference(theta);");
        w.Line("// W[l] and b[l], every value broadcast to all lanes");
        for (int l = 1; l <= c.L; l++)
        {
            int n = c.Sizes[l];
            for (int j = 0; j < c.Sizes[l - 1]; j++)
            {
                for (int k = 0; k < n; k++)
                {
                    w.Line($"{vf} w{l}_{j}_{k} = Broadcast(ref p, {Offset(Names.WeightOffset(l), (j * n) + k)});");
                }
            }

            for (int k = 0; k < n; k++)
            {
                w.Line($"{vf} b{l}_{k} = Broadcast(ref p, {Offset(Names.BiasOffset(l), k)});");
            }
        }
    }

    /// <summary>The local function the parameters are read with: every lane parameters[offset].</summary>
    private static void WriteBroadcast(SourceWriter w, int width)
    {
        string v = Vector(width);
        w.Line();
        w.Line("// Every lane parameters[offset]");
        w.Line($"static {v}<float> Broadcast(ref float parameters, int offset) => {v}.Create({Unsafe}.Add(ref parameters, offset));");
    }

    /// <summary>A[0] of one register of examples: feature j at j * LaneStride + i.</summary>
    private static void WriteInputs(SourceWriter w, EmitContext c, int width)
    {
        string v = Vector(width);
        w.Line($"// A0 = the features of {Literals.Int(width / 32)} examples, feature j at j * LaneStride");
        for (int j = 0; j < c.Sizes[0]; j++)
        {
            w.Line($"{v}<float> a0_{j} = {v}.LoadUnsafe(ref x, i{LaneOffset(j)});");
        }
    }

    /// <summary>Z[l] = A[l-1] W[l] + b[l] and A[l] = g(Z[l]), one register per unit; masked: A[l] zeroed in the padding lanes.</summary>
    private static void WriteLayer(SourceWriter w, EmitContext c, int l, int width, bool masked)
    {
        string v = Vector(width);
        string vf = $"{v}<float>";
        ActivationKind g = c.Activation(l);
        int n = c.Sizes[l];
        w.Line();
        w.Line($"// Layer {l}: Z{l} = A{l - 1} W{l} + b{l}, {c.Shape(l)}; A{l} = {EmitContext.FormulaName(g)}(Z{l}){(masked ? ", zero in the padding lanes" : string.Empty)}");
        for (int k = 0; k < n; k++)
        {
            w.Line($"{vf} z{l}_{k} = b{l}_{k};");
            for (int j = 0; j < c.Sizes[l - 1]; j++)
            {
                w.Line($"z{l}_{k} = {Math}.MultiplyAdd(a{l - 1}_{j}, w{l}_{j}_{k}, z{l}_{k});");
            }
        }

        string mask = masked ? " & valid" : string.Empty;
        if (g == ActivationKind.Softmax)
        {
            w.Line($"// softmax over the {Literals.Int(n)} units: e^(z_k - max z) / sum_k e^(z_k - max z)");
            w.Line($"{vf} max{l} = z{l}_0;");
            for (int k = 1; k < n; k++)
            {
                w.Line($"max{l} = {v}.Max(max{l}, z{l}_{k});");
            }

            for (int k = 0; k < n; k++)
            {
                w.Line($"{vf} e{l}_{k} = {Math}.ExpOfDifference(z{l}_{k}, max{l});");
            }

            w.Line($"{vf} inverse{l} = {v}.Create(1f) / ({string.Join(" + ", Enumerable.Range(0, n).Select(k => $"e{l}_{k}"))});");
            for (int k = 0; k < n; k++)
            {
                w.Line($"{vf} a{l}_{k} = (e{l}_{k} * inverse{l}){mask};");
            }

            return;
        }

        for (int k = 0; k < n; k++)
        {
            string value = g == ActivationKind.Identity ? $"z{l}_{k}" : $"{Math}.{g}(z{l}_{k})";
            w.Line(masked ? $"{vf} a{l}_{k} = {value} & valid;" : $"{vf} a{l}_{k} = {value};");
        }
    }

    /// <summary>The loss of each example of the register (added to <c>loss</c>) and dZ[L], both zero in the padding lanes.</summary>
    private static void WriteLoss(SourceWriter w, EmitContext c, int width)
    {
        string v = Vector(width);
        string vf = $"{v}<float>";
        int L = c.L;
        int n = c.Sizes[L];
        ActivationKind g = c.Activation(L);
        w.Line($"// Y = the targets of the register's examples, unit k at k * LaneStride");
        for (int k = 0; k < n; k++)
        {
            w.Line($"{vf} y{k} = {v}.LoadUnsafe(ref t, i{LaneOffset(k)});");
        }

        switch (c.Model.Loss)
        {
            case LossKind.BinaryCrossEntropy:
                w.Line($"// L_i = sum_j [max(Z{L}_j, 0) - Y_j Z{L}_j + log(1 + e^-|Z{L}_j|)] (binary cross-entropy from the logits); dZ{L} = A{L} - Y (sigmoid + binary cross-entropy, fused)");
                for (int k = 0; k < n; k++)
                {
                    string z = $"z{L}_{k}";
                    w.Line($"{vf} positive{k} = {v}.ConditionalSelect({v}.GreaterThan({vf}.Zero, {z}), {vf}.Zero, {z});");
                    w.Line($"{vf} negativeAbs{k} = {vf}.Zero - {v}.Abs({z});");
                    w.Line($"{vf} log1pExp{k} = {Math}.Log1P({Math}.Exp(negativeAbs{k}));");
                    w.Line($"loss += (positive{k} - (y{k} * {z}) + log1pExp{k}) & valid;");
                    w.Line($"{vf} dz{L}_{k} = (a{L}_{k} - y{k}) & valid;");
                }

                return;

            case LossKind.CrossEntropy:
                w.Line($"// L_i = -sum_j Y_j log A{L}_j = sum_j Y_j ((max - Z{L}_j) + log1p(rest)), rest = the other units' A / the first maximal unit's A");
                w.Line("// (Dense.CrossEntropyDelta's form: no log of a rounded probability); dZ = A sum_j Y_j - Y (softmax + cross-entropy, fused)");
                w.Line($"{vf} aMax = default, others = default, found = default;");
                for (int k = 0; k < n; k++)
                {
                    w.Line($"{vf} pick{k} = {v}.ConditionalSelect({v}.Equals(z{L}_{k}, max{L}), one - found, {vf}.Zero);");
                    w.Line($"aMax = {v}.ConditionalSelect({v}.Equals(pick{k}, one), a{L}_{k}, aMax);");
                    w.Line($"others += {v}.ConditionalSelect({v}.Equals(pick{k}, one), {vf}.Zero, a{L}_{k});");
                    w.Line($"found += pick{k};");
                }

                w.Line($"{vf} log1pRest = {Math}.Log1P(others / aMax);");
                w.Line($"{vf} targetSum = {string.Join(" + ", Enumerable.Range(0, n).Select(k => $"y{k}"))};");
                w.Line($"{vf} lossOfExample = {vf}.Zero;");
                for (int k = 0; k < n; k++)
                {
                    w.Line($"lossOfExample = {Math}.MultiplyAdd(y{k}, (max{L} - z{L}_{k}) + log1pRest, lossOfExample);");
                }

                w.Line("loss += lossOfExample & valid;");
                for (int k = 0; k < n; k++)
                {
                    w.Line($"{vf} dz{L}_{k} = (a{L}_{k} * targetSum - y{k}) & valid;");
                }

                return;

            default:
                w.Line($"// L_i = 1/2 sum_j (A{L}_j - Y_j)^2 (the 1/2 applied to the block's sum); dA{L} = A{L} - Y; dZ{L} = dA{L} * {EmitContext.FormulaName(g)}'(Z{L})");
                for (int k = 0; k < n; k++)
                {
                    w.Line($"{vf} da{L}_{k} = a{L}_{k} - y{k};");
                    w.Line($"loss += (da{L}_{k} * da{L}_{k}) & valid;");
                    string derivative = Derivative(g, width, $"z{L}_{k}", $"a{L}_{k}");
                    w.Line($"{vf} dz{L}_{k} = ({(derivative.Length == 0 ? $"da{L}_{k}" : $"da{L}_{k} * {derivative}")}) & valid;");
                }

                return;
        }
    }

    /// <summary>g'(z) as an expression of the register <paramref name="z"/> and A = g(z) in <paramref name="a"/>; empty for the identity.</summary>
    private static string Derivative(ActivationKind g, int width, string z, string a) => g switch
    {
        ActivationKind.Identity => string.Empty,
        ActivationKind.Sigmoid => $"({a} * (one - {a}))",
        ActivationKind.Tanh => $"(one - {a} * {a})",
        ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.SiLU or ActivationKind.Softplus => $"{Math}.{g}Derivative({z})",
        ActivationKind.ELU => $"{Math}.ELUDerivative({z}, {a})",
        _ => $"{EmitContext.Compute}.Activations.{g}.Derivative<{EmitContext.Compute}.Lanes{Literals.Int(width)}Single, {Vector(width)}<float>, float>({z}, {a})",
    };

    /// <summary>"W1Offset + 5", or "W1Offset" for 0.</summary>
    private static string Offset(string name, int index) => index == 0 ? name : $"{name} + {Literals.Int(index)}";
}
