using Backprop.Generated.Generator.Model;
using Names = Backprop.Generated.Generator.Rules.GeneratedMembers;

namespace Backprop.Generated.Generator.Emit;

/// <summary>
/// Writes <c>InitializeParameters(seed)</c>: Glorot-uniform weights for identity, sigmoid, tanh, softplus and
/// softmax layers, He-uniform for the ReLU family (ReLU, leaky ReLU, ELU, SiLU), zero biases, all drawn from
/// one integer random stream so a seed gives the same parameters on every platform.
/// </summary>
internal static class InitializationEmitter
{
    /// <summary>Whether layer activation g gets He initialisation (otherwise Glorot).</summary>
    public static bool UsesHe(ActivationKind g) =>
        g is ActivationKind.ReLU or ActivationKind.LeakyReLU or ActivationKind.ELU or ActivationKind.SiLU;

    public static void Emit(SourceWriter w, EmitContext c)
    {
        string rt = EmitContext.Runtime;
        w.Line("/// <summary>");
        w.Line("/// Sets every weight from its layer's initialisation distribution and every bias to zero, from one");
        w.Line("/// <see cref=\"global::Backprop.Generated.SplitMix64\"/> stream seeded with <paramref name=\"seed\"/>: bit-identical on every platform.");
        w.Line("/// </summary>");
        w.Line("/// <remarks>");
        w.Line("/// <list type=\"bullet\">");
        for (int l = 1; l <= c.L; l++)
        {
            w.Line($"/// <item><description>{Describe(c, l)}</description></item>");
        }

        w.Line("/// </list>");
        w.Line("/// </remarks>");
        w.Line("/// <param name=\"seed\">The seed; equal seeds give equal parameters.</param>");
        using (w.MemberBlock($"public void {Names.InitializeParameters}(int seed)"))
        {
            w.Line($"{rt}.SplitMix64 random = {EmitContext.Internals}.Initialization.CreateStream(seed);");
            for (int l = 1; l <= c.L; l++)
            {
                int nIn = c.Sizes[l - 1];
                int nOut = c.Sizes[l];
                w.Line($"// {Describe(c, l)}");
                w.Line(UsesHe(c.Activation(l))
                    ? $"{EmitContext.Internals}.Initialization.HeUniform(W{l}, {Literals.Int(nIn)}, ref random);"
                    : $"{EmitContext.Internals}.Initialization.GlorotUniform(W{l}, {Literals.Int(nIn)}, {Literals.Int(nOut)}, ref random);");
                w.Line($"b{l}.Clear();");
            }

            if (c.Model.HasDropout)
            {
                w.Line("// The dropout masks continue the same stream after the last weight");
                w.Line("_dropoutRandom = random;");
            }
        }
    }

    private static string Describe(EmitContext c, int l)
    {
        int nIn = c.Sizes[l - 1];
        int nOut = c.Sizes[l];
        string g = EmitContext.FormulaName(c.Activation(l));
        return UsesHe(c.Activation(l))
            ? $"W{l} ~ U(-sqrt(6 / {nIn}), sqrt(6 / {nIn})) (He-uniform, {g} layer); b{l} = 0"
            : $"W{l} ~ U(-sqrt(6 / ({nIn} + {nOut})), sqrt(6 / ({nIn} + {nOut}))) (Glorot-uniform, {g} layer); b{l} = 0";
    }
}
