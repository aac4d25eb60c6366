using System;
using System.Buffers;
using ConfusionTable = Backprop.Generated.ConfusionMatrix;
using Backprop.Generated.Internals;

namespace Backprop.Generated;

/// <summary>
/// A network used as a classifier: the class index of an example, training and accuracy with integer labels.
/// The class of an output row is its arg-max (the first on ties), or for one output (a sigmoid) 1 when
/// A[L] &gt;= 0.5 and 0 otherwise (see <see cref="OneHot"/>).
/// </summary>
public static class Classification
{
    /// <summary>Outputs up to this many values live on the stack; wider rows rent from <see cref="ArrayPool{T}.Shared"/>.</summary>
    private const int StackOutputs = 256;

    /// <summary>The class index of one example: the arg-max of A[L] (see <see cref="Classification"/>). Allocates nothing.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="input">n_0 features of one example.</param>
    /// <returns>The class index in [0, OutputSize) (0 or 1 for one output).</returns>
    /// <exception cref="ArgumentException"><paramref name="input"/> does not have InputSize values.</exception>
    public static int Classify<T>(this INetwork<T> network, ReadOnlySpan<T> input)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        ShapeGuard.Length(input.Length, network.InputSize, nameof(input));
        int k = network.OutputSize;
        T[]? rented = null;
        Span<T> output = k <= StackOutputs ? stackalloc T[k] : (rented = ArrayPool<T>.Shared.Rent(k)).AsSpan(0, k);
        network.Forward(input, output);
        int label = OneHot.ClassOf<T>(output);
        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }

        return label;
    }

    /// <summary>
    /// The class index of each of m examples into <paramref name="labels"/>. Allocates nothing (one output row on the
    /// stack); safe from many threads, as <c>Forward</c> is.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, m x n_0 row-major.</param>
    /// <param name="labels">Receives m class indices.</param>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is not whole rows of InputSize, or
    /// <paramref name="labels"/> does not have m elements.</exception>
    public static void ClassifyBatch<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, Span<int> labels)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        int n0 = network.InputSize;
        int m = ShapeGuard.Rows(inputs.Length, n0, nameof(inputs));
        ShapeGuard.Length(labels.Length, m, nameof(labels));
        int k = network.OutputSize;
        T[]? rented = null;
        Span<T> output = k <= StackOutputs ? stackalloc T[k] : (rented = ArrayPool<T>.Shared.Rent(k)).AsSpan(0, k);
        for (int i = 0; i < m; i++)
        {
            network.Forward(inputs.Slice(i * n0, n0), output);
            labels[i] = OneHot.ClassOf<T>(output);
        }

        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }

    /// <summary>The class index of each of m examples, as a new array of m labels.</summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, m x n_0 row-major.</param>
    /// <returns>m class indices.</returns>
    /// <exception cref="ArgumentException"><paramref name="inputs"/> is not whole rows of InputSize.</exception>
    public static int[] ClassifyBatch<T>(this INetwork<T> network, ReadOnlySpan<T> inputs)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        var labels = new int[ShapeGuard.Rows(inputs.Length, network.InputSize, nameof(inputs))];
        ClassifyBatch(network, inputs, labels.AsSpan());
        return labels;
    }

    /// <summary>
    /// The fraction of the n examples whose class (<see cref="Classify{T}(INetwork{T}, ReadOnlySpan{T})"/>) equals
    /// their label: scikit-learn's <c>accuracy_score(labels, predicted)</c>. Allocates nothing.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, n x n_0 row-major.</param>
    /// <param name="labels">n class indices in [0, OutputSize).</param>
    /// <returns>The accuracy in [0, 1].</returns>
    /// <exception cref="ArgumentException">The shapes do not match, the data set is empty or a label is out of range.</exception>
    public static double Accuracy<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        int n0 = network.InputSize;
        int n = ShapeGuard.Rows(inputs.Length, n0, nameof(inputs));
        TargetShape.Labels(labels.Length, n, network.OutputSize, nameof(labels));
        TrainingGuard.NotEmpty(n, nameof(inputs));
        OneHot.Validate(labels, network.OutputSize, nameof(labels));
        int k = network.OutputSize;
        T[]? rented = null;
        Span<T> output = k <= StackOutputs ? stackalloc T[k] : (rented = ArrayPool<T>.Shared.Rent(k)).AsSpan(0, k);
        int correct = 0;
        for (int i = 0; i < n; i++)
        {
            network.Forward(inputs.Slice(i * n0, n0), output);
            if (OneHot.ClassOf<T>(output) == labels[i])
            {
                correct++;
            }
        }

        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }

        return (double)correct / n;
    }

    /// <summary>
    /// The confusion matrix of the network's classes on n labelled examples (scikit-learn's
    /// <c>confusion_matrix(labels, predicted)</c>: row = true class, column = predicted class).
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, n x n_0 row-major.</param>
    /// <param name="labels">n class indices in [0, OutputSize).</param>
    /// <returns>A K x K matrix, K = OutputSize (2 for one output).</returns>
    /// <exception cref="ArgumentException">The shapes do not match or a label is out of range.</exception>
    public static ConfusionTable ConfusionMatrix<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        int n = ShapeGuard.Rows(inputs.Length, network.InputSize, nameof(inputs));
        TargetShape.Labels(labels.Length, n, network.OutputSize, nameof(labels));
        int classes = Math.Max(network.OutputSize, 2);
        var matrix = new ConfusionTable(classes);
        int n0 = network.InputSize;
        int k = network.OutputSize;
        T[]? rented = null;
        Span<T> output = k <= StackOutputs ? stackalloc T[k] : (rented = ArrayPool<T>.Shared.Rent(k)).AsSpan(0, k);
        for (int i = 0; i < n; i++)
        {
            if ((uint)labels[i] >= (uint)classes)
            {
                OneHot.Validate(labels.Slice(i, 1), network.OutputSize, nameof(labels));
            }

            network.Forward(inputs.Slice(i * n0, n0), output);
            matrix.Add(labels[i], OneHot.ClassOf<T>(output));
        }

        if (rented is not null)
        {
            ArrayPool<T>.Shared.Return(rented);
        }

        return matrix;
    }

    /// <summary>
    /// One training step with integer labels: the labels become one-hot rows (see <see cref="OneHot"/>) in a buffer
    /// rented from <see cref="ArrayPool{T}.Shared"/>, then the network's own <c>TrainStep(inputs, targets, optimizer)</c>
    /// runs, so the step is bit-identical to one with the one-hot rows.
    /// </summary>
    /// <typeparam name="T">float or double.</typeparam>
    /// <param name="network">The network.</param>
    /// <param name="inputs">X, m x n_0 row-major (m &gt;= 1).</param>
    /// <param name="labels">m class indices in [0, OutputSize) (0 or 1 for one output).</param>
    /// <param name="optimizer">The update rule.</param>
    /// <returns>J before the update.</returns>
    /// <exception cref="ArgumentException">The shapes do not match or a label is out of range; nothing is updated.</exception>
    /// <exception cref="TrainingDivergedException">J or a gradient is not finite; the parameters are unchanged.</exception>
    public static T TrainStep<T>(this INetwork<T> network, ReadOnlySpan<T> inputs, ReadOnlySpan<int> labels, IOptimizer optimizer)
        where T : unmanaged
    {
        if (network is null)
        {
            throw new ArgumentNullException(nameof(network));
        }

        int m = ShapeGuard.Rows(inputs.Length, network.InputSize, nameof(inputs));
        TargetShape.Labels(labels.Length, m, network.OutputSize, nameof(labels));
        int k = network.OutputSize;
        T[] rented = ArrayPool<T>.Shared.Rent(m * k);
        try
        {
            Span<T> targets = rented.AsSpan(0, m * k);
            OneHot.Encode<T>(labels, k, targets);
            return network.TrainStep(inputs, targets, optimizer);
        }
        finally
        {
            ArrayPool<T>.Shared.Return(rented);
        }
    }
}
