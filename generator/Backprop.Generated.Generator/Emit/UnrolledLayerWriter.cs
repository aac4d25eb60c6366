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
    /// <c>theta</c> with the named offsets (W[l]_jk sits at W{l}Offset + j * n_l + k, b[l]_k at b{l}Offset + k); a long
    /// sum is broken before its " + " by the writer (<see cref="LineWrapping"/>). The products are summed in order, j = 0 first: their multiplies are independent, so the
    /// latency is one multiply and then one add per row, as a chain of fused multiply-adds would be.
    /// </summary>
    /// <param name="input">The expression for A[l-1]_j.</param>
    public static void WritePreActivations(SourceWriter w, EmitContext c, int l, Func<int, string> input)
    {
        int nIn = c.Sizes[l - 1];
        int nOut = c.Sizes[l];
        for (int k = 0; k < nOut; k++)
        {
            string terms = string.Concat(Enumerable.Range(0, nIn).Select(j => $" + {input(j)} * theta[{Offset($"W{l}Offset", (j * nOut) + k)}]"));
            w.Line($"{c.T} z{l}_{k} = theta[{Offset($"b{l}Offset", k)}]{terms};");
        }
    }

    /// <summary>
    /// Whether layer l's two or three units are summed and activated in one 128-bit register
    /// (<see cref="WriteInOneRegister"/>): single precision, sigmoid or tanh (the activations
    /// <c>UnrolledActivations</c> already evaluates on one register).
    /// </summary>
    public static bool InOneRegister(EmitContext c, int l) =>
        c.Model.Precision == PrecisionKind.Single
        && c.Sizes[l] is 2 or 3
        && c.Activation(l) is ActivationKind.Sigmoid or ActivationKind.Tanh;

    /// <summary>
    /// Writes layer l with its units in the lanes of one Vector128: Z[l] = b[l] + sum_j x_j W[l][j, :] as fused
    /// multiply-adds (one chain up to four rows, four chains above), each row of W[l] read whole (its n_l weights, and
    /// in the lanes past n_l the values that follow it, which are computed and ignored: the parameter block's slack or
    /// padding covers the reads past b[l]), then g once on the register and its lanes written to
    /// <paramref name="target"/>. Where Vector128 is not accelerated,
    /// the straight-line scalar code of <see cref="WritePreActivations"/> and <see cref="WriteActivations"/>.
    /// Measured on W1 (3-2-1): 12 scalar multiplies and adds and a lane insert become 3 fused multiply-adds.
    /// </summary>
    /// <param name="input">The expression for A[l-1]_j.</param>
    /// <param name="target">The already declared location of A[l]_k.</param>
    /// <param name="withFallback">Whether to write the scalar code for a CPU without SIMD too (the test of
    /// <c>Vector128.IsHardwareAccelerated</c> is a constant to the JIT, but the IL of both branches counts towards
    /// its size limits); not in a method that runs only where SIMD does.</param>
    public static void WriteInOneRegister(SourceWriter w, EmitContext c, int l, Func<int, string> input, Func<int, string> target, bool withFallback)
    {
        int nIn = c.Sizes[l - 1];
        int nOut = c.Sizes[l];
        string v = "global::System.Runtime.Intrinsics.Vector128";
        string math = $"{EmitContext.Compute}.RegisterMath";
        using (w.Block(withFallback ? $"if ({v}.IsHardwareAccelerated)" : string.Empty))
        {
            w.Line($"// Z{l} = b{l} + sum_j x_j W{l}[j, :] in one register (lanes {Literals.Int(nOut)} to 3 unused); A{l} = {EmitContext.FormulaName(c.Activation(l))}(Z{l}) once");
            w.Line($"ref float theta{l} = ref global::System.Runtime.InteropServices.MemoryMarshal.GetReference(theta);");
            // Up to four rows one after another; more in four chains (row j into chain j mod 4), so that the latency
            // is about a quarter of the rows' fused multiply-adds, not all of them.
            int chains = nIn <= 4 ? 1 : 4;
            w.Line($"{v}<float> z{l} = {v}.LoadUnsafe(ref theta{l}, (nuint)(b{l}Offset));");
            for (int k = 1; k < chains; k++)
            {
                w.Line($"{v}<float> z{l}_{k} = {v}<float>.Zero;");
            }

            for (int j = 0; j < nIn; j++)
            {
                string chain = j % chains == 0 ? $"z{l}" : $"z{l}_{j % chains}";
                w.Line($"{chain} = {math}.MultiplyAdd({v}.Create({input(j)}), {v}.LoadUnsafe(ref theta{l}, (nuint)({Offset($"W{l}Offset", j * nOut)})), {chain});");
            }

            if (chains == 4)
            {
                w.Line($"z{l} = (z{l} + z{l}_1) + (z{l}_2 + z{l}_3);");
            }

            w.Line($"{v}<float> a{l}Lanes = {math}.{c.Activation(l)}(z{l});");
            for (int k = 0; k < nOut; k++)
            {
                w.Line($"{target(k)} = {v}.GetElement(a{l}Lanes, {Literals.Int(k)});");
            }
        }

        if (withFallback)
        {
            using (w.Block("else"))
            {
                WritePreActivations(w, c, l, input);
                WriteActivations(w, c, l, target);
            }
        }
    }

    /// <summary>"W1Offset + 5", or "W1Offset" for 0.</summary>
    private static string Offset(string name, int index) => index == 0 ? name : $"{name} + {Literals.Int(index)}";

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
        else if (nOut is 2 or 3 && c.Model.Precision == PrecisionKind.Single && g is ActivationKind.Sigmoid or ActivationKind.Tanh)
        {
            // Two or three units: one evaluation of g on a 128-bit register instead of one per unit.
            string zs = string.Join(", ", Enumerable.Range(0, nOut).Select(k => $"z{l}_{k}"));
            string outs = string.Join(", ", Enumerable.Range(0, nOut).Select(k => $"out {target(k)}"));
            w.Line($"{EmitContext.Compute}.UnrolledActivations.{g}({zs}, {outs});");
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
