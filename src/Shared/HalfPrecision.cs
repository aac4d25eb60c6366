// Compiled into the runtime (src/Backprop.Generated) and the generator (its build-time safetensors reader), as
// SafeTensorsRules.cs beside it is: plain C# with nothing beyond netstandard2.0's base library, internal in both.
using System.Runtime.InteropServices;

namespace Backprop.Generated.Serialization;

/// <summary>
/// Widening of IEEE 754 binary16 (safetensors dtype F16) and bfloat16 (BF16) to binary32. Both are exact:
/// every F16 and BF16 value is a float. Written out because netstandard2.0 has no System.Half.
/// </summary>
internal static class HalfPrecision
{
    /// <summary>The float whose value equals the binary16 value with bits <paramref name="bits"/>.</summary>
    public static float HalfToSingle(ushort bits)
    {
        int sign = (bits >> 15) & 1;
        int exponent = (bits >> 10) & 0x1F;
        int mantissa = bits & 0x3FF;
        uint result;
        if (exponent == 0x1F)
        {
            // Infinity or NaN: all-ones exponent, mantissa kept (NaN payload shifted into place).
            result = ((uint)sign << 31) | 0x7F800000u | ((uint)mantissa << 13);
        }
        else if (exponent != 0)
        {
            // Normal: rebias the exponent from 15 to 127.
            result = ((uint)sign << 31) | ((uint)(exponent - 15 + 127) << 23) | ((uint)mantissa << 13);
        }
        else if (mantissa == 0)
        {
            result = (uint)sign << 31;
        }
        else
        {
            // Subnormal binary16: value = mantissa * 2^-24, a normal float.
            int shift = 0;
            while ((mantissa & 0x400) == 0)
            {
                mantissa <<= 1;
                shift++;
            }

            mantissa &= 0x3FF;
            result = ((uint)sign << 31) | ((uint)(127 - 15 + 1 - shift) << 23) | ((uint)mantissa << 13);
        }

        return Int32BitsToSingle((int)result);
    }

    /// <summary>The float whose upper 16 bits are <paramref name="bits"/> (bfloat16 is a truncated float).</summary>
    public static float BFloat16ToSingle(ushort bits) => Int32BitsToSingle(bits << 16);

#if NETCOREAPP2_0_OR_GREATER
    /// <summary>The float with bits <paramref name="bits"/>.</summary>
    public static float Int32BitsToSingle(int bits) => System.BitConverter.Int32BitsToSingle(bits);

    /// <summary>The bits of <paramref name="value"/>.</summary>
    public static int SingleToInt32Bits(float value) => System.BitConverter.SingleToInt32Bits(value);
#else
    /// <summary>The float with bits <paramref name="bits"/> (netstandard2.0 has no BitConverter.Int32BitsToSingle).</summary>
    public static float Int32BitsToSingle(int bits) => new SingleBits { Int32 = bits }.Single;

    /// <summary>The bits of <paramref name="value"/>.</summary>
    public static int SingleToInt32Bits(float value) => new SingleBits { Single = value }.Int32;

    /// <summary>A float and an int over the same four bytes: a bit cast with no dependency and no allocation.</summary>
    [StructLayout(LayoutKind.Explicit)]
    private struct SingleBits
    {
        [FieldOffset(0)]
        public int Int32;

        [FieldOffset(0)]
        public float Single;
    }
#endif
}
