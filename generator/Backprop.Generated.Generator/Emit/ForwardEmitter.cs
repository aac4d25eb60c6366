using System.Linq;
using Backprop.Generated.Generator.Model;
using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes the inference methods: <c>Forward</c> (one example, span or fixed-size value),
/// <c>ForwardBatch</c> (the design matrix X, row by row) and the shared <c>ForwardCore</c> that
/// computes Z[l] = A[l-1] W[l] + b[l], A[l] = g(Z[l]) for l = 1..L.
/// </summary>
internal static class ForwardEmitter
{
    public static void Emit(SourceWriter w, EmitContext c)
    {
        string t = c.T;
        string rt = EmitContext.Internals; // ShapeGuard

        w.Line("/// <summary>");
        w.Line("/// Runs one example through the network: <paramref name=\"output\"/> = A[L] for A[0] = <paramref name=\"input\"/>.");
        w.Line("/// Allocates nothing and reads the parameters only, so concurrent calls on one instance are safe.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"input\">The n_0 features of one example.</param>");
        w.Line("/// <param name=\"output\">Receives the n_L outputs.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span does not have exactly the length above.</exception>");
        using (w.MemberBlock($"public void {Names.Forward}(global::System.ReadOnlySpan<{t}> input, global::System.Span<{t}> output)"))
        {
            w.Line($"{rt}.ShapeGuard.Length(input.Length, InputSize, nameof(input));");
            w.Line($"{rt}.ShapeGuard.Length(output.Length, OutputSize, nameof(output));");
            w.Line("ForwardCore(input, output);");
        }

        w.Line();
        w.Line("/// <summary>Runs one example through the network; the fixed-size types make a length mistake impossible.</summary>");
        w.Line("/// <param name=\"input\">The n_0 features of one example.</param>");
        w.Line("/// <returns>The n_L outputs A[L].</returns>");
        using (w.MemberBlock($"public Output {Names.Forward}(in Input input)"))
        {
            w.Line("Output output = default;");
            w.Line("ForwardCore(input, output);");
            w.Line("return output;");
        }

        w.Line();
        EmitBatch(w, c);
        w.Line();
        EmitCore(w, c);
    }

    private static void EmitCore(SourceWriter w, EmitContext c)
    {
        if (RegisterLayerWriter.Applies(c))
        {
            EmitRegisterCore(w, c);
            return;
        }

        string t = c.T;
        w.Line("/// <summary>One example, lengths already checked: a0 is A[0] = x, output receives A[L].</summary>");
        if (c.Plan.All(s => s != LayerStrategy.UnitLanes))
        {
            // A small network's whole forward pass is short: inlined into both Forward overloads, it saves a call and a
            // second prologue on a path that takes tens of nanoseconds.
            w.Line("[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]");
        }

        using (w.MemberBlock($"private void {Names.ForwardCore}(global::System.ReadOnlySpan<{t}> a0, global::System.Span<{t}> output)"))
        {
            w.Line($"global::System.ReadOnlySpan<{t}> theta = _parameters;");
            EmitLayers(w, c, width: 0);
        }
    }

