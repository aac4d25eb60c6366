using System;
using System.Globalization;

namespace Backprop.Generated;

/// <summary>Where the analytic and the numerical gradient disagree most, and by how much.</summary>
public sealed class GradientCheckResult
{
    internal GradientCheckResult(double worstRelativeError, int parameterIndex, int layer, bool isBias, int row, int column, double analytic, double numeric, double worstAbsoluteError)
    {
        WorstRelativeError = worstRelativeError;
        ParameterIndex = parameterIndex;
        Layer = layer;
        IsBias = isBias;
        Row = row;
        Column = column;
        Analytic = analytic;
        Numeric = numeric;
        WorstAbsoluteError = worstAbsoluteError;
    }

    /// <summary>max over parameters of |analytic - numeric| / max(|analytic|, |numeric|, floor).</summary>
    public double WorstRelativeError { get; }

    /// <summary>max over parameters of |analytic - numeric|.</summary>
    public double WorstAbsoluteError { get; }

    /// <summary>The index into <c>Parameters</c> of the worst relative error (-1 if there are no parameters).</summary>
    public int ParameterIndex { get; }

    /// <summary>The layer l (1..L) of that parameter.</summary>
    public int Layer { get; }

    /// <summary>Whether it is a bias b[l]_k (otherwise a weight W[l]_jk).</summary>
    public bool IsBias { get; }

    /// <summary>j, the input unit, for a weight (0 for a bias).</summary>
    public int Row { get; }

    /// <summary>k, the unit of layer l.</summary>
    public int Column { get; }

    /// <summary>dJ/dtheta from <c>ComputeGradients</c> at that parameter.</summary>
    public double Analytic { get; }

    /// <summary>The finite-difference estimate at that parameter.</summary>
    public double Numeric { get; }

    /// <summary>"W2[1,0]" or "b1[3]".</summary>
    public string Location => ParameterIndex < 0
        ? "(none)"
        : IsBias
            ? string.Format(CultureInfo.InvariantCulture, "b{0}[{1}]", Layer, Column)
            : string.Format(CultureInfo.InvariantCulture, "W{0}[{1},{2}]", Layer, Row, Column);

    /// <inheritdoc/>
    public override string ToString() => string.Format(
        CultureInfo.InvariantCulture,
        "worst relative error {0:E3} at {1} (parameter {2}): analytic {3:R}, numeric {4:R}; worst absolute error {5:E3}",
        WorstRelativeError,
        Location,
        ParameterIndex,
        Analytic,
        Numeric,
        WorstAbsoluteError);
}

/// <summary>
/// Checks a network's <c>ComputeGradients</c> against finite differences of its cost J on given data.
/// </summary>
/// <remarks>
/// Each parameter theta_q is moved by h_q = step * max(1, |theta_q|) and J is evaluated four times for
/// the fourth-order central difference
/// (J(theta - 2h) - 8 J(theta - h) + 8 J(theta + h) - J(theta + 2h)) / (12 h), whose truncation error is
/// O(h^4), then restored exactly. In single precision, where theta + h itself is rounded, the second-order
/// central difference (J(theta + h') - J(theta - h')) / (2 h') over the step h' actually taken is used instead. The relative error of a parameter is
/// |analytic - numeric| / max(|analytic|, |numeric|, floor); the floor keeps gradients that are zero up to
/// rounding from dominating. Run it in double precision for a sharp check: in single precision J itself
/// only has about 7 digits. Avoid data that puts a ReLU-family unit within 2h of its kink.
/// </remarks>
public static class GradientCheck
{
    /// <summary>Compares analytic and numerical gradients at the current parameters.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="network">The network (its parameters, and the dropout stream of a network with dropout, are restored when the check returns).</param>
    /// <param name="inputs">X, m x n_0.</param>
    /// <param name="targets">Y, m x n_L.</param>
    /// <param name="step">The relative step; defaults to 1e-3 for double and 1e-2 for float.</param>
    /// <param name="floor">The smallest denominator of a relative error; defaults to 1e-5 for double and 1e-3 for float: below it, the error is judged in absolute terms.</param>
    /// <returns>The worst disagreement and where it is.</returns>
    public static GradientCheckResult Run<T>(INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, double? step = null, double? floor = null)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        bool isDouble = typeof(T) == typeof(double);
        double h0 = step ?? (isDouble ? 1e-3 : 1e-2);
        double minimum = floor ?? (isDouble ? 1e-5 : 1e-3);
        if (!(h0 > 0))
        {
            throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be greater than zero.");
        }

