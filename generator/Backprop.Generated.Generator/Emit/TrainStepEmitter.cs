using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes <c>TrainStep</c>: gradients into a per-instance buffer, a finiteness check, then the optimizer's update.
/// </summary>
internal static class TrainStepEmitter
{
    public static void Emit(SourceWriter w, EmitContext c)
    {
        string t = c.T;
        string rt = EmitContext.Runtime;

        // Crefs name the full signature: a user's own overload of TrainStep or ComputeGradients would make a bare name ambiguous (CS0419).
        string spanT = $"global::System.ReadOnlySpan{{{t}}}";
        w.Line($"/// <summary>dJ/dtheta of the last <see cref=\"TrainStep({spanT}, {spanT}, {rt}.IOptimizer)\"/>, allocated on its first call and reused.</summary>");
        w.Member($"private {EmitContext.Compute}.AlignedArray<{t}> {Names.Gradients};");
        w.Line();
        w.Line("/// <summary>");
        w.Line($"/// One step of training on one batch: <see cref=\"ComputeGradients({spanT}, {spanT}, global::System.Span{{{t}}})\"/> into a buffer this instance keeps,");
        w.Line("/// then <paramref name=\"optimizer\"/> updates <see cref=\"Parameters\"/>. Allocates nothing after the first call.");
        w.Line("/// If J or any gradient is NaN or infinite, throws before the update, leaving the parameters unchanged.");
        w.Line("/// Not safe to call concurrently on one instance.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"inputs\">X, m x n_0 row-major, m &gt;= 1.</param>");
        w.Line("/// <param name=\"targets\">Y, m x n_L row-major.</param>");
        w.Line("/// <param name=\"optimizer\">The update rule, e.g. <see cref=\"global::Backprop.Generated.Sgd\"/> or <see cref=\"global::Backprop.Generated.Adam\"/>; use one per network.</param>");
        w.Line("/// <returns>J of the batch before the update.</returns>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the batch is empty.</exception>");
        w.Line("/// <exception cref=\"global::Backprop.Generated.TrainingDivergedException\">J or a gradient is not finite; the parameters are unchanged.</exception>");
        using (w.MemberBlock($"public {t} {Names.TrainStep}(global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> targets, {rt}.IOptimizer optimizer)"))
        {
            using (w.Block("if (optimizer is null)"))
            {
                w.Line("throw new global::System.ArgumentNullException(nameof(optimizer));");
            }

            using (w.Block("if (_gradients.IsDefault)"))
            {
                w.Line("_gradients = new(ParameterCount);");
            }

            w.Line();

            w.Line($"global::System.Span<{t}> gradients = _gradients.Span;");
            w.Line($"{t} cost = ComputeGradientsCore(inputs, targets, gradients, out bool finite);");
            w.Line("// Throws before any parameter changes.");
            w.Line($"{EmitContext.Internals}.TrainingGuard.EnsureFinite(cost, gradients, finite);");
            w.Line($"optimizer.Step({c.ParameterSpan}, gradients); // theta = update(theta, dJ/dtheta)");
            w.Line("return cost;");
        }

    }
}
