#if NET8_0_OR_GREATER
using System;
using System.ComponentModel;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Threading;

namespace Backprop.Generated.Compute;

/// <summary>
/// The rows of one <c>ForwardBatch</c> or <c>ComputeGradients</c> call, as generated code runs them: a private struct of the
/// network implements it, so <see cref="RowPartition"/> calls the network's row methods with no delegate, closure or
/// boxing.
/// </summary>
/// <typeparam name="T">The network's floating-point type.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IRowChunks<T>
    where T : unmanaged
{
    /// <summary>Writes the outputs of rows <paramref name="row"/>..row+rows-1 of <paramref name="inputs"/>.</summary>
    void Forward(ReadOnlySpan<T> inputs, Span<T> outputs, int row, int rows);

    /// <summary>
    /// Computes the unscaled gradient sums of rows <paramref name="row"/>..row+rows-1 into <paramref name="sums"/> (the first
    /// block stores, the others add), using <paramref name="lanes"/> as the block's scratch, and returns their summed loss.
    /// </summary>
    T Gradients(ReadOnlySpan<T> inputs, ReadOnlySpan<T> targets, int row, int rows, Span<T> lanes, Span<T> sums);
}

/// <summary>
/// How generated networks split a batch over threads: the partition, the grain, and the runs on <see cref="WorkerPool"/>'s
/// threads (docs/threading.md, "Several cores").
/// </summary>
/// <remarks>
/// <para>
/// Partition: chunks of whole blocks of <see cref="Dense.BlockRows"/> rows, so every example runs through the same kernels
/// in the same lanes as on one thread. <c>ForwardBatch</c>'s rows are independent, so its outputs are the same bits for
/// any chunking. <c>ComputeGradients</c> sums over the rows: each chunk sums its own rows into its own buffer, the chunks
/// are fixed by m and the network's shape alone (<see cref="GradientChunks"/>), and every gradient element is then the sum
/// s_0 + s_1 + ... + s_{C-1} of the chunks' sums, added in chunk order, times 1/m. Which thread ran a chunk, or added up
/// which elements, does not enter the result: every <c>MaxDegreeOfParallelism</c> gives the same bits.
/// </para>
/// <para>
/// Grain: a call uses a second thread only for at least <see cref="GrainMultiplyAdds"/> multiply-adds per thread, and
/// <c>ComputeGradients</c>' chunks hold at least that much work each (the measurements behind the figure are in
/// docs/performance.md, "Several cores").
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static unsafe class RowPartition
{
    /// <summary>
    /// The least work, in multiply-adds, worth one more thread: 2^25, about 0.8 ms of one core's batch kernels (42 G
    /// multiply-adds per second measured on 784-128-10). A parallel call's fixed cost was measured at 1 to 2 microseconds
    /// while the workers still spin from the last call, and 100 to 250 microseconds when they sleep and their core idles
    /// (docs/performance.md, "Several cores"): the grain keeps the second under a fifth of the work it saves.
    /// </summary>
    public const long GrainMultiplyAdds = 1L << 25;

    /// <summary>
    /// The fewest rows of a <c>ComputeGradients</c> chunk (but the last): each chunk's sums, as long as the parameters, are
    /// read once more when the chunks are added up, a memory-bound pass that must stay small beside the chunk's 3 x rows x
    /// parameters multiply-adds.
    /// </summary>
    public const int MinGradientChunkRows = 256;

    /// <summary>The most chunks a <c>ComputeGradients</c> call is split into (each keeps its own gradient sums).</summary>
    public const int MaxGradientChunks = 16;

    /// <summary>
    /// The multiply-adds of one <c>ForwardBatch</c> chunk: small enough that the threads share a batch evenly (each claims
    /// the next chunk when it is done), large enough that claiming costs nothing measurable.
    /// </summary>
    private const long ForwardChunkMultiplyAdds = GrainMultiplyAdds / 8;

    /// <summary>
    /// Checks a <c>MaxDegreeOfParallelism</c>: -1 (all cores, <see cref="Environment.ProcessorCount"/>) or at least 1.
    /// </summary>
    /// <param name="value">The value to set.</param>
    /// <returns><paramref name="value"/>.</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="value"/> is 0 or below -1.</exception>
    public static int CheckDegree(int value)
    {
        if (value == 0 || value < -1)
        {
            throw new ArgumentOutOfRangeException(
                nameof(value),
                value,
                $"MaxDegreeOfParallelism must be -1 (all cores) or at least 1 (1 = the calling thread only), not {value}.");
        }

        return value;
    }

    /// <summary>
    /// The threads a call of <paramref name="multiplyAdds"/> multiply-adds in <paramref name="chunks"/> chunks uses:
    /// at most <paramref name="maxDegree"/> (-1: <see cref="Environment.ProcessorCount"/>), one per chunk, one per
    /// <see cref="GrainMultiplyAdds"/>; 1 on a thread-pool thread while the pool has queued work (its threads already
    /// use the cores).
    /// </summary>
    public static int Threads(int maxDegree, int chunks, long multiplyAdds)
    {
        int degree = maxDegree == -1 ? Environment.ProcessorCount : maxDegree;
        long byWork = Math.Max(1, multiplyAdds / GrainMultiplyAdds);
        int threads = (int)Math.Min(Math.Min(degree, chunks), Math.Min(byWork, WorkerPool.MaxWorkers + 1));
        if (threads > 1 && Thread.CurrentThread.IsThreadPoolThread && ThreadPool.PendingWorkItemCount > 0)
        {
            return 1;
        }

        return threads;
    }

    /// <summary>
    /// The chunks of a <c>ComputeGradients</c> call of <paramref name="m"/> rows: whole blocks of <see cref="Dense.BlockRows"/>
    /// rows, at least <see cref="GrainMultiplyAdds"/> of work each (a chunk's rows cost 3 x
    /// <paramref name="multiplyAddsPerRow"/>: forward, dA and dW), at most <see cref="MaxGradientChunks"/>. A function of m
    /// and the shape alone, never of the thread count: it fixes the order in which the gradient sums are added.
    /// </summary>
    /// <param name="m">The rows of the batch.</param>
    /// <param name="multiplyAddsPerRow">The forward pass's multiply-adds per row, the sum of n_{l-1} n_l.</param>
    /// <param name="chunkRows">The rows of every chunk but the last.</param>
    public static int GradientChunks(int m, long multiplyAddsPerRow, out int chunkRows)
    {
        int blocks = (m + Dense.BlockRows - 1) / Dense.BlockRows;
        long blockWork = 3 * Dense.BlockRows * Math.Max(1, multiplyAddsPerRow);
        long grainBlocks = Math.Max(1, (GrainMultiplyAdds + blockWork - 1) / blockWork);
        int blocksPerChunk = (int)Math.Min(blocks, Math.Max(MinGradientChunkRows / Dense.BlockRows, grainBlocks));
        if (blocksPerChunk == blocks && blocks >= MinGradientChunkRows / Dense.BlockRows && 2 * grainBlocks <= blocks)
        {
            // A batch of one chunk's rows (256 to 511) still splits in two, of at least 128 rows and the grain each.
            blocksPerChunk = (blocks + 1) / 2;
        }

        int chunks = (blocks + blocksPerChunk - 1) / blocksPerChunk;
        if (chunks > MaxGradientChunks)
        {
            blocksPerChunk = (blocks + MaxGradientChunks - 1) / MaxGradientChunks;
            chunks = (blocks + blocksPerChunk - 1) / blocksPerChunk;
        }

        chunkRows = blocksPerChunk * Dense.BlockRows;
        return chunks;
    }

    /// <summary>
    /// <c>ForwardBatch</c>: the <paramref name="m"/> rows in chunks of whole blocks, on up to <paramref name="maxDegree"/>
    /// threads when the work is large enough, else all on the calling thread.
    /// </summary>
    /// <param name="work">The network's row methods.</param>
    /// <param name="inputs">X, m rows.</param>
    /// <param name="outputs">A[L], m rows.</param>
    /// <param name="m">The rows.</param>
    /// <param name="multiplyAddsPerRow">The forward pass's multiply-adds per row, the sum of n_{l-1} n_l.</param>
    /// <param name="maxDegree">The network's <c>MaxDegreeOfParallelism</c>.</param>
    public static void ForwardBatch<TWork, T>(TWork work, ReadOnlySpan<T> inputs, Span<T> outputs, int m, long multiplyAddsPerRow, int maxDegree)
        where TWork : struct, IRowChunks<T>
        where T : unmanaged
    {
        int blocks = (m + Dense.BlockRows - 1) / Dense.BlockRows;
        long blockWork = Dense.BlockRows * Math.Max(1, multiplyAddsPerRow);
        int blocksPerChunk = (int)Math.Min(blocks, Math.Max(1, ForwardChunkMultiplyAdds / blockWork));
        int chunks = (blocks + blocksPerChunk - 1) / blocksPerChunk;
        int threads = Threads(maxDegree, chunks, m * Math.Max(1, multiplyAddsPerRow));
        if (threads <= 1 || !WorkerPool.TryEnter(threads))
        {
            work.Forward(inputs, outputs, 0, m);
            return;
        }

        fixed (T* x = inputs)
        fixed (T* y = outputs)
        {
            var job = new ForwardJob<TWork, T>
            {
                Work = work,
                Inputs = x,
                InputsLength = inputs.Length,
                Outputs = y,
                OutputsLength = outputs.Length,
                ChunkRows = blocksPerChunk * Dense.BlockRows,
                Rows = m,
            };
            WorkerPool.Run(Unsafe.AsPointer(ref job), &ForwardChunk<TWork, T>, chunks, threads);
        }
    }

    /// <summary>
    /// <c>ComputeGradients</c>: the <paramref name="m"/> rows in the chunks of <see cref="GradientChunks"/>, each into its
    /// own sums, on up to <paramref name="maxDegree"/> threads; then every gradient element = (sum of the chunks' sums, in
    /// chunk order) times 1/m, in the layout of the parameters.
    /// </summary>
    /// <param name="work">The network's row methods.</param>
    /// <param name="inputs">X, m rows.</param>
    /// <param name="targets">Y, m rows.</param>
    /// <param name="gradients">Receives dJ/dtheta.</param>
    /// <param name="scratch">The network's training scratch.</param>
    /// <param name="m">The rows.</param>
    /// <param name="multiplyAddsPerRow">The forward pass's multiply-adds per row, the sum of n_{l-1} n_l.</param>
    /// <param name="maxDegree">The network's <c>MaxDegreeOfParallelism</c>.</param>
    /// <param name="finite">Whether every gradient written is finite.</param>
    /// <returns>J = (1/m) times the sum of the chunks' losses, added in chunk order.</returns>
    public static T ComputeGradients<TWork, T>(
        TWork work,
        ReadOnlySpan<T> inputs,
        ReadOnlySpan<T> targets,
        Span<T> gradients,
        TrainingScratch<T> scratch,
        int m,
        long multiplyAddsPerRow,
        int maxDegree,
        out bool finite)
        where TWork : struct, IRowChunks<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        int[] layerSizes = scratch.LayerSizes;
        int chunks = GradientChunks(m, multiplyAddsPerRow, out int chunkRows);
        int threads = Threads(maxDegree, chunks, 3 * m * Math.Max(1, multiplyAddsPerRow));
        T scale = T.One / T.CreateTruncating(m);
        if (chunks == 1)
        {
            T cost = work.Gradients(inputs, targets, 0, m, scratch.Lanes(0), scratch.Sums(0));
            finite = Dense.WriteGradients<T>(scratch.Sums(0), gradients, scale, layerSizes);
            return cost * scale;
        }

        scratch.Reserve(threads, chunks);
        bool parallel = threads > 1 && WorkerPool.TryEnter(threads);
        if (!parallel)
        {
            threads = 1;
        }

        fixed (T* x = inputs)
        fixed (T* y = targets)
        fixed (T* g = gradients)
        {
            var job = new GradientJob<TWork, T>
            {
                Work = work,
                Inputs = x,
                InputsLength = inputs.Length,
                Targets = y,
                TargetsLength = targets.Length,
                Gradients = g,
                GradientsLength = gradients.Length,
                Scratch = scratch,
                LayerSizes = layerSizes,
                ChunkRows = chunkRows,
                Rows = m,
                Chunks = chunks,
                Scale = scale,
                Finite = 1,
            };

            // The rows of the sums' matrices (dW[l]'s n_{l-1} rows and db[l]'s one, for every l), in pieces for the threads.
            int sumRows = 0;
            for (int l = 1; l < layerSizes.Length; l++)
            {
                sumRows += layerSizes[l - 1] + 1;
            }

            job.PieceRows = (sumRows + (4 * threads) - 1) / (4 * threads);
            int pieces = (sumRows + job.PieceRows - 1) / job.PieceRows;
            if (parallel)
            {
                WorkerPool.Run(Unsafe.AsPointer(ref job), &GradientChunk<TWork, T>, chunks, threads);
                if (!WorkerPool.TryEnter(threads))
                {
                    // Another caller took the pool in between: add the sums up here.
                    threads = 1;
                }
            }
            else
            {
                for (int chunk = 0; chunk < chunks; chunk++)
                {
                    GradientChunk<TWork, T>(Unsafe.AsPointer(ref job), chunk, 0);
                }
            }

            if (threads > 1)
            {
                WorkerPool.Run(Unsafe.AsPointer(ref job), &ReducePiece<TWork, T>, pieces, threads);
            }
            else
            {
                for (int piece = 0; piece < pieces; piece++)
                {
                    ReducePiece<TWork, T>(Unsafe.AsPointer(ref job), piece, 0);
                }
            }

            // J: the chunks' losses added in chunk order.
            Span<T> costs = scratch.Costs;
            T total = costs[0];
            for (int chunk = 1; chunk < chunks; chunk++)
            {
                total += costs[chunk];
            }

            finite = job.Finite != 0;
            return total * scale;
        }
    }

    private struct ForwardJob<TWork, T>
        where TWork : struct, IRowChunks<T>
        where T : unmanaged
    {
        public TWork Work;
        public T* Inputs;
        public int InputsLength;
        public T* Outputs;
        public int OutputsLength;
        public int ChunkRows;
        public int Rows;
    }

    private struct GradientJob<TWork, T>
        where TWork : struct, IRowChunks<T>
        where T : unmanaged
    {
        public TWork Work;
        public T* Inputs;
        public int InputsLength;
        public T* Targets;
        public int TargetsLength;
        public T* Gradients;
        public int GradientsLength;
        public TrainingScratch<T> Scratch;
        public int[] LayerSizes;
        public int ChunkRows;
        public int Rows;
        public int Chunks;
        public int PieceRows;
        public T Scale;
        public int Finite;
    }

    private static void ForwardChunk<TWork, T>(void* state, int chunk, int slot)
        where TWork : struct, IRowChunks<T>
        where T : unmanaged
    {
        ref ForwardJob<TWork, T> job = ref Unsafe.AsRef<ForwardJob<TWork, T>>(state);
        int row = chunk * job.ChunkRows;
        int rows = Math.Min(job.ChunkRows, job.Rows - row);
        job.Work.Forward(new ReadOnlySpan<T>(job.Inputs, job.InputsLength), new Span<T>(job.Outputs, job.OutputsLength), row, rows);
    }

    private static void GradientChunk<TWork, T>(void* state, int chunk, int slot)
        where TWork : struct, IRowChunks<T>
        where T : unmanaged
    {
        ref GradientJob<TWork, T> job = ref Unsafe.AsRef<GradientJob<TWork, T>>(state);
        int row = chunk * job.ChunkRows;
        int rows = Math.Min(job.ChunkRows, job.Rows - row);
        job.Scratch.Costs[chunk] = job.Work.Gradients(
            new ReadOnlySpan<T>(job.Inputs, job.InputsLength),
            new ReadOnlySpan<T>(job.Targets, job.TargetsLength),
            row,
            rows,
            job.Scratch.Lanes(slot),
            job.Scratch.Sums(chunk));
    }

    private static void ReducePiece<TWork, T>(void* state, int piece, int slot)
        where TWork : struct, IRowChunks<T>
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref GradientJob<TWork, T> job = ref Unsafe.AsRef<GradientJob<TWork, T>>(state);
        int first = piece * job.PieceRows;
        bool finite = WriteGradientRows(
            job.Scratch.AllSums(job.Chunks),
            job.Chunks,
            job.Scratch.SumsLength,
            new Span<T>(job.Gradients, job.GradientsLength),
            job.Scale,
            job.LayerSizes,
            first,
            first + job.PieceRows);
        if (!finite)
        {
            Volatile.Write(ref job.Finite, 0);
        }
    }

    /// <summary>
    /// Rows <paramref name="first"/>..<paramref name="end"/>-1 of all layers' sums (dW[1]'s rows, db[1], dW[2]'s rows, ...):
    /// g = (s_0 + s_1 + ... + s_{C-1}) * scale for every element, the chunks' sums added in chunk order, written into the
    /// layout of the parameters. Returns whether every value written is finite.
    /// </summary>
    internal static bool WriteGradientRows<T>(ReadOnlySpan<T> sums, int chunks, int sumsLength, Span<T> gradients, T scale, ReadOnlySpan<int> layerSizes, int first, int end)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T s0 = ref MemoryMarshal.GetReference(sums);
        ref T w0 = ref MemoryMarshal.GetReference(gradients);
        int c = Vector<T>.Count;
        var scalev = new Vector<T>(scale);
        Vector<T> check = Vector<T>.Zero;
        T checkScalar = T.Zero;
        int row = 0, parameter = 0, sum = 0;
        for (int l = 1; l < layerSizes.Length && row < end; l++)
        {
            int inputs = layerSizes[l - 1], n = layerSizes[l];
            int stride = Dense.GradientStride(n);
            int from = Math.Max(first, row) - row, to = Math.Min(end, row + inputs + 1) - row;
            for (int j = from; j < to; j++)
            {
                ref T source = ref Unsafe.Add(ref s0, sum + (j * stride));
                ref T target = ref Unsafe.Add(ref w0, parameter + (j * n));
                int k = 0;
                if (Vector.IsHardwareAccelerated)
                {
                    for (; k + c <= n; k += c)
                    {
                        Vector<T> total = Vector.LoadUnsafe(ref Unsafe.Add(ref source, k));
                        for (int chunk = 1; chunk < chunks; chunk++)
                        {
                            total += Vector.LoadUnsafe(ref Unsafe.Add(ref source, (chunk * sumsLength) + k));
                        }

                        Vector<T> g = total * scalev;
                        Vector.StoreUnsafe(g, ref Unsafe.Add(ref target, k));
                        check += g - g;
                    }
                }

                for (; k < n; k++)
                {
                    T total = Unsafe.Add(ref source, k);
                    for (int chunk = 1; chunk < chunks; chunk++)
                    {
                        total += Unsafe.Add(ref source, (chunk * sumsLength) + k);
                    }

                    T g = total * scale;
                    Unsafe.Add(ref target, k) = g;
                    checkScalar += g - g;
                }
            }

            row += inputs + 1;
            parameter += (inputs + 1) * n;
            sum += (inputs + 1) * stride;
        }

        return checkScalar == T.Zero && Vector.EqualsAll(check, Vector<T>.Zero);
    }
}
#endif
