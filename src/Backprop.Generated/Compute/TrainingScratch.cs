#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;

namespace Backprop.Generated.Compute;

/// <summary>
/// A network's training scratch, kept by the instance and grown on demand: for each thread that runs chunks of a
/// <c>ComputeGradients</c> call, one block's lane buffers (A, Z, dZ of every layer in lanes, the targets, dZ as rows);
/// for each chunk of the batch, its own unscaled gradient sums and its cost, so that the sums of the chunks can be added
/// in chunk order whatever thread computed them (<see cref="RowPartition"/>).
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TrainingScratch<T>
    where T : unmanaged
{
    private readonly int _lanesLength;
    private readonly int _sumsLength;
    private AlignedArray<T>[] _lanes = Array.Empty<AlignedArray<T>>();
    private AlignedArray<T> _sums;
    private T[] _costs = Array.Empty<T>();

    /// <summary>Creates the scratch of one thread and one chunk.</summary>
    /// <param name="lanesLength">The values of one thread's lane buffers (the generated <c>TrainingLanesLength</c>).</param>
    /// <param name="sumsLength">The values of one chunk's gradient sums (the generated <c>GradientSumsLength</c>), a
    /// multiple of 16 so that every chunk's sums start on a 64-byte boundary.</param>
    /// <param name="layerSizes">n_0..n_L, kept as an array for the gradient write-back (an unoptimised build of the
    /// network's project allocates on every read of its <c>LayerSizes</c>).</param>
    public TrainingScratch(int lanesLength, int sumsLength, ReadOnlySpan<int> layerSizes)
    {
        _lanesLength = lanesLength;
        _sumsLength = sumsLength;
        LayerSizes = layerSizes.ToArray();
        Reserve(1, 1);
    }

    /// <summary>n_0..n_L.</summary>
    public int[] LayerSizes { get; }

    /// <summary>The values of one chunk's gradient sums.</summary>
    public int SumsLength => _sumsLength;

    /// <summary>The lane buffers of the thread in <paramref name="slot"/> (0 = the caller).</summary>
    public Span<T> Lanes(int slot) => _lanes[slot].Span;

    /// <summary>The gradient sums of chunk <paramref name="chunk"/>.</summary>
    public Span<T> Sums(int chunk) => _sums.Span.Slice(chunk * _sumsLength, _sumsLength);

    /// <summary>The gradient sums of chunks 0..chunks-1, one after another.</summary>
    internal ReadOnlySpan<T> AllSums(int chunks) => _sums.Span.Slice(0, chunks * _sumsLength);

    /// <summary>The unscaled cost of each chunk.</summary>
    internal Span<T> Costs => _costs;

    /// <summary>Makes room for <paramref name="threads"/> threads and <paramref name="chunks"/> chunks (allocates only to grow).</summary>
    internal void Reserve(int threads, int chunks)
    {
        if (_lanes.Length < threads)
        {
            var lanes = new AlignedArray<T>[threads];
            Array.Copy(_lanes, lanes, _lanes.Length);
            for (int i = _lanes.Length; i < threads; i++)
            {
                lanes[i] = new AlignedArray<T>(_lanesLength);
            }

            _lanes = lanes;
        }

        if (_costs.Length < chunks)
        {
            _sums = new AlignedArray<T>(checked(chunks * _sumsLength));
            _costs = new T[chunks];
        }
    }
}
#endif
