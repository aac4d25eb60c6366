using System.Collections.Generic;
using System.Linq;
using Backprop.Generated.Generator.Model;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes <c>ComputeGradients</c>: the cost J = (1/m) sum_i L_i of a batch and dJ/dtheta in the layout of
/// <c>Parameters</c>. Each example is run forward keeping Z[l] and A[l], then backward from dZ[L] (the loss),
/// adding its share of dW[l] = (1/m) A[l-1]^T dZ[l] (an outer product per example) and db[l] = (1/m) sum_i dZ[l]_i
/// straight into the caller's gradient span; the sums are scaled by 1/m at the end. No per-batch scratch exists.
/// </summary>
/// <remarks>
/// Unrolled layers (see <see cref="LayerPlanner"/>) keep Z, A and dZ in locals; vector-loop layers keep them
/// in slices of one per-instance scratch array allocated on the first call (its length is fixed at
/// generation time, independent of m), and use the runtime's vector kernels.
/// </remarks>
internal static class BackwardEmitter
{
    public static void Emit(SourceWriter w, EmitContext c)
    {
        var layout = new ScratchLayout(c);
        string t = c.T;
        string rt = EmitContext.Runtime;

        if (layout.Length > 0)
        {
            w.Line($"/// <summary>Length of the per-example training scratch: Z, A and dZ of the vector-loop layers (and A of layers that feed one).</summary>");
            w.Line($"private const int TrainingScratchLength = {Literals.Int(layout.Length)};");
            w.Line();
            w.Line($"/// <summary>Training scratch for one example, allocated on the first <see cref=\"ComputeGradients(global::System.ReadOnlySpan{{{t}}}, global::System.ReadOnlySpan{{{t}}}, global::System.Span{{{t}}})\"/> call and reused.</summary>");
            w.Line($"private {t}[]? _trainingScratch;");
            w.Line();
        }

        w.Line("/// <summary>");
        w.Line($"/// Computes the cost J = (1/m) sum_i L_i of one batch, {LossDescription(c.Model.Loss)}, and writes dJ/dtheta into");
        w.Line("/// <paramref name=\"gradients\"/> in exactly the layout of <see cref=\"Parameters\"/>: dW[l] = (1/m) A[l-1]^T dZ[l],");
        w.Line("/// db[l] = (1/m) sum over rows of dZ[l], with dZ[l-1] = (dZ[l] W[l]^T) * g'(Z[l-1]).");
        w.Line("/// Allocates nothing after the first call. Not safe to call concurrently on one instance.");
        w.Line("/// </summary>");
        w.Line("/// <param name=\"inputs\">X, m x n_0 row-major, m &gt;= 1.</param>");
        w.Line("/// <param name=\"targets\">Y, m x n_L row-major.</param>");
        w.Line("/// <param name=\"gradients\">Receives dJ/dtheta (<see cref=\"ParameterCount\"/> values); its previous contents are ignored.</param>");
        w.Line("/// <returns>J, the mean loss over the m examples.</returns>");
        w.Line("/// <exception cref=\"global::System.ArgumentException\">A span has the wrong length, or the batch is empty.</exception>");
        using (w.Block($"public {t} ComputeGradients(global::System.ReadOnlySpan<{t}> inputs, global::System.ReadOnlySpan<{t}> targets, global::System.Span<{t}> gradients)"))
        {
            w.Line($"int m = {rt}.ShapeGuard.Rows(inputs.Length, InputSize, nameof(inputs));");
            w.Line($"{rt}.TrainingGuard.NotEmpty(m, nameof(inputs));");
            w.Line($"{rt}.ShapeGuard.Length(targets.Length, m * OutputSize, nameof(targets));");
            w.Line($"{rt}.ShapeGuard.Length(gradients.Length, ParameterCount, nameof(gradients));");
            w.Line();
            w.Line("// Sum over examples of L_i and of each example's dW[l], db[l]; one example at a time, so no m-sized scratch.");
            w.Line("gradients.Clear();");
            w.Line($"{t} cost = {c.Zero};");
            using (w.Block("for (int i = 0; i < m; i++)"))
            {
                w.Line("cost += AccumulateExample(inputs.Slice(i * InputSize, InputSize), targets.Slice(i * OutputSize, OutputSize), gradients);");
            }

            w.Line();
            w.Line("// J = (1/m) sum_i L_i; dW[l] = (1/m) A[l-1]^T dZ[l]; db[l] = (1/m) sum_i dZ[l]_i");
            w.Line($"{t} scale = {c.Real(1)} / m;");
            using (w.Block("for (int q = 0; q < gradients.Length; q++)"))
            {
                w.Line("gradients[q] *= scale;");
            }

            w.Line();
            w.Line("return cost / m;");
        }

        w.Line();
        EmitExample(w, c, layout);
    }

