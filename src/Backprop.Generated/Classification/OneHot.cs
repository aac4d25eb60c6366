using System;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>
/// Integer class labels and the one-hot target rows that training with <see cref="Loss.CrossEntropy"/> consumes.
/// A label y_i in [0, K) becomes the row e_{y_i} of K values (1 at index y_i, 0 elsewhere), K = the network's
/// <c>OutputSize</c>. With K = 1 (one sigmoid output, <see cref="Loss.BinaryCrossEntropy"/>) the label is 0 or 1 and the
/// row is that value itself.
/// </summary>
public static class OneHot
{
    /// <summary>The largest number of elements of a one-dimensional array in .NET (<c>Array.MaxLength</c> on .NET 6 and later).</summary>
    internal const int MaxArrayLength = 0x7FFFFFC7;

    /// <summary>Writes the one-hot rows of <paramref name="labels"/> into <paramref name="destination"/> (no allocation).</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="labels">n class indices, each in [0, <paramref name="classes"/>) (0 or 1 when <paramref name="classes"/> = 1).</param>
    /// <param name="classes">K &gt;= 1, the length of one row (the network's <c>OutputSize</c>).</param>
    /// <param name="destination">Receives n x K values, row-major.</param>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException"><paramref name="destination"/> does not hold n x K values, or a label is out of
    /// range (the message names its index and value); <paramref name="destination"/> is then unspecified.</exception>
    public static void Encode<T>(ReadOnlySpan<int> labels, int classes, Span<T> destination)
        where T : unmanaged
    {
        CheckClasses(classes);
        if ((long)labels.Length * classes != destination.Length)
        {
            throw new ArgumentException(
                $"'{nameof(destination)}' must hold {labels.Length} one-hot rows of {classes} values ({(long)labels.Length * classes} values) but has length {destination.Length}.",
                nameof(destination));
        }

        Validate(labels, classes, nameof(labels));
        destination.Clear();
        T one = Scalar.FromDouble<T>(1.0);
        if (classes == 1)
        {
            for (int i = 0; i < labels.Length; i++)
            {
                destination[i] = labels[i] == 1 ? one : default;
            }

            return;
        }

        for (int i = 0; i < labels.Length; i++)
        {
            destination[(i * classes) + labels[i]] = one;
        }
    }

    /// <summary>Returns the one-hot rows of <paramref name="labels"/>, a new array of n x K values.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="labels">n class indices, each in [0, <paramref name="classes"/>) (0 or 1 when <paramref name="classes"/> = 1).</param>
    /// <param name="classes">K &gt;= 1, the length of one row (the network's <c>OutputSize</c>).</param>
    /// <returns>Y, n x K row-major.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="classes"/> &lt; 1.</exception>
    /// <exception cref="ArgumentException">A label is out of range (the message names its index and value), or n x K
    /// exceeds the largest array length, 2,147,483,591 (<c>Array.MaxLength</c>).</exception>
    public static T[] Encode<T>(ReadOnlySpan<int> labels, int classes)
        where T : unmanaged
    {
        CheckClasses(classes);
        Validate(labels, classes, nameof(labels));
        long length = (long)labels.Length * classes;
        if (length > MaxArrayLength)
        {
            throw new ArgumentException(
                $"{labels.Length} one-hot rows of {classes} values are {length} values, more than one array holds ({MaxArrayLength}): encode the labels in batches with Encode(labels, classes, destination).",
                nameof(labels));
        }

        var rows = new T[length];
        Encode<T>(labels, classes, rows);
        return rows;
    }

    /// <summary>
    /// The class index of each row of <paramref name="rows"/>: the arg-max of the row (the first on ties), or for
    /// K = 1, 1 when the value is at least 0.5 and 0 otherwise. Decodes one-hot targets and classifies network outputs.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="rows">n x K values, row-major.</param>
    /// <param name="classes">K &gt;= 1.</param>
    /// <param name="labels">Receives n class indices.</param>
    /// <exception cref="ArgumentException">The lengths do not describe n rows of K values and n labels.</exception>
    public static void Decode<T>(ReadOnlySpan<T> rows, int classes, Span<int> labels)
        where T : unmanaged
    {
        CheckClasses(classes);
        int n = ShapeGuard.Rows(rows.Length, classes, nameof(rows));
        ShapeGuard.Length(labels.Length, n, nameof(labels));
        for (int i = 0; i < n; i++)
        {
            labels[i] = ClassOf(rows.Slice(i * classes, classes));
        }
    }

    /// <summary>Writes the one-hot rows of <paramref name="labels"/> as float values: <see cref="Encode{T}(ReadOnlySpan{int}, int, Span{T})"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>OneHot.Encode(labels, classes, destination)</c> compile there.</remarks>
    /// <inheritdoc cref="Encode{T}(ReadOnlySpan{int}, int, Span{T})"/>
    public static void Encode(ReadOnlySpan<int> labels, int classes, Span<float> destination) => Encode<float>(labels, classes, destination);

    /// <summary>The class index of each row of float values: <see cref="Decode{T}(ReadOnlySpan{T}, int, Span{int})"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>OneHot.Decode(rows, classes, labels)</c> compile there.</remarks>
    /// <inheritdoc cref="Decode{T}(ReadOnlySpan{T}, int, Span{int})"/>
    public static void Decode(ReadOnlySpan<float> rows, int classes, Span<int> labels) => Decode<float>(rows, classes, labels);

    /// <summary>Writes the one-hot rows of <paramref name="labels"/> as double values: <see cref="Encode{T}(ReadOnlySpan{int}, int, Span{T})"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>OneHot.Encode(labels, classes, destination)</c> compile there.</remarks>
    /// <inheritdoc cref="Encode{T}(ReadOnlySpan{int}, int, Span{T})"/>
    public static void Encode(ReadOnlySpan<int> labels, int classes, Span<double> destination) => Encode<double>(labels, classes, destination);

    /// <summary>The class index of each row of double values: <see cref="Decode{T}(ReadOnlySpan{T}, int, Span{int})"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>OneHot.Decode(rows, classes, labels)</c> compile there.</remarks>
    /// <inheritdoc cref="Decode{T}(ReadOnlySpan{T}, int, Span{int})"/>
    public static void Decode(ReadOnlySpan<double> rows, int classes, Span<int> labels) => Decode<double>(rows, classes, labels);

    /// <summary>The class of one row of K values: the arg-max (first on ties), or for K = 1 the value &gt;= 0.5.</summary>
    internal static int ClassOf<T>(ReadOnlySpan<T> row)
        where T : unmanaged =>
        row.Length == 1 ? (Scalar.ToDouble(row[0]) >= 0.5 ? 1 : 0) : Trainer.ArgMax(row);

    /// <summary>Throws unless every label is a class index in [0, K) (0 or 1 for K = 1).</summary>
    internal static void Validate(ReadOnlySpan<int> labels, int classes, string parameterName)
    {
        int limit = classes == 1 ? 2 : classes;
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)limit)
            {
                ThrowLabel(i, labels[i], classes, parameterName);
            }
        }
    }

    private static void ThrowLabel(int index, int label, int classes, string parameterName) =>
        throw new ArgumentException(
            classes == 1
                ? $"'{parameterName}'[{index}] is {label}, but a network with one output takes binary labels 0 or 1 (the target value itself)."
                : $"'{parameterName}'[{index}] is {label}, not a class index in [0, {classes}): integer labels index the network's OutputSize = {classes} outputs, one per class.",
            parameterName);

    private static void CheckClasses(int classes)
    {
        if (classes < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(classes), classes, "The number of classes K must be >= 1.");
        }
    }
}
