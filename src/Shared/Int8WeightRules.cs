// The int8 scheme's weight quantisation (docs/int8.md, "The scheme"), written once for the two places that apply it:
// the runtime's ToInt8() (src/Backprop.Generated/Quantized/Int8Layer.cs) and the generator's build-time baking of
// Weights = "..." with Quantization.Int8 (generator/Backprop.Generated.Generator/Weights/SafeTensorsBaker.cs). Both
// must give the same bits, so the arithmetic lives here, compiled into both assemblies like SafeTensorsRules.cs:
// plain C# over netstandard2.0's base library, internal in both.
using System;
using System.Runtime.CompilerServices;

namespace Backprop.Generated.Serialization;

/// <summary>
/// Symmetric int8 quantisation of one output unit's weights: s_j = max_i |W_ij| / 127 and
/// q_ij = clamp(round_half_even(W_ij / s_j), -127, 127), all in single precision (a column of zeros has s_j = 0 and
/// q_:j = 0).
/// </summary>
internal static class Int8WeightRules
{
    /// <summary>The largest |q|: the scheme is symmetric, so -128 is never produced and files holding it are refused.</summary>
    public const int MaxMagnitude = 127;

    /// <summary>round-half-even(<paramref name="value"/>) clamped to [-127, 127] (NaN is never passed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int RoundClamp(float value)
    {
        // float -> double is exact, so rounding the double rounds the float; Math.Round(double) rounds half to even
        // (roundsd; the overload taking a MidpointRounding is not an intrinsic and costs several times more).
        double rounded = Math.Round((double)value);
        return rounded <= -127d ? -127 : rounded >= 127d ? 127 : (int)rounded;
    }

    /// <summary>s_j for a unit whose largest weight magnitude is <paramref name="maxMagnitude"/> (finite, >= 0).</summary>
    public static float Scale(float maxMagnitude) => maxMagnitude / 127f;

    /// <summary>q_ij for weight <paramref name="weight"/> of a unit with scale <paramref name="scale"/>: 0 when the scale is 0.</summary>
    public static sbyte Quantize(float weight, float scale) => scale == 0f ? (sbyte)0 : (sbyte)RoundClamp(weight / scale);

    /// <summary>|<paramref name="weight"/>| folded into the running maximum <paramref name="max"/> (both finite).</summary>
    public static float MaxMagnitudeOf(float max, float weight) => Math.Max(max, Math.Abs(weight));
}