    /// <summary>
    /// A small single-precision network with register-held layers (<see cref="RegisterLayerWriter.Applies"/>): the whole
    /// forward pass is written here, once per register width (<c>ForwardInRegisters512/256/128</c>, each compiled fully
    /// optimised on its first call, no runtime kernel and no per-shape generic instantiation in it), and
    /// <c>ForwardCore</c> calls the widest accelerated one; without SIMD, <c>ForwardWithoutSimd</c> runs the runtime's
    /// kernels as before.
    /// </summary>
    private static void EmitRegisterCore(SourceWriter w, EmitContext c)
    {
        const string Span = "global::System.Span<float>";
        const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        string methodImpl = "global::System.Runtime.CompilerServices.MethodImpl";
        string options = "global::System.Runtime.CompilerServices.MethodImplOptions";
        int widest = RegisterLayerWriter.WidestRegister(c);
        var widths = new[] { 512, 256, 128 }.Where(width => width <= widest).ToArray();

        w.Line("/// <summary>");
        w.Line("/// One example, lengths already checked: a0 is A[0] = x, output receives A[L]. Calls the forward pass");
        w.Line("/// written for the widest accelerated registers this network uses (the tests are constants to the JIT,");
        w.Line("/// so one call remains).");
        w.Line("/// </summary>");
        w.Line($"[{methodImpl}({options}.AggressiveInlining)]");
        using (w.MemberBlock($"private void {Names.ForwardCore}({ReadOnlySpan} a0, {Span} output)"))
        {
            w.Line($"{ReadOnlySpan} theta = _parameters;");
            string keyword = "if";
            foreach (int width in widths)
            {
                using (w.Block($"{keyword} (global::System.Runtime.Intrinsics.Vector{Literals.Int(width)}.IsHardwareAccelerated)"))
                {
                    w.Line($"{Names.ForwardInRegisters(width)}(theta, a0, output);");
                }

                keyword = "else if";
            }

            using (w.Block("else"))
            {
                w.Line($"{Names.ForwardWithoutSimd}(theta, a0, output);");
            }
        }

        foreach (int width in widths)
        {
            w.Line();
            w.Line("/// <summary>");
            w.Line($"/// The forward pass on registers of at most {Literals.Int(width)} bits: each register-held layer's units in");
            w.Line(c.InlineParameters
                ? "/// registers for the whole sum, W[l] read at constant offsets from the parameter block (the instance's block,"
                : "/// registers for the whole sum, W[l] read at constant offsets from the parameter block (an AlignedArray's span,");
            w.Line(c.InlineParameters
                ? "/// whose slack covers the reads past a partly filled last register), g once per register. Compiled fully"
                : "/// whose padding covers the reads past a partly filled last register), g once per register. Compiled fully");
            w.Line("/// optimised on its first call, so no tier-0 copy runs while tiering catches up (docs/performance.md, \"Time to");
            w.Line("/// the first result\").");
            w.Line("/// </summary>");
            w.Line($"[{methodImpl}(");
            w.Line($"    {options}.NoInlining");
            w.Line($"    | {options}.AggressiveOptimization)]");
            using (w.MemberBlock($"private static void {Names.ForwardInRegisters(width)}({ReadOnlySpan} theta, {ReadOnlySpan} a0, {Span} output)"))
            {
                w.Line("ref float p = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(theta);");
                EmitLayers(w, c, width);
            }
        }

        w.Line();
        w.Line("/// <summary>The forward pass without SIMD (or with it turned off): the runtime's one-example kernels, in scalar code.</summary>");
        w.Line($"[{methodImpl}({options}.NoInlining)]");
        using (w.MemberBlock($"private static void {Names.ForwardWithoutSimd}({ReadOnlySpan} theta, {ReadOnlySpan} a0, {Span} output)"))
        {
            EmitLayers(w, c, width: 0);
        }
    }

    /// <summary>
    /// The layers of the one-example pass over the span <c>theta</c>: straight-line code, then register code written
    /// here for <paramref name="width"/>-bit registers, or (width 0) calls to the runtime's kernels.
    /// </summary>
    private static void EmitLayers(SourceWriter w, EmitContext c, int width)
    {
        if (c.Plan.Any(s => s == LayerStrategy.Unrolled))
        {
            w.Line("// Touch the last element first: the JIT then drops the bounds checks of every smaller constant index below.");
            w.Line("_ = theta[ParameterCount - 1];");
            w.Line("_ = a0[InputSize - 1];");
            w.Line("_ = output[OutputSize - 1];");
        }

        for (int l = 1; l <= c.L; l++)
        {
            w.Line();
            switch (c.Strategy(l))
            {
                case LayerStrategy.Unrolled:
                    EmitUnrolledLayer(w, c, l, width);
                    break;
                case LayerStrategy.RegisterLanes when width > 0:
                    RegisterLayerWriter.Write(w, c, l, width);
                    break;
                case LayerStrategy.RegisterLanes:
                    EmitRegisterLayer(w, c, l);
                    break;
                default:
                    EmitLoopLayer(w, c, l);
                    break;
            }
        }
    }

    /// <summary>How layer l's activations are held: named locals, or a span (for a kernel's layer or the output).</summary>
    private static bool ActivationsInSpan(EmitContext c, int l) =>
        l == 0 || c.Strategy(l) != LayerStrategy.Unrolled || (l < c.L && c.Strategy(l + 1) != LayerStrategy.Unrolled);

