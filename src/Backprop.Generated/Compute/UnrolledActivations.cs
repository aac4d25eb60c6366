#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Backprop.Generated.Compute;

/// <summary>
/// Single-precision sigmoid and tanh for the straight-line code of tiny layers (fewer than four units), where one
/// example's few activations are a chain of dependent steps and their latency, not their throughput, sets the time.
/// A layer of two or three units evaluates <see cref="LaneMath"/>'s polynomial once on a 128-bit register; a single
/// unit takes e^x from <see cref="MathF.Exp"/> (the platform's C library, a short table-driven evaluation) with one
/// division and no range branches beyond tanh's small-argument polynomial.
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

    /// <summary>sigmoid of the two units of a tiny layer at once (see <see cref="Sigmoid(float, float, float, out float, out float, out float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sigmoid(float z0, float z1, out float a0, out float a1) =>
        InOneRegister<Activations.Sigmoid>(z0, z1, 0f, out a0, out a1, out _);

    /// <summary>
    /// sigmoid of the three units of a tiny layer at once, in one 128-bit register: one evaluation of
    /// <see cref="LaneMath.Sigmoid{TOps, TV}"/> (short latency, no call); without SIMD the scalar polynomial per unit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Sigmoid(float z0, float z1, float z2, out float a0, out float a1, out float a2) =>
        InOneRegister<Activations.Sigmoid>(z0, z1, z2, out a0, out a1, out a2);

    /// <summary>tanh of the two units of a tiny layer at once (see <see cref="Tanh(float, float, float, out float, out float, out float)"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tanh(float z0, float z1, out float a0, out float a1) =>
        InOneRegister<Activations.Tanh>(z0, z1, 0f, out a0, out a1, out _);

    /// <summary>
    /// tanh of the three units of a tiny layer at once, in one 128-bit register: one evaluation of
    /// <see cref="LaneMath.Tanh{TOps, TV}"/>; without SIMD the scalar polynomial per unit.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tanh(float z0, float z1, float z2, out float a0, out float a1, out float a2) =>
        InOneRegister<Activations.Tanh>(z0, z1, z2, out a0, out a1, out a2);

    /// <summary>g of three values in the lanes of one 128-bit register, or one by one where there is no SIMD.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void InOneRegister<TActivation>(float z0, float z1, float z2, out float a0, out float a1, out float a2)
        where TActivation : IActivation
    {
        if (Vector128.IsHardwareAccelerated)
        {
            Vector128<float> a = TActivation.Apply<Lanes128Single, Vector128<float>, float>(Vector128.Create(z0, z1, z2, 0f));
            a0 = a.GetElement(0);
            a1 = a.GetElement(1);
            a2 = a.GetElement(2);
        }
        else
        {
            a0 = TActivation.Apply<Scalar<float>, float, float>(z0);
            a1 = TActivation.Apply<Scalar<float>, float, float>(z1);
            a2 = TActivation.Apply<Scalar<float>, float, float>(z2);
        }
    }

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
