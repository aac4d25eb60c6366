using System;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>
/// Standardisation of feature columns, scikit-learn's <c>StandardScaler</c>: fitted on the training rows, it maps
/// any row x to z_j = (x_j - mu_j) / s_j, with mu_j the column mean and s_j the population standard deviation
/// sqrt(var_j) (ddof = 0, as scikit-learn).
/// </summary>
/// <remarks>
/// <para>
/// Means and variances are computed in double whatever the data's type, with scikit-learn's corrected two-pass
/// formula (Chan, Golub and LeVeque, "Algorithms for computing the sample variance: analysis and recommendations",
/// The American Statistician 37(3), 1983): d_ij = x_ij - mu_j, var_j = (sum_i d_ij^2 - (sum_i d_ij)^2 / n) / n.
/// </para>
/// <para>
/// A column is <b>constant</b>, and gets s_j = 1 so that it becomes x_j - mu_j (about 0 on the training rows) rather
/// than a division by rounding noise, when its variance is within the error bound of that computation:
/// var_j &lt;= n eps var_j + (n mu_j eps)^2 with eps = 2^-52, the double machine epsilon (scikit-learn's
/// <c>_is_constant_feature</c>, since scikit-learn/scikit-learn#19788; float data uses the same double bound, as
/// scikit-learn accumulates in double). So <c>[0.1 + 0.2, 0.3, 0.3, 0.3]</c> is constant, while a column of tiny but
/// real spread such as <c>[1e-20, 2e-20, 3e-20]</c> keeps its standard deviation.
/// </para>
/// </remarks>
public sealed class StandardScaler
{
    private readonly double[] _mean;
    private readonly double[] _scale;

    private StandardScaler(double[] mean, double[] scale)
    {
        _mean = mean;
        _scale = scale;
    }

    /// <summary>The number of feature columns n_0.</summary>
    public int Features => _mean.Length;

    /// <summary>mu_j of each column, from the training rows.</summary>
    public ReadOnlySpan<double> Mean => _mean;

    /// <summary>
    /// s_j of each column, in the data's units: the population standard deviation, or 1 for a column that is constant
    /// within rounding (see <see cref="StandardScaler"/>; scikit-learn's <c>scale_</c>).
    /// </summary>
    public ReadOnlySpan<double> Scale => _scale;

    /// <summary>
    /// Fits mu and s on <paramref name="rows"/> (the training rows only, so no test information leaks into the
    /// model). Allocates only the scaler and its two arrays of n_0 values.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="rows">X, n x n_0 row-major, n &gt;= 1, every value finite.</param>
    /// <param name="features">n_0 &gt;= 1.</param>
    /// <returns>The fitted scaler.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="features"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is empty, not whole rows of n_0, or holds NaN or infinity.</exception>
    public static StandardScaler Fit<T>(ReadOnlySpan<T> rows, int features)
        where T : unmanaged
    {
        if (features < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(features), features, "The number of features must be >= 1.");
        }