    /// <summary>The expression for A[l]_j of the current example.</summary>
    public static string ActivationElement(EmitContext c, int l, int j) =>
        l == c.L && c.Strategy(l) == LayerStrategy.Unrolled ? $"output[{j}]" : ActivationsInSpan(c, l) ? $"a{l}[{j}]" : $"a{l}_{j}";

    private static string Header(EmitContext c, int l, string strategy) =>
        $"// Layer {l}: Z{l} = A{l - 1} W{l} + b{l}, {c.Shape(l)}; A{l} = {EmitContext.FormulaName(c.Activation(l))}(Z{l}){strategy}";

    /// <param name="width">0 in <c>ForwardCore</c>; in <c>ForwardInRegisters{width}</c>, which runs only where SIMD does,
    /// the register form alone.</param>
    private static void EmitUnrolledLayer(SourceWriter w, EmitContext c, int l, int width)
    {
        string t = c.T;
        int nOut = c.Sizes[l];
        w.Line(Header(c, l, $" ({Strategies.DescribeExample(c, l)})"));

        bool inSpan = l == c.L || ActivationsInSpan(c, l);
        if (UnrolledLayerWriter.InOneRegister(c, l))
        {
            if (inSpan && l != c.L)
            {
                w.Line($"global::System.Span<{t}> a{l} = stackalloc {t}[{nOut}];");
            }
            else if (!inSpan)
            {
                w.Line($"{t} {string.Join(", ", Enumerable.Range(0, nOut).Select(k => ActivationElement(c, l, k)))};");
            }

            UnrolledLayerWriter.WriteInOneRegister(w, c, l, j => ActivationElement(c, l - 1, j), k => ActivationElement(c, l, k), withFallback: width == 0);
            return;
        }

        UnrolledLayerWriter.WritePreActivations(w, c, l, j => ActivationElement(c, l - 1, j));
        if (inSpan && l != c.L)
        {
            w.Line($"global::System.Span<{t}> a{l} = stackalloc {t}[{nOut}];");
        }

        UnrolledLayerWriter.WriteActivations(w, c, l, k => inSpan ? ActivationElement(c, l, k) : $"{t} {ActivationElement(c, l, k)}");
    }

    /// <summary>
    /// A layer whose units fit a few registers: the runtime's kernel writes whole registers, so its destination
    /// is a stack buffer of <see cref="RegisterBufferLength"/> elements; the output layer's is then copied to output.
    /// </summary>
    private static void EmitRegisterLayer(SourceWriter w, EmitContext c, int l)
    {
        string t = c.T;
        w.Line(Header(c, l, $" ({Strategies.DescribeExample(c, l)})"));
        w.Line($"global::System.Span<{t}> a{l} = {AlignedRegisterBuffer(c, l)};");
        w.Line($"{EmitContext.Compute}.RegisterLanes.Forward<{LayerShapeEmitter.ShapeName(l)}, {EmitContext.ActivationType(c.Activation(l))}, {t}>(theta, a{l - 1}, a{l});");
        if (l == c.L)
        {
            w.Line($"a{l}.Slice(0, OutputSize).CopyTo(output);");
        }
    }

    /// <summary>
    /// The expression for layer l's register buffer: <see cref="RegisterBufferLength"/> elements starting on a 64-byte
    /// boundary inside a stackalloc of 64 bytes less one element more (RegisterMath.Aligned64), since the layer stores whole
    /// registers into it and a store that straddles two cache lines does not forward to the next layer's loads.
    /// </summary>
    public static string AlignedRegisterBuffer(EmitContext c, int l)
    {
        int length = RegisterBufferLength(c, l);
        int slack = (64 / (c.Model.Precision == PrecisionKind.Double ? 8 : 4)) - 1;
        return $"{EmitContext.Compute}.RegisterMath.Aligned64(stackalloc {c.T}[{Literals.Int(length + slack)}], {Literals.Int(length)})";
    }

