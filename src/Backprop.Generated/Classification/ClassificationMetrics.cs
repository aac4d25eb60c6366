using System;
using ConfusionTable = Backprop.Generated.ConfusionMatrix;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>Scores of predicted class labels against true ones, as scikit-learn's <c>sklearn.metrics</c> defines them.</summary>
public static class ClassificationMetrics
{
    /// <summary>
    /// The fraction of positions where <paramref name="predicted"/> equals <paramref name="actual"/>: scikit-learn's
    /// <c>accuracy_score(y_true, y_pred)</c>. Allocates nothing.
    /// </summary>
    /// <param name="actual">n true class labels.</param>
    /// <param name="predicted">n predicted class labels.</param>
    /// <returns>The accuracy in [0, 1].</returns>
    /// <exception cref="ArgumentException">The lengths differ or are zero.</exception>
    public static double Accuracy(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted)
    {
        ShapeGuard.Length(predicted.Length, actual.Length, nameof(predicted));
        TrainingGuard.NotEmpty(actual.Length, nameof(actual));
        int correct = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            if (actual[i] == predicted[i])
            {
                correct++;
            }
        }

        return (double)correct / actual.Length;
    }

    /// <summary>
    /// The K x K confusion matrix (row = true class, column = predicted class): scikit-learn's
    /// <c>confusion_matrix(y_true, y_pred, labels=range(K))</c>. Allocates only the matrix it returns.
    /// </summary>
    /// <param name="actual">n true class labels in [0, K).</param>
    /// <param name="predicted">n predicted class labels in [0, K).</param>
    /// <param name="classes">K in [1, 46,340] (K x K counts in one array).</param>
    /// <returns>The counts.</returns>
    /// <exception cref="ArgumentException">The lengths differ, or a label is outside [0, K) (the message names it).</exception>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> is outside [1, 46,340].</exception>
    public static ConfusionTable ConfusionMatrix(ReadOnlySpan<int> actual, ReadOnlySpan<int> predicted, int classes)
    {
        ShapeGuard.Length(predicted.Length, actual.Length, nameof(predicted));
        var matrix = new ConfusionTable(classes);
        for (int i = 0; i < actual.Length; i++)
        {
            if ((uint)actual[i] >= (uint)classes)
            {
                throw new ArgumentException($"'{nameof(actual)}'[{i}] is {actual[i]}, not a class index in [0, {classes}).", nameof(actual));
            }

            if ((uint)predicted[i] >= (uint)classes)
            {
                throw new ArgumentException($"'{nameof(predicted)}'[{i}] is {predicted[i]}, not a class index in [0, {classes}).", nameof(predicted));
            }

            matrix.Add(actual[i], predicted[i]);
        }

        return matrix;
    }
}