        int n = ShapeGuard.Rows(rows.Length, features, nameof(rows));
        TrainingGuard.NotEmpty(n, nameof(rows));
        var mean = new double[features];
        var scale = new double[features];
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < features; j++)
            {
                double x = Scalar.ToDouble(rows[(i * features) + j]);
                if (double.IsNaN(x) || double.IsInfinity(x))
                {
                    throw new ArgumentException($"'{nameof(rows)}' holds {x} at row {i}, column {j}; standardisation needs finite values.", nameof(rows));
                }

                mean[j] += x;
            }
        }

        for (int j = 0; j < features; j++)
        {
            mean[j] /= n;
        }

        // Second pass, scikit-learn's corrected two-pass variance: var_j = (sum_i d_ij^2 - (sum_i d_ij)^2 / n) / n
        // with d_ij = x_ij - mu_j; the correction term removes the first-order rounding error of mu_j.
        for (int j = 0; j < features; j++)
        {
            double squares = 0;
            double correction = 0;
            for (int i = 0; i < n; i++)
            {
                double d = Scalar.ToDouble(rows[(i * features) + j]) - mean[j];
                correction += d;
                squares += d * d;
            }

            double variance = (squares - (correction * correction / n)) / n;
            scale[j] = IsConstant(variance, mean[j], n) ? 1.0 : Math.Sqrt(variance);
        }
        return new StandardScaler(mean, scale);
    }

    /// <summary>Fits mu and s on float rows: <see cref="Fit{T}(ReadOnlySpan{T}, int)"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>StandardScaler.Fit(trainX, features)</c> compile there.</remarks>
    /// <inheritdoc cref="Fit{T}(ReadOnlySpan{T}, int)"/>
    public static StandardScaler Fit(ReadOnlySpan<float> rows, int features) => Fit<float>(rows, features);

    /// <summary>Fits mu and s on double rows: <see cref="Fit{T}(ReadOnlySpan{T}, int)"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>StandardScaler.Fit(trainX, features)</c> compile there.</remarks>
    /// <inheritdoc cref="Fit{T}(ReadOnlySpan{T}, int)"/>
    public static StandardScaler Fit(ReadOnlySpan<double> rows, int features) => Fit<double>(rows, features);

    /// <summary>
    /// Whether a column's computed variance is indistinguishable from 0: var &lt;= n eps var + (n mu eps)^2, the error
    /// bound of the two-pass computation with eps the double machine epsilon (scikit-learn's
    /// <c>_is_constant_feature</c>). A variance rounded below 0 is constant too.
    /// </summary>
    internal static bool IsConstant(double variance, double mean, int n)
    {
        const double Epsilon = 2.220446049250313e-16; // 2^-52, numpy.finfo(numpy.float64).eps
        double bound = (n * Epsilon * variance) + ((n * mean * Epsilon) * (n * mean * Epsilon));
        return variance <= bound;
    }

    /// <summary>
    /// Writes z = (x - mu) / s of every row into <paramref name="destination"/> (which may be the same memory as
    /// <paramref name="rows"/>). Allocates nothing.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="rows">m x n_0 values, row-major.</param>
    /// <param name="destination">Receives m x n_0 values.</param>
    /// <exception cref="ArgumentException">The spans are not whole rows of n_0 or differ in length.</exception>
    public void Transform<T>(ReadOnlySpan<T> rows, Span<T> destination)
        where T : unmanaged
    {
        int features = _mean.Length;
        int m = ShapeGuard.Rows(rows.Length, features, nameof(rows));
        ShapeGuard.Length(destination.Length, rows.Length, nameof(destination));
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < features; j++)
            {
                int q = (i * features) + j;
                destination[q] = Scalar.FromDouble<T>((Scalar.ToDouble(rows[q]) - _mean[j]) / _scale[j]);
            }
        }
    }

    /// <summary>Returns z = (x - mu) / s of every row, a new array.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="rows">m x n_0 values, row-major.</param>
    /// <returns>m x n_0 standardised values.</returns>
    /// <exception cref="ArgumentException"><paramref name="rows"/> is not whole rows of n_0.</exception>
    public T[] Transform<T>(ReadOnlySpan<T> rows)
        where T : unmanaged
    {
        ShapeGuard.Rows(rows.Length, _mean.Length, nameof(rows));
        var result = new T[rows.Length];
        Transform(rows, result.AsSpan());
        return result;
    }

    /// <summary>Writes z = (x - mu) / s of float rows: <see cref="Transform{T}(ReadOnlySpan{T}, Span{T})"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>scaler.Transform(x)</c> compile there.</remarks>
    /// <inheritdoc cref="Transform{T}(ReadOnlySpan{T}, Span{T})"/>
    public void Transform(ReadOnlySpan<float> rows, Span<float> destination) => Transform<float>(rows, destination);

    /// <summary>Writes z = (x - mu) / s of double rows: <see cref="Transform{T}(ReadOnlySpan{T}, Span{T})"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>scaler.Transform(x)</c> compile there.</remarks>
    /// <inheritdoc cref="Transform{T}(ReadOnlySpan{T}, Span{T})"/>
    public void Transform(ReadOnlySpan<double> rows, Span<double> destination) => Transform<double>(rows, destination);

    /// <summary>Returns z = (x - mu) / s of float rows, a new array: <see cref="Transform{T}(ReadOnlySpan{T})"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>scaler.Transform(x)</c> compile there.</remarks>
    /// <inheritdoc cref="Transform{T}(ReadOnlySpan{T})"/>
    public float[] Transform(ReadOnlySpan<float> rows) => Transform<float>(rows);

    /// <summary>Returns z = (x - mu) / s of double rows, a new array: <see cref="Transform{T}(ReadOnlySpan{T})"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>scaler.Transform(x)</c> compile there.</remarks>
    /// <inheritdoc cref="Transform{T}(ReadOnlySpan{T})"/>
    public double[] Transform(ReadOnlySpan<double> rows) => Transform<double>(rows);
}
