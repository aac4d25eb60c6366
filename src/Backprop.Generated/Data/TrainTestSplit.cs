using System;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>
/// A seeded, reproducible split of n examples into a training set and a test set, as row indices, with
/// <see cref="Train{T}"/> and <see cref="Test{T}"/> to gather any per-example data (features, labels, one-hot rows).
/// </summary>
/// <remarks>
/// The test set has n_test = ceil(testFraction x n) examples (scikit-learn's rule for a fractional
/// <c>test_size</c>), at least 1 and at most n - 1. <see cref="Stratified"/> gives each class c with n_c examples
/// floor(n_c n_test / n) test examples plus one more for the classes with the largest remainders
/// (n_c n_test mod n, ties to the smaller label) until n_test is reached, so the class proportions are kept as
/// closely as integers allow; <see cref="Random"/> treats all examples as one class. Within each class the test
/// examples are a uniformly random subset, chosen by selection sampling (Knuth's Algorithm S: an example is taken
/// with probability needed / remaining, decided by an unbiased integer draw from a SplitMix64 stream seeded with
/// <c>seed</c>), so a seed gives the same split on every platform. It is not scikit-learn's random split
/// (a different generator); both index arrays are in ascending order (<c>Fit</c> shuffles every epoch).
/// </remarks>
public sealed class TrainTestSplit
{
    private TrainTestSplit(int rows, int[] train, int[] test)
    {
        Rows = rows;
        TrainIndices = train;
        TestIndices = test;
    }

    /// <summary>n, the number of examples split.</summary>
    public int Rows { get; }

    /// <summary>The training rows' indices in [0, n), ascending.</summary>
    public int[] TrainIndices { get; }

    /// <summary>The test rows' indices in [0, n), ascending.</summary>
    public int[] TestIndices { get; }

    /// <summary>A plain random split of <paramref name="rows"/> examples (no stratification). Allocates only the two index arrays.</summary>
    /// <param name="rows">n &gt;= 2.</param>
    /// <param name="testFraction">The test set's share in (0, 1); n_test = ceil(testFraction x n).</param>
    /// <param name="seed">Seed of the random stream.</param>
    /// <returns>The split.</returns>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 2, or the fraction is outside (0, 1), or gives an empty training or test set.</exception>
    public static TrainTestSplit Random(int rows, double testFraction, int seed)
    {
        if (rows < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(rows), rows, "A split needs at least two examples.");
        }

        int testRows = TestRows(rows, testFraction);
        var train = new int[rows - testRows];
        var test = new int[testRows];
        SplitMix64 random = Initialization.CreateStream(seed);
        int needed = testRows;
        int trainCount = 0;
        int testCount = 0;
        for (int i = 0; i < rows; i++)
        {
            // Algorithm S: take row i with probability needed / remaining.
            if (random.NextInt(rows - i) < needed)
            {
                test[testCount++] = i;
                needed--;
            }
            else
            {
                train[trainCount++] = i;
            }
        }

