using System.Linq;
using Backprop.Generated.Compute;
using Backprop.Generated.Generator.Model;
using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes <c>ComputeGradients</c>: the cost J = (1/m) sum_i L_i of a batch and dJ/dtheta in the layout of
/// <c>Parameters</c>, computed block by block of <c>BlockRows</c> examples held in SIMD lanes. Per block: the forward
/// pass keeping Z[l] and A[l]; dZ[L] from the loss; then for l = L..1 the batched products dW[l] += A[l-1]^T dZ[l],
/// db[l] += column sums of dZ[l] and dZ[l-1] = (dZ[l] W[l]^T) * g'(Z[l-1]), each a register-blocked runtime kernel
/// specialised for the layer's shape. The sums are scaled by 1/m once, at the end. With dropout, also the
/// <c>DropoutRandom</c> stream the masks are drawn from.
/// </summary>
internal static class ComputeGradientsEmitter
{
    public static void Emit(SourceWriter w, EmitContext c)
    {
        var layout = new TrainingLayout(c);
        string t = c.T;
        string rt = EmitContext.Internals; // ShapeGuard, TrainingGuard
        string dense = EmitContext.Compute + ".Dense";
        string spanT = $"global::System.ReadOnlySpan{{{t}}}";

        if (c.Model.HasDropout)
        {
            EmitDropoutMembers(w, c);
        }

        w.Line("/// <summary>");
        w.Line("/// Length of one thread's training lane buffers: for one block of <c>BlockRows</c> examples in lanes,");
        w.Line("/// A[0], then Z[l], A[l] and dZ[l] of every layer, the targets and the examples' losses; then dZ as rows.");
        w.Line("/// </summary>");
        w.Member($"private const int {Names.TrainingLanesLength} = {Literals.Int(layout.LaneUnits)} * LaneStride + {Literals.Int(layout.RowsLength)};");
        w.Line();
        w.Line("/// <summary>Length of one chunk's unscaled gradient sums: for each layer, the rows of dW[l] padded to GradientStride(n_l), then db[l].</summary>");
        w.Member($"private const int {Names.GradientSumsLength} = {Literals.Int(layout.SumsLength)};");
        w.Line();
        w.Line($"/// <summary>Training scratch (lane buffers per thread, gradient sums per chunk), created by the first <see cref=\"ComputeGradients({spanT}, {spanT}, global::System.Span{{{t}}})\"/> call and grown on demand.</summary>");
        w.Member($"private {EmitContext.Compute}.TrainingScratch<{t}>? {Names.TrainingScratch};");
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// Computes the cost J = (1/m) sum_i L_i of one batch, {LossDescription(c.Model.Loss)}, and writes dJ/dtheta into");
        w.Line("/// <paramref name=\"gradients\"/> in exactly the layout of <see cref=\"Parameters\"/>: dW[l] = (1/m) A[l-1]^T dZ[l],");
        w.Line("/// db[l] = (1/m) sum over rows of dZ[l], with dZ[l-1] = (dZ[l] W[l]^T) * g'(Z[l-1]).");
        w.Line("/// Works on blocks of <c>BlockRows</c> examples side by side in SIMD lanes, each product a register-blocked");
        w.Line("/// kernel; a large batch is split into chunks of blocks over up to <see cref=\"MaxDegreeOfParallelism\"/>");
        w.Line("/// threads, with the same results for every thread count. Allocates nothing after the first call.");
        w.Line("/// Not safe to call concurrently on one instance.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"inputs\">X, m x n_0 row-major, m &gt;= 1.</param>");
        w.Line("/// <param name=\"targets\">Y, m x n_L row-major.</param>");
        w.Line("/// <param name=\"gradients\">Receives dJ/dtheta (<see cref=\"ParameterCount\"/> values); its previous contents are ignored.</param>");
        w.Line("/// <returns>J, the mean loss over the m examples (NaN if any example's loss is NaN).</returns>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the batch is empty.</exception>");
        using (w.MemberBlock($"public {t} {Names.ComputeGradients}(global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> targets, global::System.Span<{t}> gradients)"))
        {
            w.Line("return ComputeGradientsCore(inputs, targets, gradients, out _);");
        }

        w.Line();
        w.Line($"/// <summary><see cref=\"ComputeGradients({spanT}, {spanT}, global::System.Span{{{t}}})\"/>, also telling whether every gradient written is finite (checked while writing).</summary>");
        using (w.MemberBlock($"private {t} {Names.ComputeGradientsCore}(global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> targets, global::System.Span<{t}> gradients, out bool finite)"))
        {
            w.Line($"int m = {rt}.ShapeGuard.Rows(inputs.Length, InputSize, nameof(inputs));");
            w.Line($"{rt}.TrainingGuard.NotEmpty(m, nameof(inputs));");
            w.Line($"{rt}.ShapeGuard.Length(targets.Length, m * OutputSize, nameof(targets));");
            w.Line($"{rt}.ShapeGuard.Length(gradients.Length, ParameterCount, nameof(gradients));");
            w.Line();
            using (w.Block("if (_trainingScratch is null)"))
            {
                w.Line("_trainingScratch = new(TrainingLanesLength, GradientSumsLength, LayerSizes);");
            }

            w.Line();
            w.Line("// The rows in chunks of whole blocks fixed by m alone, each summed into its own gradient sums on up");
            w.Line("// to MaxDegreeOfParallelism threads; then J = (1/m) sum_i L_i and dJ/dtheta = (1/m) (the chunks'");
            w.Line("// sums added in chunk order), into the layout of Parameters: the same bits for every thread count");
            w.Line("// (docs/threading.md)");
            w.Line($"{t} cost = {EmitContext.Compute}.RowPartition.ComputeGradients(new {Names.RowChunks}(this), inputs, targets, gradients, _trainingScratch, m, multiplyAddsPerRow: {Literals.Long(ParallelismEmitter.MultiplyAddsPerRow(c))}, {Names.MaxDegreeOfParallelismField}, out finite);");
            if (c.Model.HasDropout)
            {
                w.Line($"// The chunks drew from copies of the dropout stream; move it on past the batch's {Literals.Int(ParallelismEmitter.DropoutDrawsPerExample(c))} draws per example");
                w.Line($"{EmitContext.Compute}.Dropout.Skip(ref _dropoutRandom, (long)m * {Literals.Int(ParallelismEmitter.DropoutDrawsPerExample(c))});");
            }

            w.Line("return cost;");
        }

        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The unscaled gradient sums and summed loss of rows <paramref name=\"first\"/>..first+count-1, one chunk");
        w.Line("/// of a <c>ComputeGradients</c> call, a block of <c>BlockRows</c> examples at a time:");
        w.Line("/// <paramref name=\"scratch\"/> holds the block's lane buffers (this thread's), <paramref name=\"sums\"/>");
        w.Line("/// receives the chunk's sums (the first block stores, the others add).");
        w.Line("/// </summary>");
        using (w.MemberBlock($"private {t} {Names.GradientRows}(global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> targets, int first, int count, global::System.Span<{t}> scratch, global::System.Span<{t}> sums)"))
        {
            w.Line($"global::System.ReadOnlySpan<{t}> theta = _parameters;");
            foreach ((string name, int units) in layout.LaneBuffers)
            {
                w.Line($"global::System.Span<{t}> {name} = scratch.Slice({Literals.Int(layout.Offset[name])} * LaneStride, {Literals.Int(units)} * LaneStride);");
            }

            w.Line($"global::System.Span<{t}> dzRows = scratch.Slice({Literals.Int(layout.LaneUnits)} * LaneStride, {Literals.Int(layout.RowsLength)});");
            w.Line("// The gradient sums of each layer l: dW[l] with rows padded to GradientStride(n_l) values, then db[l]");
            for (int l = 1; l <= c.L; l++)
            {
                w.Line($"global::System.Span<{t}> {SumsName(l)} = sums.Slice({Literals.Int(layout.SumsOffset[l])}, {Literals.Int(layout.SumsLengthOf(l))});");
            }

            if (c.Model.HasDropout)
            {
                w.Line($"// The dropout stream as a sequential run would reach row 'first': {Literals.Int(ParallelismEmitter.DropoutDrawsPerExample(c))} draws per earlier example");
                w.Line($"{EmitContext.Runtime}.SplitMix64 random = _dropoutRandom;");
                w.Line($"{EmitContext.Compute}.Dropout.Skip(ref random, (long)first * {Literals.Int(ParallelismEmitter.DropoutDrawsPerExample(c))});");
            }

            w.Line($"{t} cost = {c.Zero};");
            w.Line("int end = first + count;");
            w.Line();
            using (w.Block("for (int row = first; row < end; row += BlockRows)"))
            {
                w.Line("int rows = global::System.Math.Min(BlockRows, end - row);");
                w.Line("bool firstBlock = row == first; // the chunk's first block stores its gradient sums, the others add to them");
                w.Line($"{dense}.ToLanes(inputs.Slice(row * InputSize, rows * InputSize), InputSize, rows, a0);");
                w.Line($"{dense}.ToLanes(targets.Slice(row * OutputSize, rows * OutputSize), OutputSize, rows, y);");

                void Kernels()
                {
                    if (c.Model.HasDropout)
                    {
                        w.Line();
                        w.Line("// Inverted-dropout factors D of this block: keep with probability 1 - p, scaled by 1 / (1 - p); drawn example by example, then layer, then unit");
                        using (w.Block("for (int i = 0; i < rows; i++)"))
                        {
                            for (int l = 1; l < c.L; l++)
                            {
                                if (DropoutRate(c, l) is { } rate)
                                {
                                    w.Line($"{EmitContext.Compute}.Dropout.Draw(ref random, mask{l}, i, {Literals.Int(c.Sizes[l])}, {rate}d);");
                                }
                            }
                        }
                    }

                    for (int l = 1; l <= c.L; l++)
                    {
                        if (l > 1 || c.Model.HasDropout || !RegisterBlockWriter.Applies(c))
                        {
                            w.Line();
                        }

                        w.Line($"// Layer {l}: Z{l} = A{l - 1} W{l} + b{l}, {c.Shape(l)}; A{l} = {EmitContext.FormulaName(c.Activation(l))}(Z{l}), both kept for the backward pass");
                        w.Line($"{dense}.ForwardBlock<{LayerShapeEmitter.ShapeName(l)}, {EmitContext.ActivationType(c.Activation(l))}, {t}>(theta, {Downstream(c, l - 1)}, z{l}, a{l}, rows);");
                        if (DropoutRate(c, l) is { } rate)
                        {
                            w.Line($"// A~{l} = A{l} * D{l} (dropout p = {rate}, training only); the next layer sees A~{l}, g' still reads A{l}");
                            w.Line($"{EmitContext.Compute}.Dropout.Apply(a{l}, mask{l}, dropped{l}, {Literals.Int(c.Sizes[l])});");
                        }
                    }

                    w.Line();
                    EmitLoss(w, c);
                    for (int l = c.L; l >= 1; l--)
                    {
                        w.Line();
                        w.Line($"// dW{l} += A{l - 1}^T dZ{l} ({c.Sizes[l - 1]}x{c.Sizes[l]}, a sum over the block's rows; the first block stores it); db{l} += column sums of dZ{l}");
                        w.Line($"{dense}.AccumulateGradients<{LayerShapeEmitter.ShapeName(l)}, {t}>({Downstream(c, l - 1)}, dz{l}, dzRows, {SumsName(l)}, rows, firstBlock);");
                        if (l > 1)
                        {
                            ActivationKind g = c.Activation(l - 1);
                            string derivative = g == ActivationKind.Softmax
                                ? $"A{l - 1} * (dA{l - 1} - sum_k dA{l - 1}_k A{l - 1}_k) (softmax Jacobian-vector product)"
                                : $"dA{l - 1} * {EmitContext.FormulaName(g)}'(Z{l - 1})";
                            if (DropoutRate(c, l - 1) is not null)
                            {
                                w.Line($"// dA{l - 1} = (dZ{l} W{l}^T) * D{l - 1} (only the kept units); dZ{l - 1} = {derivative}");
                                w.Line($"{dense}.BackwardBlock<{LayerShapeEmitter.ShapeName(l)}, {EmitContext.ActivationType(g)}, {t}>(theta, dz{l}, z{l - 1}, a{l - 1}, mask{l - 1}, dz{l - 1}, rows);");
                            }
                            else
                            {
                                w.Line($"// dA{l - 1} = dZ{l} W{l}^T; dZ{l - 1} = {derivative}");
                                w.Line($"{dense}.BackwardBlock<{LayerShapeEmitter.ShapeName(l)}, {EmitContext.ActivationType(g)}, {t}>(theta, dz{l}, z{l - 1}, a{l - 1}, dz{l - 1}, rows);");
                            }
                        }
                    }
                }

                if (RegisterBlockWriter.Applies(c))
                {
                    w.Line();
                    w.Line($"// The block's loss and gradient sums in registers, written here for the widest accelerated width; without SIMD the runtime's kernels");
                    RegisterBlockWriter.WriteDispatch(w, width => $"cost += {Names.GradientBlockInRegisters(width)}(theta, a0, y, sums, rows, firstBlock);", Kernels);
                }
                else
                {
                    Kernels();
                }
            }

            w.Line();
            w.Line("return cost;");
        }