        var analytic = new T[network.ParameterCount];
        var scratch = new T[network.ParameterCount];

        // With dropout, J depends on the masks: every evaluation starts from the same stream, so all see the same masks.
        var dropout = network as IDropoutNetwork;
        SplitMix64 stream = dropout?.DropoutRandom ?? default;
        network.ComputeGradients(inputs, targets, analytic);

        double worstRelative = 0;
        double worstAbsolute = 0;
        int worstIndex = -1;
        double worstAnalytic = 0;
        double worstNumeric = 0;
        for (int q = 0; q < analytic.Length; q++)
        {
            T original = network.Parameters[q];
            double theta = Scalar.ToDouble(original);
            double h = h0 * Math.Max(1, Math.Abs(theta));
            double numeric;
            try
            {
                // Use the step actually taken after rounding to T, so float checks are not biased.
                double hActual = Scalar.ToDouble(Scalar.FromDouble<T>(theta + h)) - theta;
                double h2Actual = Scalar.ToDouble(Scalar.FromDouble<T>(theta + (2 * h))) - theta;
                if (isDouble || (hActual > 0 && Math.Abs(h2Actual - (2 * hActual)) <= 1e-12 * Math.Abs(h2Actual)))
                {
                    h = hActual;
                    numeric = (Cost(network, dropout, stream, q, theta - (2 * h), inputs, targets, scratch) - (8 * Cost(network, dropout, stream, q, theta - h, inputs, targets, scratch))
                        + (8 * Cost(network, dropout, stream, q, theta + h, inputs, targets, scratch)) - Cost(network, dropout, stream, q, theta + (2 * h), inputs, targets, scratch)) / (12 * h);
                }
                else
                {
                    numeric = (Cost(network, dropout, stream, q, theta + hActual, inputs, targets, scratch) - Cost(network, dropout, stream, q, theta - hActual, inputs, targets, scratch)) / (2 * hActual);
                }
            }
            finally
            {
                network.Parameters[q] = original;
            }

            double a = Scalar.ToDouble(analytic[q]);
            double absolute = Math.Abs(a - numeric);
            double relative = absolute == 0 ? 0 : absolute / Math.Max(minimum, Math.Max(Math.Abs(a), Math.Abs(numeric)));
            worstAbsolute = Math.Max(worstAbsolute, absolute);
            if (worstIndex < 0 || relative > worstRelative || double.IsNaN(relative))
            {
                worstRelative = relative;
                worstIndex = q;
                worstAnalytic = a;
                worstNumeric = numeric;
            }
        }

        if (dropout is not null)
        {
            dropout.DropoutRandom = stream;
        }

        Locate(network.LayerSizes, worstIndex, out int layer, out bool isBias, out int row, out int column);
        return new GradientCheckResult(worstRelative, worstIndex, layer, isBias, row, column, worstAnalytic, worstNumeric, worstAbsolute);
    }

    private static double Cost<T>(INetwork<T> network, IDropoutNetwork? dropout, SplitMix64 stream, int q, double value, ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, T[] scratch)
        where T : unmanaged
    {
        if (dropout is not null)
        {
            dropout.DropoutRandom = stream;
        }

        network.Parameters[q] = Scalar.FromDouble<T>(value);
        return Scalar.ToDouble(network.ComputeGradients(inputs, targets, scratch));
    }

    /// <summary>Maps an index of <c>Parameters</c> to its layer and position.</summary>
    /// <param name="layerSizes">n_0 .. n_L.</param>
    /// <param name="index">The parameter index.</param>
    /// <param name="layer">l.</param>
    /// <param name="isBias">Whether it is in b[l].</param>
    /// <param name="row">j for W[l]_jk.</param>
    /// <param name="column">k.</param>
    public static void Locate(ReadOnlySpan<int> layerSizes, int index, out int layer, out bool isBias, out int row, out int column)
    {
        layer = 0;
        isBias = false;
        row = 0;
        column = 0;
        if (index < 0)
        {
            return;
        }

        int offset = 0;
        for (int l = 1; l < layerSizes.Length; l++)
        {
            int weights = layerSizes[l - 1] * layerSizes[l];
            if (index < offset + weights)
            {
                layer = l;
                row = (index - offset) / layerSizes[l];
                column = (index - offset) % layerSizes[l];
                return;
            }

            offset += weights;
            if (index < offset + layerSizes[l])
            {
                layer = l;
                isBias = true;
                column = index - offset;
                return;
            }

            offset += layerSizes[l];
        }

        throw new ArgumentOutOfRangeException(nameof(index), index, "The index is past the last parameter.");
    }
}