    private static string LossDescription(LossKind loss) => loss switch
    {
        LossKind.BinaryCrossEntropy => "with the binary cross-entropy L_i = -sum_j [y_ij log a_ij + (1 - y_ij) log(1 - a_ij)]",
        LossKind.CrossEntropy => "with the cross-entropy L_i = -sum_j y_ij log a_ij",
        _ => "with the squared error L_i = 1/2 sum_j (a_ij - y_ij)^2",
    };

    /// <summary>Where the span-held quantities of each layer live in the training scratch.</summary>
    private sealed class ScratchLayout
    {
        public ScratchLayout(EmitContext c)
        {
            int offset = 0;
            for (int l = 1; l <= c.L; l++)
            {
                int n = c.Sizes[l];
                if (IsVector(c, l))
                {
                    Z[l] = offset;
                    A[l] = offset + n;
                    DZ[l] = offset + (2 * n);
                    offset += 3 * n;
                }
                else if (l < c.L && IsVector(c, l + 1))
                {
                    A[l] = offset;
                    offset += n;
                }
            }

            Length = offset;
        }

        public Dictionary<int, int> Z { get; } = new();

        public Dictionary<int, int> A { get; } = new();

        public Dictionary<int, int> DZ { get; } = new();

        public int Length { get; }
    }

    private static bool IsVector(EmitContext c, int l) => l >= 1 && c.TrainingPlan[l - 1] == LayerStrategy.VectorLoop;

    /// <summary>A[l] is a span: the input, a vector-loop layer, or an unrolled layer that feeds a vector-loop layer.</summary>
    private static bool ASpan(EmitContext c, int l) =>
        l == 0 || IsVector(c, l) || (l < c.L && IsVector(c, l + 1));

    private static string A(EmitContext c, int l, string j) => ASpan(c, l) ? $"a{l}[{j}]" : $"a{l}_{j}";

    private static string A(EmitContext c, int l, int j) => A(c, l, Literals.Int(j));

    private static string Z(EmitContext c, int l, int k) => IsVector(c, l) ? $"z{l}[{k}]" : $"z{l}_{k}";

    private static string DZ(EmitContext c, int l, int k) => IsVector(c, l) ? $"dz{l}[{k}]" : $"dz{l}_{k}";

    private static string Name(ActivationKind g) => EmitContext.FormulaName(g);

    private static void EmitExample(SourceWriter w, EmitContext c, ScratchLayout layout)
    {
        string t = c.T;
        w.Line("/// <summary>");
        w.Line("/// One example: the forward pass keeping Z[l] and A[l], its loss L_i, then the backward pass, adding");
        w.Line("/// A[l-1]^T dZ[l] to the dW[l] block and dZ[l] to the db[l] block of <paramref name=\"g\"/>. Lengths are checked by the caller.");
        w.Line("/// </summary>");
        using (w.Block($"private {t} AccumulateExample(global::System.ReadOnlySpan<{t}> a0, global::System.ReadOnlySpan<{t}> y, global::System.Span<{t}> g)"))
        {
            w.Line($"global::System.ReadOnlySpan<{t}> p = _parameters;");
            if (layout.Length > 0)
            {
                w.Line($"global::System.Span<{t}> scratch = _trainingScratch ??= new {t}[TrainingScratchLength];");
            }

            w.Line("// One range check of each span's last element up front lets the JIT drop those of the constant indices below.");
            w.Line("_ = a0[InputSize - 1];");
            w.Line("_ = y[OutputSize - 1];");
            w.Line("_ = p[ParameterCount - 1];");
            w.Line("_ = g[ParameterCount - 1];");

            for (int l = 1; l <= c.L; l++)
            {
                w.Line();
                if (IsVector(c, l))
                {
                    EmitVectorForward(w, c, layout, l);
                }
                else
                {
                    EmitUnrolledForward(w, c, layout, l);
                }
            }

            w.Line();
            EmitOutputDelta(w, c);

            for (int l = c.L; l >= 1; l--)
            {
                w.Line();
                EmitLayerGradients(w, c, l);
                if (l > 1)
                {
                    w.Line();
                    EmitDeltaBack(w, c, l);
                }
            }

            w.Line();
            w.Line("return loss;");
        }
    }