    /// <summary>
    /// The stack buffer of a <see cref="LayerStrategy.RegisterLanes"/> layer: n_l rounded up to a whole 64-byte line, the
    /// rule of DenseRules.RegisterLanesBufferLength, shared with the runtime (whole registers of every width fit).
    /// </summary>
    public static int RegisterBufferLength(EmitContext c, int l) =>
        global::Backprop.Generated.Compute.DenseRules.RegisterLanesBufferLength(c.Sizes[l], c.Model.Precision == PrecisionKind.Double ? 8 : 4);

    private static void EmitLoopLayer(SourceWriter w, EmitContext c, int l)
    {
        string t = c.T;
        int nOut = c.Sizes[l];
        w.Line(Header(c, l, $" ({Strategies.DescribeExample(c, l)})"));
        if (l != c.L)
        {
            w.Line($"global::System.Span<{t}> a{l} = stackalloc {t}[{nOut}];");
        }

        string output = l == c.L ? "output" : $"a{l}";
        w.Line($"{EmitContext.Compute}.Dense.ForwardExample<{LayerShapeEmitter.ShapeName(l)}, {EmitContext.ActivationType(c.Activation(l))}, {t}>(theta, a{l - 1}, {output});");
    }

    /// <summary>Length of the per-thread scratch of <c>ForwardBatch</c>: A[l] of one block in lanes, for l = 0..L.</summary>
    public static int BatchScratchUnits(EmitContext c)
    {
        int units = 0;
        for (int l = 0; l <= c.L; l++)
        {
            units += c.Sizes[l];
        }

        return units;
    }

