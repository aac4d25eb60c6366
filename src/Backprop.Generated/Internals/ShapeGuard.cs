using System;
using System.ComponentModel;
using System.Diagnostics;
#if NET8_0_OR_GREATER
using System.Diagnostics.CodeAnalysis;
#endif
using System.Runtime.CompilerServices;

namespace Backprop.Generated.Internals;

/// <summary>
/// The argument checks that generated span APIs run before touching any data. A mismatch throws an
/// <see cref="ArgumentException"/> naming the parameter, the expected and the actual length.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ShapeGuard
{
    /// <summary>Throws unless <paramref name="actual"/> equals <paramref name="expected"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Length(int actual, int expected, string parameterName)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, parameterName);
        }
    }

    /// <summary>
    /// Returns the number of rows m of a row-major batch of <paramref name="rowLength"/>-element rows,
    /// or throws when <paramref name="actual"/> is not a multiple of <paramref name="rowLength"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Rows(int actual, int rowLength, string parameterName)
    {
        int rows = actual / rowLength;
        if (rows * rowLength != actual)
        {
            ThrowRows(actual, rowLength, parameterName);
        }

        return rows;
    }

    // The throw helpers are not marked NoInlining: the JIT then reads their IL, sees that they never return, keeps
    // them out of line anyway and treats each call as the end of a cold path. Marked NoInlining, the call looked like
    // one that returns: the callers kept their bounds checks after the guards and the span registers alive across the
    // call, which cost W1's one-example Forward about 3 of its 24 ns (measured).
#if NET8_0_OR_GREATER
    [StackTraceHidden]
    [DoesNotReturn]
#endif
    private static void ThrowLength(int actual, int expected, string parameterName) =>
        throw new ArgumentException($"'{parameterName}' must have length {expected} but has length {actual}.{(parameterName == "targets" ? TargetsHint : string.Empty)}", parameterName);

    private const string TargetsHint = " Targets are one row of OutputSize values per input row (one-hot rows for a classifier); for integer class labels use the overloads taking ReadOnlySpan<int> labels.";

#if NET8_0_OR_GREATER
    [StackTraceHidden]
    [DoesNotReturn]
#endif
    private static void ThrowRows(int actual, int rowLength, string parameterName) =>
        throw new ArgumentException(
            $"'{parameterName}' must hold whole rows of {rowLength} values (a length that is a multiple of {rowLength}) but has length {actual}.",
            parameterName);
}
