using System;
using System.Runtime.CompilerServices;

namespace Backprop.Generated;

/// <summary>
/// The numerically delicate pieces of the losses, computed from the pre-activation z rather than from
/// a probability, so no log of 0 or of a rounded 1 appears.
/// </summary>
public static class LossFunctions
{
    /// <summary>
    /// -[y log sigmoid(z) + (1 - y) log(1 - sigmoid(z))] = max(z, 0) - y z + log(1 + e^-|z|),
    /// the binary cross-entropy of one output, exact for any z (PyTorch's BCEWithLogits form).
    /// </summary>
    /// <param name="z">The output unit's pre-activation.</param>
    /// <param name="y">The target.</param>
    /// <returns>The loss term.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float BinaryCrossEntropyWithLogit(float z, float y) => (float)BinaryCrossEntropyWithLogit((double)z, y);

    /// <inheritdoc cref="BinaryCrossEntropyWithLogit(float, float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double BinaryCrossEntropyWithLogit(double z, double y) =>
        Math.Max(z, 0d) - (y * z) + ActivationFunctions.Log1P(Math.Exp(-Math.Abs(z)));

    /// <summary>
    /// log sum_k e^(z_k), computed as max + log1p(sum over the other k of e^(z_k - max)): nothing overflows, and
    /// the result keeps full relative accuracy when one term dominates.
    /// </summary>
    /// <param name="z">The pre-activations of a softmax layer.</param>
    /// <returns>log-sum-exp of <paramref name="z"/>.</returns>
    public static float LogSumExp(ReadOnlySpan<float> z)
    {
        float max = float.NegativeInfinity;
        for (int k = 0; k < z.Length; k++)
        {
            max = Math.Max(max, z[k]);
        }

        // The largest term is e^0 = 1 exactly; summing the others apart and taking log1p keeps a
        // cross-entropy near 0 (a confident correct class, loss about e^(z_other - max)) instead of rounding it to 0.
        float rest = 0f;
        bool skipped = false;
        for (int k = 0; k < z.Length; k++)
        {
            if (!skipped && z[k] == max)
            {
                skipped = true;
                continue;
            }

            rest += ActivationFunctions.Exp(z[k] - max);
        }

        return max + (float)ActivationFunctions.Log1P(rest);
    }

    /// <inheritdoc cref="LogSumExp(ReadOnlySpan{float})"/>
    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < z.Length; k++)
        {
            max = Math.Max(max, z[k]);
        }

        double rest = 0d;
        bool skipped = false;
        for (int k = 0; k < z.Length; k++)
        {
            if (!skipped && z[k] == max)
            {
                skipped = true;
                continue;
            }

            rest += Math.Exp(z[k] - max);
        }

        return max + ActivationFunctions.Log1P(rest);
    }

    /// <summary>The natural logarithm in single precision.</summary>
    /// <param name="x">x &gt; 0.</param>
    /// <returns>log x.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Log(float x) =>
#if NET8_0_OR_GREATER
        MathF.Log(x);
#else
        (float)Math.Log(x);
#endif
}