    private static void EmitUnrolledForward(SourceWriter w, EmitContext c, ScratchLayout layout, int l)
    {
        string t = c.T;
        int nOut = c.Sizes[l];
        ActivationKind g = c.Activation(l);
        w.Line($"// Layer {l}: Z{l} = A{l - 1} W{l} + b{l}, {c.Shape(l)}; A{l} = {Name(g)}(Z{l}), kept for the backward pass");
        UnrolledLayerWriter.WritePreActivations(w, c, l, j => A(c, l - 1, j));

        bool inSpan = ASpan(c, l);
        if (inSpan)
        {
            w.Line($"global::System.Span<{t}> a{l} = scratch.Slice({layout.A[l]}, {nOut});");
        }

        UnrolledLayerWriter.WriteActivations(w, c, l, k => inSpan ? A(c, l, k) : $"{t} {A(c, l, k)}");
    }

    private static void EmitVectorForward(SourceWriter w, EmitContext c, ScratchLayout layout, int l)
    {
        string t = c.T;
        string rt = EmitContext.Runtime;
        int nIn = c.Sizes[l - 1];
        int nOut = c.Sizes[l];
        ActivationKind g = c.Activation(l);
        w.Line($"// Layer {l}: Z{l} = A{l - 1} W{l} + b{l}, {c.Shape(l)}; A{l} = {Name(g)}(Z{l}) (vector loop, {Literals.Grouped((long)nIn * nOut)} multiply-adds)");
        w.Line($"global::System.Span<{t}> z{l} = scratch.Slice({layout.Z[l]}, {nOut});");
        w.Line($"global::System.Span<{t}> a{l} = scratch.Slice({layout.A[l]}, {nOut});");
        w.Line($"global::System.Span<{t}> dz{l} = scratch.Slice({layout.DZ[l]}, {nOut});");
        w.Line($"p.Slice({c.BiasOffset[l]}, {nOut}).CopyTo(z{l}); // Z{l} = b{l}, then add A{l - 1}_j times row j of W{l}");
        using (w.Block($"for (int j = 0; j < {nIn}; j++)"))
        {
            w.Line($"{rt}.Kernels.MultiplyAdd({A(c, l - 1, "j")}, p.Slice({Row(c.WeightOffset[l], nOut)}, {nOut}), z{l});");
        }

        if (g == ActivationKind.Softmax)
        {
            w.Line($"z{l}.CopyTo(a{l});");
            w.Line($"{rt}.ActivationFunctions.Softmax(a{l});");
        }
        else if (g == ActivationKind.Identity)
        {
            w.Line($"z{l}.CopyTo(a{l});");
        }
        else
        {
            using (w.Block($"for (int k = 0; k < {nOut}; k++)"))
            {
                w.Line($"a{l}[k] = {c.ApplyElementwise(g, $"z{l}[k]")};");
            }
        }
    }

    private static string Row(int offset, int width) =>
        offset == 0 ? $"j * {width}" : $"{offset} + (j * {width})";

