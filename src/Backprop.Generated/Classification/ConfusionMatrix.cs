using System;
using System.Globalization;
using System.Text;

namespace Backprop.Generated;

/// <summary>
/// A K x K table of counts C[i, j] = the number of examples of true class i predicted as class j, as scikit-learn's
/// <c>confusion_matrix(y_true, y_pred)</c> lays it out (rows: true class, columns: predicted class).
/// </summary>
public sealed class ConfusionMatrix
{
    private readonly int[] _counts;

    /// <summary>The largest K: K x K counts fit in one array (46,340^2 &lt;= <c>Array.MaxLength</c> &lt; 46,341^2).</summary>
    internal const int MaxClasses = 46340;

    /// <summary>Creates an empty K x K matrix.</summary>
    /// <param name="classes">K in [1, 46,340] (K x K counts in one array).</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> &lt; 1 or &gt; 46,340.</exception>
    public ConfusionMatrix(int classes)
    {
        if (classes < 1 || classes > MaxClasses)
        {
            throw new ArgumentOutOfRangeException(
                nameof(classes),
                classes,
                $"The number of classes K must be in [1, {MaxClasses}]: the table holds K x K counts in one array. Class labels are indices 0..K-1; map other label values to indices first.");
        }

        Classes = classes;
        _counts = new int[classes * classes];
    }

    /// <summary>K.</summary>
    public int Classes { get; }

    /// <summary>The number of examples counted.</summary>
    public int Total { get; private set; }

    /// <summary>The number of examples counted on the diagonal (predicted class = true class).</summary>
    public int Correct { get; private set; }

    /// <summary>Correct / Total: the accuracy (NaN when empty).</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>C[actual, predicted].</summary>
    /// <param name="actual">The true class, row index in [0, K).</param>
    /// <param name="predicted">The predicted class, column index in [0, K).</param>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside [0, K).</exception>
    public int this[int actual, int predicted] => _counts[Index(actual, predicted)];

    /// <summary>Counts one example.</summary>
    /// <param name="actual">Its true class in [0, K).</param>
    /// <param name="predicted">Its predicted class in [0, K).</param>
    /// <exception cref="ArgumentOutOfRangeException">A class is outside [0, K); nothing is counted.</exception>
    public void Add(int actual, int predicted)
    {
        _counts[Index(actual, predicted)]++;
        Total++;
        if (actual == predicted)
        {
            Correct++;
        }
    }

    /// <summary>The counts as a new K x K array, [true class, predicted class].</summary>
    /// <returns>A copy.</returns>
    public int[,] ToArray()
    {
        var array = new int[Classes, Classes];
        for (int i = 0; i < Classes; i++)
        {
            for (int j = 0; j < Classes; j++)
            {
                array[i, j] = _counts[(i * Classes) + j];
            }
        }

        return array;
    }

    /// <summary>
    /// A text table: one row per true class, one column per predicted class, with <paramref name="classNames"/> (or the
    /// class indices) as headers.
    /// </summary>
    /// <param name="classNames">K names, or null for 0..K-1.</param>
    /// <returns>The table, lines separated by '\n'.</returns>
    /// <exception cref="ArgumentException"><paramref name="classNames"/> does not have K names.</exception>
    public string ToString(string[]? classNames)
    {
        if (classNames is not null && classNames.Length != Classes)
        {
            throw new ArgumentException($"'{nameof(classNames)}' must have {Classes} names (one per class) but has {classNames.Length}.", nameof(classNames));
        }

        var names = new string[Classes];
        int width = "true \\ predicted".Length;
        int cell = 1;
        for (int k = 0; k < Classes; k++)
        {
            names[k] = classNames?[k] ?? k.ToString(CultureInfo.InvariantCulture);
            width = Math.Max(width, names[k].Length);
            cell = Math.Max(cell, names[k].Length);
        }

        for (int q = 0; q < _counts.Length; q++)
        {
            cell = Math.Max(cell, _counts[q].ToString(CultureInfo.InvariantCulture).Length);
        }

        var text = new StringBuilder();
        text.Append("true \\ predicted".PadRight(width));
        for (int j = 0; j < Classes; j++)
        {
            text.Append("  ").Append(names[j].PadLeft(cell));
        }

        for (int i = 0; i < Classes; i++)
        {
            text.Append('\n').Append(names[i].PadRight(width));
            for (int j = 0; j < Classes; j++)
            {
                text.Append("  ").Append(_counts[(i * Classes) + j].ToString(CultureInfo.InvariantCulture).PadLeft(cell));
            }
        }

        return text.ToString();
    }

    /// <inheritdoc/>
    public override string ToString() => ToString(null);

    private int Index(int actual, int predicted)
    {
        if ((uint)actual >= (uint)Classes)
        {
            throw new ArgumentOutOfRangeException(nameof(actual), actual, $"A class index must be in [0, {Classes}).");
        }

        if ((uint)predicted >= (uint)Classes)
        {
            throw new ArgumentOutOfRangeException(nameof(predicted), predicted, $"A class index must be in [0, {Classes}).");
        }

        return (actual * Classes) + predicted;
    }
}
