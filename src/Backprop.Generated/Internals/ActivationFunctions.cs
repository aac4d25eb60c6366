using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Backprop.Generated.Internals;

/// <summary>
/// The scalar activation functions that generated code calls, in <see cref="float"/> and
/// <see cref="double"/>. Each is written to stay finite and accurate for |z| up to 1e4 and beyond.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ActivationFunctions
{
    /// <summary>The logistic sigmoid 1 / (1 + e^-z), evaluated without overflow for any z.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float z)
    {
        // For z < 0, e^-z overflows; the algebraically equal e^z / (1 + e^z) does not.
        if (z >= 0f)
        {
            return 1f / (1f + Exp(-z));
        }

        float e = Exp(z);
        return e / (1f + e);
    }

    /// <inheritdoc cref="Sigmoid(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Sigmoid(double z)
    {
        if (z >= 0d)
        {
            return 1d / (1d + Math.Exp(-z));
        }

        double e = Math.Exp(z);
        return e / (1d + e);
    }

    /// <summary>The hyperbolic tangent.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float z) =>
#if NET8_0_OR_GREATER
        MathF.Tanh(z);
#else
        (float)Math.Tanh(z);
#endif

    /// <inheritdoc cref="Tanh(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Tanh(double z) => Math.Tanh(z);

    /// <summary>max(0, z); NaN for NaN, as PyTorch's relu.</summary>
    /// <remarks>
    /// Written as <c>z &lt;= 0 ? 0 : z</c>: every comparison with NaN is false, so this form lets NaN through,
    /// where <c>z &gt; 0 ? z : 0</c> would silently turn a NaN input or weight into a finite 0.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ReLU(float z) => z <= 0f ? 0f : z;

    /// <inheritdoc cref="ReLU(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ReLU(double z) => z <= 0d ? 0d : z;

    /// <summary>The slope of <see cref="LeakyReLU(float)"/> for negative inputs.</summary>
    public const double LeakyReLUSlope = 0.01;

    /// <summary>z for z &gt; 0, else 0.01 z (NaN for NaN).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float LeakyReLU(float z) => z > 0f ? z : (float)LeakyReLUSlope * z;

    /// <inheritdoc cref="LeakyReLU(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double LeakyReLU(double z) => z > 0d ? z : LeakyReLUSlope * z;

    /// <summary>z for z &gt; 0, else e^z - 1 (ELU with alpha = 1), accurate near zero; NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float ELU(float z) => z > 0f ? z : (float)ExpM1(z);

    /// <inheritdoc cref="ELU(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ELU(double z) => z > 0d ? z : ExpM1(z);

    /// <summary>z * sigmoid(z).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float SiLU(float z) =>
        // Below -80 the single-precision e^z nears the subnormal range and loses its low bits: use double there.
        z < -80f ? (float)SiLU((double)z) : z * Sigmoid(z);

    /// <inheritdoc cref="SiLU(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double SiLU(double z) =>
        // Below -700, e^z is near or under the subnormal range and has lost its low bits. There
        // sigmoid(z) = e^z (1 + e^z rounds to 1), and z e^z = (z e^(z + 700)) e^-700 with every factor
        // normal: z + 700 is exact (Sterbenz) for z >= -1400, and below that the result is 0 anyway.
        z < -700d ? z * Math.Exp(z + 700d) * ExpMinus700 : z * Sigmoid(z);

    private static readonly double ExpMinus700 = Math.Exp(-700d);

    /// <summary>log(1 + e^z), computed as max(z, 0) + log1p(e^-|z|) so it neither overflows nor loses small values.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Softplus(float z) => (float)Softplus((double)z);

    /// <inheritdoc cref="Softplus(float)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double Softplus(double z) => Math.Max(z, 0d) + Log1P(Math.Exp(-Math.Abs(z)));

    /// <summary>
    /// Replaces <paramref name="z"/> with softmax(z): e^(z_k - max z) / sum_j e^(z_j - max z).
    /// Subtracting the maximum keeps every exponent &lt;= 0, so nothing overflows. Compiled fully optimised at its first
    /// call (the int8 form's softmax step, and one-example code, run it in a loop from the start).
    /// </summary>
#if NET8_0_OR_GREATER
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
#endif
    public static void Softmax(Span<float> z)
    {
        float max = float.NegativeInfinity;
        for (int k = 0; k < z.Length; k++)
        {
            max = Math.Max(max, z[k]);
        }

        float sum = 0f;
        for (int k = 0; k < z.Length; k++)
        {
            z[k] = Exp(z[k] - max);
            sum += z[k];
        }

        float inverse = 1f / sum;
        for (int k = 0; k < z.Length; k++)
        {
            z[k] *= inverse;
        }
    }

    /// <inheritdoc cref="Softmax(Span{float})"/>
    public static void Softmax(Span<double> z)
    {
        double max = double.NegativeInfinity;
        for (int k = 0; k < z.Length; k++)
        {
            max = Math.Max(max, z[k]);
        }

        double sum = 0d;
        for (int k = 0; k < z.Length; k++)
        {
            z[k] = Math.Exp(z[k] - max);
            sum += z[k];
        }

        double inverse = 1d / sum;
        for (int k = 0; k < z.Length; k++)
        {
            z[k] *= inverse;
        }
    }

    /// <summary>e^x in single precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Exp(float x) =>
#if NET8_0_OR_GREATER
        MathF.Exp(x);
#else
        (float)Math.Exp(x);
#endif

    /// <summary>log(1 + x), accurate for tiny x (Goldberg's method).</summary>
    public static double Log1P(double x)
    {
        double u = 1d + x;
        if (u == 1d)
        {
            return x;
        }

        return Math.Log(u) * x / (u - 1d);
    }

    /// <summary>e^x - 1, accurate for tiny x (Kahan's method).</summary>
    public static double ExpM1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1d)
        {
            return x;
        }

        double um1 = u - 1d;
        if (um1 == -1d)
        {
            return -1d;
        }

        return um1 * x / Math.Log(u);
    }
}
