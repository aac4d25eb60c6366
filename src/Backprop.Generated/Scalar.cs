using System;
using System.Runtime.CompilerServices;

namespace Backprop.Generated;

/// <summary>
/// Conversions between a network's element type (float or double) and double for the generic runtime
/// code. For a value type T the JIT removes the box in <c>(float)(object)value</c>, so nothing is allocated.
/// </summary>
internal static class Scalar
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static double ToDouble<T>(T value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return (float)(object)value;
        }

        if (typeof(T) == typeof(double))
        {
            return (double)(object)value;
        }

        throw Unsupported<T>();
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T FromDouble<T>(double value)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            return (T)(object)(float)value;
        }

        if (typeof(T) == typeof(double))
        {
            return (T)(object)value;
        }

        throw Unsupported<T>();
    }

    private static NotSupportedException Unsupported<T>() =>
        new NotSupportedException($"Networks compute in float or double, not {typeof(T)}.");
}