    /// <summary>L_i and dZ[L] = dL_i/dZ[L].</summary>
    private static void EmitOutputDelta(SourceWriter w, EmitContext c)
    {
        string t = c.T;
        string rt = EmitContext.Runtime;
        int L = c.L;
        int n = c.Sizes[L];
        ActivationKind g = c.Activation(L);
        bool vector = IsVector(c, L);
        switch (c.Model.Loss)
        {
            case LossKind.BinaryCrossEntropy:
                w.Line($"// L_i = -sum_j [Y_j log A{L}_j + (1 - Y_j) log(1 - A{L}_j)], computed from Z{L} as sum_j [max(Z{L}_j, 0) - Y_j Z{L}_j + log(1 + e^-|Z{L}_j|)]");
                w.Line($"// dZ{L} = A{L} - Y (sigmoid + binary cross-entropy, fused)");
                if (vector)
                {
                    w.Line($"{t} loss = {c.Zero};");
                    using (w.Block($"for (int k = 0; k < {n}; k++)"))
                    {
                        w.Line($"loss += {rt}.LossFunctions.BinaryCrossEntropyWithLogit(z{L}[k], y[k]);");
                        w.Line($"dz{L}[k] = a{L}[k] - y[k];");
                    }
                }
                else
                {
                    w.Line($"{t} loss = " + string.Join(" + ", Enumerable.Range(0, n).Select(k => $"{rt}.LossFunctions.BinaryCrossEntropyWithLogit(z{L}_{k}, y[{k}])")) + ";");
                    for (int k = 0; k < n; k++)
                    {
                        w.Line($"{t} dz{L}_{k} = {A(c, L, k)} - y[{k}];");
                    }
                }

                return;

            case LossKind.CrossEntropy:
                w.Line($"// L_i = -sum_j Y_j log A{L}_j = sum_j Y_j (logsumexp(Z{L}) - Z{L}_j), never a log of a rounded probability");
                w.Line($"// dZ{L} = A{L} sum_j Y_j - Y (softmax + cross-entropy, fused; = A{L} - Y when the targets sum to 1)");
                if (vector)
                {
                    w.Line($"{t} logSumExp{L} = {rt}.LossFunctions.LogSumExp(z{L});");
                    w.Line($"{t} loss = {c.Zero};");
                    w.Line($"{t} targetSum = {c.Zero};");
                    using (w.Block($"for (int k = 0; k < {n}; k++)"))
                    {
                        w.Line($"loss += y[k] * (logSumExp{L} - z{L}[k]);");
                        w.Line("targetSum += y[k];");
                    }

                    using (w.Block($"for (int k = 0; k < {n}; k++)"))
                    {
                        w.Line($"dz{L}[k] = (a{L}[k] * targetSum) - y[k];");
                    }
                }
                else
                {
                    string log = c.Model.Precision == PrecisionKind.Single ? $"{rt}.LossFunctions.Log" : "global::System.Math.Log";
                    w.Line($"{t} logSumExp{L} = max{L} + {log}(sum{L});");
                    w.Line($"{t} loss = " + string.Join(" + ", Enumerable.Range(0, n).Select(k => $"y[{k}] * (logSumExp{L} - z{L}_{k})")) + ";");
                    w.Line($"{t} targetSum = " + string.Join(" + ", Enumerable.Range(0, n).Select(k => $"y[{k}]")) + ";");
                    for (int k = 0; k < n; k++)
                    {
                        w.Line($"{t} dz{L}_{k} = ({A(c, L, k)} * targetSum) - y[{k}];");
                    }
                }

                return;

            default:
                w.Line($"// L_i = 1/2 sum_j (A{L}_j - Y_j)^2; dA{L} = A{L} - Y");
                if (vector)
                {
                    w.Line($"{t} loss = {c.Zero};");
                    using (w.Block($"for (int k = 0; k < {n}; k++)"))
                    {
                        w.Line($"dz{L}[k] = a{L}[k] - y[k];");
                        w.Line($"loss += dz{L}[k] * dz{L}[k];");
                    }

                    w.Line($"loss *= {c.Real(0.5)};");
                }
                else
                {
                    for (int k = 0; k < n; k++)
                    {
                        w.Line($"{t} da{L}_{k} = {A(c, L, k)} - y[{k}];");
                    }

                    w.Line($"{t} loss = {c.Real(0.5)} * (" + string.Join(" + ", Enumerable.Range(0, n).Select(k => $"da{L}_{k} * da{L}_{k}")) + ");");
                }

                EmitActivationDerivative(w, c, L, g);
                return;
        }
    }

    /// <summary>
    /// dZ[l] = dA[l] * g'(Z[l]) (softmax: dZ = A * (dA - sum_k dA_k A_k)). For an unrolled layer dA[l] is in
    /// locals da{l}_k; for a vector-loop layer it is already in the dz{l} span and is transformed in place.
    /// </summary>
    private static void EmitActivationDerivative(SourceWriter w, EmitContext c, int l, ActivationKind g)
    {
        string t = c.T;
        string rt = EmitContext.Runtime;
        int n = c.Sizes[l];
        if (IsVector(c, l))
        {
            switch (g)
            {
                case ActivationKind.Identity:
                    w.Line($"// dZ{l} = dA{l} (identity: g' = 1, already in dz{l})");
                    break;
                case ActivationKind.Softmax:
                    w.Line($"// dZ{l} = A{l} * (dA{l} - sum_k dA{l}_k A{l}_k) (softmax Jacobian-vector product), in place");
                    w.Line($"{t} dot{l} = {rt}.Kernels.Dot(dz{l}, a{l});");
                    using (w.Block($"for (int k = 0; k < {n}; k++)"))
                    {
                        w.Line($"dz{l}[k] = a{l}[k] * (dz{l}[k] - dot{l});");
                    }

                    break;
                default:
                    w.Line($"// dZ{l} = dA{l} * {Name(g)}'(Z{l}), in place");
                    using (w.Block($"for (int k = 0; k < {n}; k++)"))
                    {
                        w.Line($"dz{l}[k] *= {rt}.ActivationDerivatives.{g}(z{l}[k], a{l}[k]);");
                    }

                    break;
            }

            return;
        }

        switch (g)
        {
            case ActivationKind.Identity:
                w.Line($"// dZ{l} = dA{l} (identity: g' = 1)");
                for (int k = 0; k < n; k++)
                {
                    w.Line($"{t} dz{l}_{k} = da{l}_{k};");
                }

                break;
            case ActivationKind.Softmax:
                w.Line($"// dZ{l} = A{l} * (dA{l} - sum_k dA{l}_k A{l}_k) (softmax Jacobian-vector product)");
                w.Line($"{t} dot{l} = " + string.Join(" + ", Enumerable.Range(0, n).Select(k => $"da{l}_{k} * {A(c, l, k)}")) + ";");
                for (int k = 0; k < n; k++)
                {
                    w.Line($"{t} dz{l}_{k} = {A(c, l, k)} * (da{l}_{k} - dot{l});");
                }

                break;
            default:
                w.Line($"// dZ{l} = dA{l} * {Name(g)}'(Z{l})");
                for (int k = 0; k < n; k++)
                {
                    w.Line($"{t} dz{l}_{k} = da{l}_{k} * {rt}.ActivationDerivatives.{g}(z{l}_{k}, {A(c, l, k)});");
                }

                break;
        }
    }

