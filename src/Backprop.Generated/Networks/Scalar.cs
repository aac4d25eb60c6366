using System;
using System.Runtime.CompilerServices;

namespace Backprop.Generated;

/// <summary>
/// Conversions between a network's element type (float or double) and double for the generic runtime
/// code. On .NET 8+ the value is reinterpreted in place (no allocation at any tier); on netstandard2.0 the
/// <c>(float)(object)value</c> pattern is used, whose box optimised JIT code removes.
/// </summary>
internal static class Scalar
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble<T>(T value)
        where T : unmanaged
    {
#if NET8_0_OR_GREATER
        // Reinterpreting the reference allocates nothing even in unoptimised (tier-0) code.
        if (typeof(T) == typeof(float))
        {
            return Unsafe.As<T, float>(ref value);
        }

        if (typeof(T) == typeof(double))
        {
            return Unsafe.As<T, double>(ref value);
        }
#else
        if (typeof(T) == typeof(float))
        {
            return (float)(object)value;
        }

        if (typeof(T) == typeof(double))
        {
            return (double)(object)value;
        }
#endif

        throw Unsupported<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromDouble<T>(double value)
        where T : unmanaged
    {
#if NET8_0_OR_GREATER
        if (typeof(T) == typeof(float))
        {
            float single = (float)value;
            return Unsafe.As<float, T>(ref single);
        }

        if (typeof(T) == typeof(double))
        {
            return Unsafe.As<double, T>(ref value);
        }
#else
        if (typeof(T) == typeof(float))
        {
            return (T)(object)(float)value;
        }

        if (typeof(T) == typeof(double))
        {
            return (T)(object)value;
        }
#endif

        throw Unsupported<T>();
    }

    private static NotSupportedException Unsupported<T>() =>
        new NotSupportedException($"Networks compute in float or double, not {typeof(T)}.");
}
