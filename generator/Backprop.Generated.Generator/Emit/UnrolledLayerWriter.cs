using System;
using System.Linq;
using Backprop.Generated.Generator.Model;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// The straight-line code of one unrolled layer in <see cref="ForwardEmitter"/>'s one-example <c>ForwardCore</c>
/// (batches and training call the runtime's kernels instead).
/// </summary>
internal static class UnrolledLayerWriter
{
    /// <summary>
    /// Writes <c>T z{l}_{k} = b[l]_k + sum_j A[l-1]_j W[l]_jk</c> for every unit k, indexing the parameter span
    /// <c>p</c> with constants (W[l]_jk sits at WeightOffset + j * n_l + k).
    /// </summary>
    /// <param name="input">The expression for A[l-1]_j.</param>
    public static void WritePreActivations(SourceWriter w, EmitContext c, int l, Func<int, string> input)
    {
        int nIn = c.Sizes[l - 1];
        int nOut = c.Sizes[l];
        for (int k = 0; k < nOut; k++)
        {
            string sum = $"p[{c.BiasOffset[l] + k}]" + string.Concat(Enumerable.Range(0, nIn).Select(j =>
                $" + {input(j)} * p[{c.WeightOffset[l] + (j * nOut) + k}]"));
            w.Line($"{c.T} z{l}_{k} = {sum};");
        }
    }

    /// <summary>Writes A[l] = g(Z[l]) from the <c>z{l}_{k}</c> locals.</summary>
    /// <param name="target">The assignment target for A[l]_k: a declaration such as <c>float a1_0</c> or an element such as <c>output[0]</c>.</param>
    public static void WriteActivations(SourceWriter w, EmitContext c, int l, Func<int, string> target)
    {
        string t = c.T;
        int nOut = c.Sizes[l];
        ActivationKind g = c.Activation(l);
        if (g == ActivationKind.Softmax)
        {
            w.Line("// softmax: subtract the largest z so every exponent is <= 0 and nothing overflows");
            w.Line($"{t} max{l} = z{l}_0;");
            for (int k = 1; k < nOut; k++)
            {
                w.Line($"max{l} = {c.Math}.Max(max{l}, z{l}_{k});");
            }

            for (int k = 0; k < nOut; k++)
            {
                w.Line($"{t} e{l}_{k} = {c.Math}.Exp(z{l}_{k} - max{l});");
            }

            w.Line($"{t} sum{l} = " + string.Join(" + ", Enumerable.Range(0, nOut).Select(k => $"e{l}_{k}")) + ";");
            for (int k = 0; k < nOut; k++)
            {
                w.Line($"{target(k)} = e{l}_{k} / sum{l};");
            }
        }
        else
        {
            for (int k = 0; k < nOut; k++)
            {
                w.Line($"{target(k)} = {c.ApplyElementwise(g, $"z{l}_{k}")};");
            }
        }
    }
}
