using System;
using System.ComponentModel;
using System.Diagnostics;
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

#if NET8_0_OR_GREATER
    [StackTraceHidden]
#endif
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowLength(int actual, int expected, string parameterName) =>
        throw new ArgumentException($"'{parameterName}' must have length {expected} but has length {actual}.{(parameterName == "targets" ? TargetsHint : string.Empty)}", parameterName);

    private const string TargetsHint = " Targets are one row of OutputSize values per input row (one-hot rows for a classifier); for integer class labels use the overloads taking ReadOnlySpan<int> labels.";

#if NET8_0_OR_GREATER
    [StackTraceHidden]
#endif
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void ThrowRows(int actual, int rowLength, string parameterName) =>
        throw new ArgumentException(
            $"'{parameterName}' must hold whole rows of {rowLength} values (a length that is a multiple of {rowLength}) but has length {actual}.",
            parameterName);
}