        if (RegisterBlockWriter.Applies(c))
        {
            RegisterBlockWriter.WriteGradientMethods(w, c);
        }
    }

    /// <summary>The training scratch's span of layer l's gradient sums, e.g. <c>sums2</c>.</summary>
    private static string SumsName(int l) => $"sums{l}";

    /// <summary>p of layer l as written in the declaration, or null when the layer does not drop units.</summary>
    public static string? DropoutRate(EmitContext c, int l) =>
        c.Model.HasDropout && c.Model.Dropout[l - 1] != "0" ? c.Model.Dropout[l - 1] : null;

    /// <summary>A[l] as the next layer sees it in training: the dropped A~[l] when layer l drops units.</summary>
    private static string Downstream(EmitContext c, int l) => l >= 1 && DropoutRate(c, l) is not null ? $"dropped{l}" : $"a{l}";

    private static void EmitDropoutMembers(SourceWriter w, EmitContext c)
    {
        string rt = EmitContext.Runtime;
        w.Line("/// <summary>The stream the training masks are drawn from (see <see cref=\"DropoutRandom\"/>).</summary>");
        w.Member($"private {rt}.SplitMix64 {Names.DropoutRandomField};");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The stream the next <c>ComputeGradients</c> or <c>TrainStep</c> draws its inverted-dropout masks from: one draw per unit of");
        w.Line("/// each dropped layer, example by example, then layer by layer, then unit by unit (docs/dropout.md).");
        w.Line("/// <c>InitializeParameters(seed)</c> sets it to the weights' stream after the last weight. Forward never drops units.");
        w.Line("/// </summary>");
        w.Member($"public {rt}.SplitMix64 {Names.DropoutRandom}");
        w.Line("{");
        w.Line("    get => _dropoutRandom;");
        w.Line("    set => _dropoutRandom = value;");
        w.Line("}");
        w.Line();
    }

    private static void EmitLoss(SourceWriter w, EmitContext c)
    {
        int L = c.L;
        string t = c.T;
        string dense = EmitContext.Compute + ".Dense";
        string arguments = $"OutputSize, z{L}, a{L}, y, dz{L}, lossLanes, rows";
        switch (c.Model.Loss)
        {
            case LossKind.BinaryCrossEntropy:
                w.Line($"// L_i = sum_j [max(Z{L}_j, 0) - Y_j Z{L}_j + log(1 + e^-|Z{L}_j|)] (binary cross-entropy from the logits); dZ{L} = A{L} - Y (sigmoid + binary cross-entropy, fused)");
                w.Line($"cost += {dense}.BinaryCrossEntropyDelta<{t}>({arguments});");
                return;
            case LossKind.CrossEntropy:
                w.Line($"// L_i = -sum_j Y_j log A{L}_j = sum_j Y_j (logsumexp(Z{L}) - Z{L}_j); dZ{L} = A{L} sum_j Y_j - Y (softmax + cross-entropy, fused)");
                w.Line($"cost += {dense}.CrossEntropyDelta<{t}>({arguments});");
                return;
            default:
                ActivationKind g = c.Activation(L);
                string derivative = g == ActivationKind.Softmax
                    ? $"A{L} * (dA{L} - sum_k dA{L}_k A{L}_k)"
                    : $"dA{L} * {EmitContext.FormulaName(g)}'(Z{L})";
                w.Line($"// L_i = 1/2 sum_j (A{L}_j - Y_j)^2; dA{L} = A{L} - Y; dZ{L} = {derivative}");
                w.Line($"cost += {dense}.MeanSquaredErrorDelta<{EmitContext.ActivationType(g)}, {t}>({arguments});");
                return;
        }
    }

    private static string LossDescription(LossKind loss) => loss switch
    {
        LossKind.BinaryCrossEntropy => "with the binary cross-entropy L_i = -sum_j [y_ij log a_ij + (1 - y_ij) log(1 - a_ij)]",
        LossKind.CrossEntropy => "with the cross-entropy L_i = -sum_j y_ij log a_ij",
        _ => "with the squared error L_i = 1/2 sum_j (a_ij - y_ij)^2",
    };

    /// <summary>Where each lane buffer and each layer's gradient sums sit in the training scratch.</summary>
    private sealed class TrainingLayout
    {
        private readonly EmitContext _c;

        public TrainingLayout(EmitContext c)
        {
            _c = c;
            int units = 0;
            void Add(string name, int n)
            {
                LaneBuffers.Add((name, n));
                Offset[name] = units;
                units += n;
            }

            Add("a0", c.Sizes[0]);
            for (int l = 1; l <= c.L; l++)
            {
                Add($"z{l}", c.Sizes[l]);
                Add($"a{l}", c.Sizes[l]);
                Add($"dz{l}", c.Sizes[l]);
            }

            for (int l = 1; l < c.L; l++)
            {
                if (DropoutRate(c, l) is not null)
                {
                    Add($"mask{l}", c.Sizes[l]);
                    Add($"dropped{l}", c.Sizes[l]);
                }
            }

            Add("y", c.Sizes[c.L]);
            Add("lossLanes", 1);

            LaneUnits = units;

            // dZ of one layer as rows: BlockRows rows of the widest layer's gradient stride.
            RowsLength = DenseRules.BlockRows * Enumerable.Range(1, c.L).Max(l => DenseRules.GradientStride(c.Sizes[l]));

            SumsOffset = new int[c.L + 1];
            int sums = 0;
            for (int l = 1; l <= c.L; l++)
            {
                SumsOffset[l] = sums;
                sums += SumsLengthOf(l);
            }

            SumsLength = sums;
        }

        public System.Collections.Generic.List<(string Name, int Units)> LaneBuffers { get; } = new();

        public System.Collections.Generic.Dictionary<string, int> Offset { get; } = new();

        /// <summary>The lane buffers' total, in units of LaneStride values.</summary>
        public int LaneUnits { get; }

        /// <summary>The values of the row-major dZ block.</summary>
        public int RowsLength { get; }

        public int[] SumsOffset { get; }

        public int SumsLength { get; }

        /// <summary>dW[l] with padded rows, then db[l] padded: (n_{l-1} + 1) x GradientStride(n_l).</summary>
        public int SumsLengthOf(int l) => (_c.Sizes[l - 1] + 1) * DenseRules.GradientStride(_c.Sizes[l]);
    }
}
