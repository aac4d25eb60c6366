using System;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>
/// Standardisation of feature columns, scikit-learn's <c>StandardScaler</c>: fitted on the training rows, it maps
/// any row x to z_j = (x_j - mu_j) / s_j, with mu_j the column mean and s_j the population standard deviation
/// sqrt((1/n) sum_i (x_ij - mu_j)^2) (ddof = 0, as scikit-learn). A column whose training values are all equal
/// gets s_j = 1 (scikit-learn's rule for zero variance), so it becomes x_j - mu_j, 0 on the training rows, rather than a
/// division by zero. Means and deviations are computed in double (two passes) whatever the data's type.
/// </summary>
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

    /// <summary>s_j of each column: the population standard deviation, or 1 for a constant column (scikit-learn's <c>scale_</c>).</summary>
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

        // Second pass: sum of squared deviations; scale temporarily holds it, and a constant column is detected exactly.
        for (int j = 0; j < features; j++)
        {
            double first = Scalar.ToDouble(rows[j]);
            bool constant = true;
            double squares = 0;
            for (int i = 0; i < n; i++)
            {
                double x = Scalar.ToDouble(rows[(i * features) + j]);
                constant &= x == first;
                double d = x - mean[j];
                squares += d * d;
            }

            scale[j] = constant ? 1.0 : Math.Sqrt(squares / n);
        }

        return new StandardScaler(mean, scale);
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
}
