using Backprop.Generated.Generator.Model;
using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes what lets <c>ForwardBatch</c> and <c>ComputeGradients</c> use several cores: <c>MaxDegreeOfParallelism</c> and the
/// private <c>RowChunks</c> struct through which the runtime's <c>Compute.RowPartition</c> calls the network's row methods
/// (<c>ForwardRows</c>, <c>GradientRows</c>) on its worker threads, with no delegate or closure (docs/threading.md).
/// </summary>
internal static class ParallelismEmitter
{
    /// <summary>The forward pass's multiply-adds per example, the sum over l of n_{l-1} n_l: the work measure of the grain.</summary>
    public static long MultiplyAddsPerRow(EmitContext c)
    {
        long total = 0;
        for (int l = 1; l <= c.L; l++)
        {
            total += (long)c.Sizes[l - 1] * c.Sizes[l];
        }

        return total;
    }

    /// <summary>The dropout draws of one example: one per unit of each layer that drops units.</summary>
    public static int DropoutDrawsPerExample(EmitContext c)
    {
        int draws = 0;
        for (int l = 1; l < c.L; l++)
        {
            if (ComputeGradientsEmitter.DropoutRate(c, l) is not null)
            {
                draws += c.Sizes[l];
            }
        }

        return draws;
    }

    public static void Emit(SourceWriter w, EmitContext c)
    {
        string t = c.T;
        string type = c.Model.Type.Name;
        w.Line("/// <summary>The threads a call may use; see <see cref=\"MaxDegreeOfParallelism\"/>.</summary>");
        w.Member($"private int {Names.MaxDegreeOfParallelismField} = -1;");
        w.Line();
        w.Line("/// <summary>");
        w.Line("/// The most threads one <c>ForwardBatch</c>, <c>ComputeGradients</c>, <c>TrainStep</c> or <c>Fit</c> call");
        w.Line("/// uses: -1 (the default) for all cores (<see cref=\"global::System.Environment.ProcessorCount\"/>), 1 for");
        w.Line("/// the calling thread only, or any larger number. A call splits its rows over threads only when the batch");
        w.Line("/// is large enough to gain from it, and results are bit-identical for every value (docs/threading.md).");
        w.Line("/// </summary>");
        w.Line("/// <exception cref=\"global::System.ArgumentOutOfRangeException\">The value is 0 or below -1.</exception>");
        w.Member($"public int {Names.MaxDegreeOfParallelism}");
        w.Line("{");
        w.Line($"    get => {Names.MaxDegreeOfParallelismField};");
        w.Line($"    set => {Names.MaxDegreeOfParallelismField} = {EmitContext.Compute}.RowPartition.CheckDegree(value);");
        w.Line("}");
        w.Line();
        w.Line("/// <summary>The network's row methods for <c>Compute.RowPartition</c>, which runs chunks of rows on its worker threads.</summary>");
        w.Line(EmitContext.GeneratedCodeAttribute);
        using (w.Block($"private readonly struct {Names.RowChunks} : {EmitContext.Compute}.IRowChunks<{t}>"))
        {
            w.Line($"private readonly {type} _network;");
            w.Line();
            w.Line($"public {Names.RowChunks}({type} network) => _network = network;");
            w.Line();
            w.Line($"public void Forward(global::System.ReadOnlySpan<{t}> inputs, global::System.Span<{t}> outputs, int row, int rows) =>");
            w.Line($"    _network.{Names.ForwardRows}(inputs, outputs, row, rows);");
            w.Line();
            w.Line($"public {t} Gradients(global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> targets, int row, int rows, global::System.Span<{t}> lanes, global::System.Span<{t}> sums) =>");
            w.Line($"    _network.{Names.GradientRows}(inputs, targets, row, rows, lanes, sums);");
        }
    }
}
