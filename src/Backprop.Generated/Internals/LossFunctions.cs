using System;
using System.Runtime.CompilerServices;

namespace Backprop.Generated.Internals;

/// <summary>
/// The numerically delicate pieces of the losses, computed from the pre-activation z rather than from
/// a probability, so no log of 0 or of a rounded 1 appears.
/// </summary>
internal static class LossFunctions
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

    /// <summary>
    /// The softmax cross-entropy of one example from its logits, -sum_j y_j log softmax(z)_j =
    /// sum_j y_j ((max z - z_j) + log(1 + sum over the other k of e^(z_k - max z))).
    /// </summary>
    /// <remarks>
    /// The difference max z - z_j is taken before the log-sum is added. The algebraically equal
    /// logsumexp(z) - z_j first rounds logsumexp(z) to the precision of the largest logit: for logits
    /// [1891, 1890, -1047] and class 1 that gives 1.3132324 in single precision instead of 1.31326169
    /// (PyTorch float32: 1.31326163). NaN in a logit or a target gives NaN.
    /// </remarks>
    /// <param name="z">The pre-activations Z[L] of the softmax output layer (n_L values).</param>
    /// <param name="y">The targets, a one-hot row or class probabilities (n_L values).</param>
    /// <returns>The loss L_i of the example.</returns>
    public static float SoftmaxCrossEntropy(ReadOnlySpan<float> z, ReadOnlySpan<float> y)
    {
        float max = float.NegativeInfinity;
        int argMax = -1;
        for (int k = 0; k < z.Length; k++)
        {
            // NaN fails every comparison: take it as the maximum so it reaches the result.
            if (!(z[k] <= max))
            {
                max = z[k];
                argMax = k;
            }
        }

        float rest = 0f;
        for (int k = 0; k < z.Length; k++)
        {
            if (k != argMax)
            {
                rest += ActivationFunctions.Exp(z[k] - max);
            }
        }

        float logRest = (float)ActivationFunctions.Log1P(rest);
        float loss = 0f;
        for (int k = 0; k < z.Length; k++)
        {
            loss += y[k] * ((max - z[k]) + logRest);
        }

        return loss;
    }

    /// <inheritdoc cref="SoftmaxCrossEntropy(ReadOnlySpan{float}, ReadOnlySpan{float})"/>
    public static double SoftmaxCrossEntropy(ReadOnlySpan<double> z, ReadOnlySpan<double> y)
    {
        double max = double.NegativeInfinity;
        int argMax = -1;
        for (int k = 0; k < z.Length; k++)
        {
            if (!(z[k] <= max))
            {
                max = z[k];
                argMax = k;
            }
        }

        double rest = 0d;
        for (int k = 0; k < z.Length; k++)
        {
            if (k != argMax)
            {
                rest += Math.Exp(z[k] - max);
            }
        }

        double logRest = ActivationFunctions.Log1P(rest);
        double loss = 0d;
        for (int k = 0; k < z.Length; k++)
        {
            loss += y[k] * ((max - z[k]) + logRest);
        }

        return loss;
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
