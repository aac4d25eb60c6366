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

    /// <summary>log sum_k e^(z_k), computed as max + log sum_k e^(z_k - max) so nothing overflows.</summary>
    /// <param name="z">The pre-activations of a softmax layer.</param>
    /// <returns>log-sum-exp of <paramref name="z"/>.</returns>
    public static float LogSumExp(ReadOnlySpan<float> z)
    {
        float max = float.NegativeInfinity;
        for (int k = 0; k < z.Length; k++)
        {
            max = Math.Max(max, z[k]);
        }

        float sum = 0f;
        for (int k = 0; k < z.Length; k++)
        {
            sum += ActivationFunctions.Exp(z[k] - max);
        }

        return max + Log(sum);
    }

    /// <inheritdoc cref="LogSumExp(ReadOnlySpan{float})"/>
    public static double LogSumExp(ReadOnlySpan<double> z)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < z.Length; k++)
        {
            max = Math.Max(max, z[k]);
        }

        double sum = 0d;
        for (int k = 0; k < z.Length; k++)
        {
            sum += Math.Exp(z[k] - max);
        }

        return max + Math.Log(sum);
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