        return new TrainTestSplit(rows, train, test);
    }

    /// <summary>
    /// A stratified random split: each class keeps its share of the test set (see <see cref="TrainTestSplit"/>).
    /// Refused as scikit-learn's <c>train_test_split(..., stratify=y)</c> refuses it: a class with only one example,
    /// or a training or test set smaller than the number of classes. Allocates the two index arrays it returns, a
    /// sorted copy of the n labels and three arrays of one entry per class (never anything sized by a label's value).
    /// </summary>
    /// <param name="labels">n &gt;= 2 class labels: any int values (negative and <see cref="int.MaxValue"/> included),
    /// each distinct value a class; classes are ordered by value.</param>
    /// <param name="testFraction">The test set's share in (0, 1); n_test = ceil(testFraction x n).</param>
    /// <param name="seed">Seed of the random stream.</param>
    /// <returns>The split.</returns>
    /// <exception cref="ArgumentException">A class has a single example ("The least populated class in 'labels' has
    /// only 1 member", scikit-learn's rule: stratifying needs at least 2 of every class).</exception>
    /// <exception cref="ArgumentOutOfRangeException">n &lt; 2, or the fraction is outside (0, 1), or gives an empty
    /// training or test set, or a training or test set with fewer examples than there are classes.</exception>
    public static TrainTestSplit Stratified(ReadOnlySpan<int> labels, double testFraction, int seed)
    {
        int rows = labels.Length;
        if (rows < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(labels), rows, "A split needs at least two examples.");
        }

        int testRows = TestRows(rows, testFraction);

        // The classes are the distinct label values, in ascending order (a sort, as scikit-learn's np.unique): their
        // number is at most n whatever the values, so nothing is sized by a label.
        int[] sorted = labels.ToArray();
        Array.Sort(sorted);
        int classes = 1;
        for (int i = 1; i < rows; i++)
        {
            if (sorted[i] != sorted[i - 1])
            {
                classes++;
            }
        }

        var values = new int[classes];
        var remaining = new int[classes];
        var needed = new int[classes];
        for (int i = 0, c = -1; i < rows; i++)
        {
            if (i == 0 || sorted[i] != sorted[i - 1])
            {
                values[++c] = sorted[i];
            }

            remaining[c]++;
        }

        // scikit-learn's refusals (StratifiedShuffleSplit): every class needs 2 examples, and each side one per class.
        for (int c = 0; c < classes; c++)
        {
            if (remaining[c] < 2)
            {
                throw new ArgumentException(
                    $"The least populated class in '{nameof(labels)}' (label {values[c]}) has only 1 member, which is too few: a stratified split needs at least 2 examples of every class (scikit-learn's rule). Merge or drop that class, or use {nameof(TrainTestSplit)}.{nameof(Random)}.",
                    nameof(labels));
            }
        }

        if (rows - testRows < classes || testRows < classes)
        {
            bool testSide = testRows < classes;
            throw new ArgumentOutOfRangeException(
                nameof(testFraction),
                testFraction,
                $"A test fraction of {testFraction} of {rows} examples gives a {(testSide ? "test" : "training")} set of {(testSide ? testRows : rows - testRows)} examples, fewer than the {classes} classes: a stratified split needs at least one example of every class on each side (scikit-learn's rule).");
        }

        // Largest remainder: floor(n_c n_test / n) each, then one more for the largest n_c n_test mod n.
        int assigned = 0;
        for (int c = 0; c < classes; c++)
        {
            needed[c] = (int)((long)remaining[c] * testRows / rows);
            assigned += needed[c];
        }

        for (; assigned < testRows; assigned++)
        {
            int best = -1;
            long bestRemainder = -1;
            for (int c = 0; c < classes; c++)
            {
                long remainder = (long)remaining[c] * testRows % rows;
                if (needed[c] == (int)((long)remaining[c] * testRows / rows) && needed[c] < remaining[c] && remainder > bestRemainder)
                {
                    best = c;
                    bestRemainder = remainder;
                }
            }

            needed[best]++;
        }

        var train = new int[rows - testRows];
        var test = new int[testRows];
        SplitMix64 random = Initialization.CreateStream(seed);
        int trainCount = 0;
        int testCount = 0;
        for (int i = 0; i < rows; i++)
        {
            // Algorithm S within the class of row i: take it with probability needed_c / remaining_c.
            int c = Array.BinarySearch(values, labels[i]);
            if (random.NextInt(remaining[c]) < needed[c])
            {
                test[testCount++] = i;
                needed[c]--;
            }
            else
            {
                train[trainCount++] = i;
            }

            remaining[c]--;
        }

        return new TrainTestSplit(rows, train, test);
    }

    /// <summary>The training rows of <paramref name="data"/>, a new array (row length = data.Length / n).</summary>
    /// <typeparam name="T">Any unmanaged type: features, one-hot rows or int labels.</typeparam>
    /// <param name="data">n rows of equal length, row-major.</param>
    /// <returns>The rows at <see cref="TrainIndices"/>, in that order.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not n rows.</exception>
    public T[] Train<T>(ReadOnlySpan<T> data)
        where T : unmanaged => Gather(data, TrainIndices);

    /// <summary>The test rows of <paramref name="data"/>, a new array (row length = data.Length / n).</summary>
    /// <typeparam name="T">Any unmanaged type: features, one-hot rows or int labels.</typeparam>
    /// <param name="data">n rows of equal length, row-major.</param>
    /// <returns>The rows at <see cref="TestIndices"/>, in that order.</returns>
    /// <exception cref="ArgumentException"><paramref name="data"/> is not n rows.</exception>
    public T[] Test<T>(ReadOnlySpan<T> data)
        where T : unmanaged => Gather(data, TestIndices);

    /// <summary>The training rows of float data: <see cref="Train{T}"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>split.Train(data)</c> compile there.</remarks>
    /// <inheritdoc cref="Train{T}"/>
    public float[] Train(ReadOnlySpan<float> data) => Gather(data, TrainIndices);

    /// <summary>The training rows of double data: <see cref="Train{T}"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>split.Train(data)</c> compile there.</remarks>
    /// <inheritdoc cref="Train{T}"/>
    public double[] Train(ReadOnlySpan<double> data) => Gather(data, TrainIndices);

    /// <summary>The training rows of int data: <see cref="Train{T}"/> with T = int.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>split.Train(data)</c> compile there.</remarks>
    /// <inheritdoc cref="Train{T}"/>
    public int[] Train(ReadOnlySpan<int> data) => Gather(data, TrainIndices);

    /// <summary>The test rows of float data: <see cref="Test{T}"/> with T = float.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>split.Test(data)</c> compile there.</remarks>
    /// <inheritdoc cref="Test{T}"/>
    public float[] Test(ReadOnlySpan<float> data) => Gather(data, TestIndices);

    /// <summary>The test rows of double data: <see cref="Test{T}"/> with T = double.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>split.Test(data)</c> compile there.</remarks>
    /// <inheritdoc cref="Test{T}"/>
    public double[] Test(ReadOnlySpan<double> data) => Gather(data, TestIndices);

    /// <summary>The test rows of int data: <see cref="Test{T}"/> with T = int.</summary>
    /// <remarks>C# 12 and 13 infer no type argument from an array passed to a span parameter, nor from a
    /// <c>Span</c> passed to a <c>ReadOnlySpan&lt;T&gt;</c> (C# 14's first-class span conversions do),
    /// so this overload is what lets <c>split.Test(data)</c> compile there.</remarks>
    /// <inheritdoc cref="Test{T}"/>
    public int[] Test(ReadOnlySpan<int> data) => Gather(data, TestIndices);

    private T[] Gather<T>(ReadOnlySpan<T> data, int[] indices)
        where T : unmanaged
    {
        int rowLength = data.Length / Rows;
        if (data.Length == 0 || rowLength * Rows != data.Length)
        {
            throw new ArgumentException(
                $"'{nameof(data)}' must hold the split's {Rows} rows of equal length (a non-zero multiple of {Rows} values) but has length {data.Length}.",
                nameof(data));
        }

        var rows = new T[indices.Length * rowLength];
        for (int i = 0; i < indices.Length; i++)
        {
            data.Slice(indices[i] * rowLength, rowLength).CopyTo(rows.AsSpan(i * rowLength, rowLength));
        }

        return rows;
    }

    private static int TestRows(int rows, double testFraction)
    {
        if (!(testFraction > 0 && testFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, "The test fraction must be in (0, 1).");
        }

        int testRows = (int)Math.Ceiling(testFraction * rows);
        if (testRows >= rows)
        {
            throw new ArgumentOutOfRangeException(nameof(testFraction), testFraction, $"A test fraction of {testFraction} of {rows} examples leaves no training example.");
        }

        return testRows;
    }
}
