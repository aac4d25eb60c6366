#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Backprop.Generated.Compute;

/// <summary>
/// Single-precision sigmoid and tanh for the straight-line code of tiny layers (fewer than four units), where one
/// example's few activations are a chain of dependent calls and their latency, not their throughput, sets the time.
/// Both take e^x from <see cref="MathF.Exp"/> (the platform's C library, a short table-driven evaluation) and apply it
/// with one division and no range branches beyond tanh's small-argument polynomial. The vector kernels keep
/// <see cref="LaneMath"/>'s polynomials, which are faster per element when a register holds many units.
/// </summary>
/// <remarks>
/// Accuracy, checked by the numerical tests against double precision: relative error below 1e-6 wherever the result
/// is a normal single-precision number, NaN for NaN, and the right limits at the infinities.
/// sigmoid(z) = 1 / (1 + e^-z): for z &lt; 0, e^-z is large and the quotient loses nothing; below z = -88.7, e^-z
/// overflows and the result is 0 where the exact value is subnormal (below 1.2e-38).
/// tanh(z): z + z^3 P(z^2) (Cephes tanhf) for |z| &lt; 0.625; otherwise (1 - e) / (1 + e) with e = e^(-2|z|) in (0, 0.29],
/// so neither side cancels, and the sign of z.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class UnrolledActivations
{
    /// <summary>1 / (1 + e^-z).</summary>
    /// <param name="z">The pre-activation.</param>
    /// <returns>sigmoid(z) in [0, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Sigmoid(float z) => 1f / (1f + MathF.Exp(-z));

    /// <summary>tanh(z).</summary>
    /// <param name="z">The pre-activation.</param>
    /// <returns>tanh(z) in [-1, 1]; NaN for NaN.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Tanh(float z)
    {
        float a = MathF.Abs(z);
        if (a < 0.625f)
        {
            float s = z * z;
            float p = -5.70498872745E-3f;
            p = (p * s) + 2.06390887954E-2f;
            p = (p * s) - 5.37397155531E-2f;
            p = (p * s) + 1.33314422036E-1f;
            p = (p * s) - 3.33332819422E-1f;
            return (p * s * z) + z;
        }

        float e = MathF.Exp(-2f * a);
        return MathF.CopySign((1f - e) / (1f + e), z);
    }
}
#endif
