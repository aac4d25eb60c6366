using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace Backprop.Generated.Internals;

/// <summary>The checks that generated training code runs; each throws a clear exception.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TrainingGuard
{
    /// <summary>Throws an <see cref="ArgumentException"/> when a batch has no rows (J = (1/m) sum L_i needs m &gt;= 1).</summary>
    /// <param name="rows">m.</param>
    /// <param name="parameterName">The batch argument.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void NotEmpty(int rows, string parameterName)
    {
        if (rows == 0)
        {
            throw new ArgumentException($"'{parameterName}' must hold at least one example (row) but is empty.", parameterName);
        }
    }

    /// <summary>
    /// Throws <see cref="TrainingDivergedException"/> unless the cost and every gradient are finite, where the caller has
    /// already checked the gradients while writing them (<paramref name="gradientsFinite"/>): only a failure reads them
    /// again, to name the first value that is not finite.
    /// </summary>
    /// <param name="loss">J.</param>
    /// <param name="gradients">dJ/dtheta.</param>
    /// <param name="gradientsFinite">Whether every gradient is finite.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EnsureFinite(float loss, ReadOnlySpan<float> gradients, bool gradientsFinite)
    {
        if (!gradientsFinite || !IsFinite(loss))
        {
            EnsureFinite(loss, gradients);
        }
    }

    /// <inheritdoc cref="EnsureFinite(float, ReadOnlySpan{float}, bool)"/>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EnsureFinite(double loss, ReadOnlySpan<double> gradients, bool gradientsFinite)
    {
        if (!gradientsFinite || !IsFinite(loss))
        {
            EnsureFinite(loss, gradients);
        }
    }

    /// <summary>Throws <see cref="TrainingDivergedException"/> unless the cost and every gradient are finite.</summary>
    /// <param name="loss">J.</param>
    /// <param name="gradients">dJ/dtheta.</param>
    public static void EnsureFinite(float loss, ReadOnlySpan<float> gradients)
    {
        if (!IsFinite(loss))
        {
            throw Diverged(loss, -1);
        }

#if NET8_0_OR_GREATER
        if (Compute.UpdatePasses.AllFinite(gradients))
        {
            return;
        }
#endif
        for (int q = 0; q < gradients.Length; q++)
        {
            if (!IsFinite(gradients[q]))
            {
                throw Diverged(loss, q);
            }
        }
    }

    /// <inheritdoc cref="EnsureFinite(float, ReadOnlySpan{float})"/>
    public static void EnsureFinite(double loss, ReadOnlySpan<double> gradients)
    {
        if (!IsFinite(loss))
        {
            throw Diverged(loss, -1);
        }

#if NET8_0_OR_GREATER
        if (Compute.UpdatePasses.AllFinite(gradients))
        {
            return;
        }
#endif
        for (int q = 0; q < gradients.Length; q++)
        {
            if (!IsFinite(gradients[q]))
            {
                throw Diverged(loss, q);
            }
        }
    }

    // x - x is 0 for finite x and NaN for NaN or an infinity (netstandard2.0 has no float.IsFinite).
    private static bool IsFinite(float x) => x - x == 0f;

    private static bool IsFinite(double x) => x - x == 0d;

    private static TrainingDivergedException Diverged(double loss, int parameterIndex)
    {
        string what = parameterIndex < 0
            ? $"The cost of this batch is {loss.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
            : $"The gradient of parameter {parameterIndex} is not finite (cost {loss.ToString(System.Globalization.CultureInfo.InvariantCulture)})";
        return new TrainingDivergedException(
            what + ": training diverged or the batch holds NaN or infinite values. The parameters were left unchanged; "
            + "check the data and try a smaller learning rate.",
            loss,
            parameterIndex);
    }
}