    private static void EmitBatch(SourceWriter w, EmitContext c)
    {
        string t = c.T;
        string rt = EmitContext.Internals; // ShapeGuard
        string dense = EmitContext.Compute + ".Dense";
        w.Line($"/// <summary>Length of the per-thread <c>ForwardBatch</c> scratch: A[0]..A[L] of one block of <c>BlockRows</c> examples, in lanes.</summary>");
        w.Member($"private const int {Names.ForwardScratchLength} = {Literals.Int(BatchScratchUnits(c))} * LaneStride;");
        w.Line();
        w.Line("/// <summary>The <c>ForwardBatch</c> scratch of this thread, allocated on its first call (one per thread, so concurrent calls never share it).</summary>");
        w.Line("[global::System.ThreadStatic]");
        w.Member($"private static {EmitContext.Compute}.AlignedArray<{t}> {Names.ForwardScratch};");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// Runs the design matrix X through the network: m rows of n_0 features in, m rows of n_L outputs out,");
        w.Line("/// both row-major, with m = inputs.Length / InputSize. Computes Z[l] = A[l-1] W[l] + b[l] (b broadcast");
        w.Line("/// over rows) and A[l] = g(Z[l]) for blocks of <c>BlockRows</c> examples at a time, the examples of a block");
        w.Line("/// side by side in SIMD lanes; a large batch is split into chunks of blocks over up to");
        w.Line("/// <see cref=\"MaxDegreeOfParallelism\"/> threads, with the same results. Allocates nothing after a");
        w.Line("/// thread's first call; reads the parameters only, so concurrent calls on one instance are safe.");
        w.Line("/// </summary>");
        w.Line("/// <remarks>");
        w.Line("/// <list type=\"bullet\">");
        for (int l = 1; l <= c.L; l++)
        {
            w.Line($"/// <item><description>Layer {l} ({c.Shape(l)}): {Strategies.DescribeBatch(c, l)}, bias and {EmitContext.FormulaName(c.Activation(l))} fused.</description></item>");
        }

        if (RegisterBlockWriter.Applies(c))
        {
            w.Line($"/// <item><description>With SIMD, all {Literals.Int(c.L)} layers at once instead: the whole network on each register");
            w.Line("/// of a block's examples, straight-line code written into this type for 512-, 256- and 128-bit registers");
            w.Line("/// (the kernels above run without SIMD).</description></item>");
        }

        w.Line("/// </list>");
        w.Line("/// </remarks>");
        w.Line("/// <param name=\"inputs\">X, m x n_0 row-major.</param>");
        w.Line("/// <param name=\"outputs\">Receives A[L], m x n_L row-major.</param>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\"><paramref name=\"inputs\"/> is not whole rows, or <paramref name=\"outputs\"/> is not m rows.</exception>");
        using (w.MemberBlock($"public void {Names.ForwardBatch}(global::System.ReadOnlySpan<{t}> inputs, global::System.Span<{t}> outputs)"))
        {
            w.Line($"int m = {rt}.ShapeGuard.Rows(inputs.Length, InputSize, nameof(inputs));");
            w.Line($"{rt}.ShapeGuard.Length(outputs.Length, m * OutputSize, nameof(outputs));");
            using (w.Block("if (m == 0)"))
            {
                w.Line("return;");
            }

            w.Line();
            w.Line("// Chunks of whole blocks on up to MaxDegreeOfParallelism threads when the batch is large enough, else on this");
            w.Line("// thread; each row's outputs are the same bits either way (docs/threading.md)");
            w.Line($"{EmitContext.Compute}.RowPartition.ForwardBatch(new {Names.RowChunks}(this), inputs, outputs, m, multiplyAddsPerRow: {Literals.Long(ParallelismEmitter.MultiplyAddsPerRow(c))}, {Names.MaxDegreeOfParallelismField});");
        }

        w.Line();
        w.Line("/// <summary>");
        w.Line("/// <c>ForwardBatch</c>'s rows <paramref name=\"first\"/>..first+count-1 on this thread, a block of");
        w.Line("/// <c>BlockRows</c> examples at a time in this thread's scratch.");
        w.Line("/// </summary>");
        using (w.MemberBlock($"private void {Names.ForwardRows}(global::System.ReadOnlySpan<{t}> inputs, global::System.Span<{t}> outputs, int first, int count)"))
        {
            w.Line($"global::System.ReadOnlySpan<{t}> theta = _parameters;");
            using (w.Block("if (t_forwardScratch.IsDefault)"))
            {
                w.Line("t_forwardScratch = new(ForwardScratchLength);");
            }

            w.Line();

            w.Line($"global::System.Span<{t}> scratch = t_forwardScratch.Span;");
            int offset = 0;
            for (int l = 0; l <= c.L; l++)
            {
                w.Line($"global::System.Span<{t}> a{l} = scratch.Slice({Literals.Int(offset)} * LaneStride, {Literals.Int(c.Sizes[l])} * LaneStride);");
                offset += c.Sizes[l];
            }

            w.Line("int end = first + count;");
            using (w.Block("for (int row = first; row < end; row += BlockRows)"))
            {
                w.Line("int rows = global::System.Math.Min(BlockRows, end - row);");
                w.Line();
                w.Line("// A0 = the block's rows of X, feature-major: feature j of example i at j * LaneStride + i");
                w.Line($"{dense}.ToLanes(inputs.Slice(row * InputSize, rows * InputSize), InputSize, rows, a0);");
                bool registers = RegisterBlockWriter.Applies(c);
                void Kernels()
                {
                    for (int l = 1; l <= c.L; l++)
                    {
                        if (l > 1 || !registers)
                        {
                            w.Line();
                        }

                        w.Line(Header(c, l, $" ({Strategies.DescribeBatch(c, l)})"));
                        w.Line($"{dense}.ForwardBlock<{LayerShapeEmitter.ShapeName(l)}, {EmitContext.ActivationType(c.Activation(l))}, {t}>(theta, a{l - 1}, default, a{l}, rows);");
                    }
                }

                if (registers)
                {
                    w.Line();
                    w.Line($"// Layers 1..{c.L}: A{c.L} from A0 in registers, written here for the widest accelerated width; without SIMD the runtime's kernels");
                    RegisterBlockWriter.WriteDispatch(w, width => $"{Names.ForwardBlockInRegisters(width)}(theta, a0, a{c.L}, rows);", Kernels);
                }
                else
                {
                    Kernels();
                }

                w.Line();
                w.Line($"// Outputs = the block's rows of A{c.L}");
                w.Line($"{dense}.FromLanes(a{c.L}, OutputSize, rows, outputs.Slice(row * OutputSize, rows * OutputSize));");
            }
        }

        if (RegisterBlockWriter.Applies(c))
        {
            RegisterBlockWriter.WriteForwardMethods(w, c);
        }
    }
}