    /// <summary>dW[l] += A[l-1]^T dZ[l] (this example's outer product) and db[l] += dZ[l].</summary>
    private static void EmitLayerGradients(SourceWriter w, EmitContext c, int l)
    {
        string rt = EmitContext.Runtime;
        int nIn = c.Sizes[l - 1];
        int nOut = c.Sizes[l];
        if (IsVector(c, l))
        {
            w.Line($"// dW{l} += A{l - 1}^T dZ{l}: row j of dW{l} gains A{l - 1}_j dZ{l}");
            using (w.Block($"for (int j = 0; j < {nIn}; j++)"))
            {
                w.Line($"{rt}.Kernels.MultiplyAdd({A(c, l - 1, "j")}, dz{l}, g.Slice({Row(c.WeightOffset[l], nOut)}, {nOut}));");
            }

            w.Line($"// db{l} += dZ{l}");
            w.Line($"{rt}.Kernels.MultiplyAdd({c.Real(1)}, dz{l}, g.Slice({c.BiasOffset[l]}, {nOut}));");
            return;
        }

        w.Line($"// dW{l} += A{l - 1}^T dZ{l} ({nIn}x{nOut} outer product)");
        for (int j = 0; j < nIn; j++)
        {
            for (int k = 0; k < nOut; k++)
            {
                w.Line($"g[{c.WeightOffset[l] + (j * nOut) + k}] += {A(c, l - 1, j)} * dz{l}_{k};");
            }
        }

        w.Line($"// db{l} += dZ{l}");
        for (int k = 0; k < nOut; k++)
        {
            w.Line($"g[{c.BiasOffset[l] + k}] += dz{l}_{k};");
        }
    }

    /// <summary>dA[l-1] = dZ[l] W[l]^T, then dZ[l-1] = dA[l-1] * g'(Z[l-1]).</summary>
    private static void EmitDeltaBack(SourceWriter w, EmitContext c, int l)
    {
        string t = c.T;
        string rt = EmitContext.Runtime;
        int prev = l - 1;
        int nPrev = c.Sizes[prev];
        int nOut = c.Sizes[l];
        bool intoSpan = IsVector(c, prev);
        string where = intoSpan ? $" (into dz{prev}, turned into dZ{prev} in place below)" : string.Empty;
        w.Line($"// dA{prev} = dZ{l} W{l}^T: dA{prev}_j = sum_k dZ{l}_k W{l}_jk{where}");
        if (IsVector(c, l))
        {
            if (intoSpan)
            {
                using (w.Block($"for (int j = 0; j < {nPrev}; j++)"))
                {
                    w.Line($"dz{prev}[j] = {rt}.Kernels.Dot(dz{l}, p.Slice({Row(c.WeightOffset[l], nOut)}, {nOut}));");
                }
            }
            else
            {
                for (int j = 0; j < nPrev; j++)
                {
                    w.Line($"{t} da{prev}_{j} = {rt}.Kernels.Dot(dz{l}, p.Slice({c.WeightOffset[l] + (j * nOut)}, {nOut}));");
                }
            }
        }
        else
        {
            for (int j = 0; j < nPrev; j++)
            {
                string sum = string.Join(" + ", Enumerable.Range(0, nOut).Select(k => $"dz{l}_{k} * p[{c.WeightOffset[l] + (j * nOut) + k}]"));
                w.Line(intoSpan ? $"dz{prev}[{j}] = {sum};" : $"{t} da{prev}_{j} = {sum};");
            }
        }

        EmitActivationDerivative(w, c, prev, c.Activation(prev));
    }
}
