using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Reliability;

/// <summary>
/// Forward reads the parameters only and keeps its activations on the stack, so many threads may run it
/// on one instance and get results bit-identical to a sequential run. Training mutates the instance and
/// is single-threaded (docs/threading.md). The same seed gives bit-identical parameters after training.
/// </summary>
public class ConcurrencyAndDeterminismTests
{
    private const int Threads = 8;
    private const int Rows = 400;

    private static readonly int[] Steps = { 1, 3, 7, 9, 11, 13, 17, 19 };

    private static float[] Inputs(int n0, int seed)
    {
        var random = new Random(seed);
        return Enumerable.Range(0, Rows * n0).Select(_ => (float)((random.NextDouble() * 4) - 2)).ToArray();
    }

    [Fact]
    public void Many_threads_running_Forward_on_one_instance_match_a_sequential_run_bit_for_bit()
    {
        var net = new ConcurrentNet();
        net.InitializeParameters(21);
        float[] x = Inputs(ConcurrentNet.InputSize, 1);
        float[] sequential = new float[Rows * ConcurrentNet.OutputSize];
        for (int i = 0; i < Rows; i++)
        {
            net.Forward(x.AsSpan(i * ConcurrentNet.InputSize, ConcurrentNet.InputSize), sequential.AsSpan(i * ConcurrentNet.OutputSize, ConcurrentNet.OutputSize));
        }

        // ForwardBatch runs other kernels (examples in SIMD lanes) than Forward, so it is compared with its own sequential run.
        float[] sequentialBatch = new float[sequential.Length];
        net.ForwardBatch(x, sequentialBatch);

        float[][] results = RunConcurrently(thread =>
        {
            // Each thread walks the rows in its own order, and every other thread also uses ForwardBatch
            // and the fixed-size overload, so calls of all three kinds overlap.
            var y = new float[Rows * ConcurrentNet.OutputSize];
            for (int r = 0; r < Rows; r++)
            {
                int i = (r * Steps[thread]) % Rows; // a permutation of the rows (each step is coprime with 400)
                Span<float> row = y.AsSpan(i * ConcurrentNet.OutputSize, ConcurrentNet.OutputSize);
                ReadOnlySpan<float> input = x.AsSpan(i * ConcurrentNet.InputSize, ConcurrentNet.InputSize);
                if (thread % 3 == 1)
                {
                    ConcurrentNet.Input fixedInput = default;
                    input.CopyTo(fixedInput);
                    ConcurrentNet.Output fixedOutput = net.Forward(in fixedInput);
                    ((ReadOnlySpan<float>)fixedOutput).CopyTo(row);
                }
                else
                {
                    net.Forward(input, row);
                }
            }

            if (thread % 3 == 2)
            {
                var batch = new float[y.Length];
                net.ForwardBatch(x, batch);
                Assert.True(batch.AsSpan().SequenceEqual(sequentialBatch), "a concurrent ForwardBatch differs from the sequential ForwardBatch");
            }

            return y;
        });

        foreach (float[] result in results)
        {
            Assert.True(result.AsSpan().SequenceEqual(sequential), "a concurrent Forward differs from the sequential run");
        }
    }

    [Fact]
    public void Concurrent_Forward_on_vector_loop_layers_in_double_matches_a_sequential_run()
    {
        var net = new ConcurrentWide();
        net.InitializeParameters(8);
        var random = new Random(2);
        double[] x = Enumerable.Range(0, Rows * ConcurrentWide.InputSize).Select(_ => random.NextDouble()).ToArray();
        double[] sequential = new double[Rows * ConcurrentWide.OutputSize];
        for (int i = 0; i < Rows; i++)
        {
            net.Forward(x.AsSpan(i * ConcurrentWide.InputSize, ConcurrentWide.InputSize), sequential.AsSpan(i * ConcurrentWide.OutputSize, ConcurrentWide.OutputSize));
        }

        double[][] results = RunConcurrently(thread =>
        {
            var y = new double[sequential.Length];
            for (int i = Rows - 1; i >= 0; i--)
            {
                net.Forward(x.AsSpan(i * ConcurrentWide.InputSize, ConcurrentWide.InputSize), y.AsSpan(i * ConcurrentWide.OutputSize, ConcurrentWide.OutputSize));
            }

            return y;
        });

        Assert.All(results, r => Assert.True(r.AsSpan().SequenceEqual(sequential)));
    }

    /// <summary>Runs <paramref name="work"/> on <see cref="Threads"/> threads released together by a barrier.</summary>
    private static T[] RunConcurrently<T>(Func<int, T> work)
    {
        using var start = new Barrier(Threads);
        var results = new T[Threads];
        var failures = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        Thread[] threads = Enumerable.Range(0, Threads).Select(t => new Thread(() =>
        {
            try
            {
                start.SignalAndWait();
                results[t] = work(t);
            }
            catch (Exception ex)
            {
                failures.Enqueue(ex);
            }
        })).ToArray();
        foreach (Thread thread in threads)
        {
            thread.Start();
        }

        foreach (Thread thread in threads)
        {
            thread.Join();
        }

        if (!failures.IsEmpty)
        {
            throw new AggregateException(failures);
        }

        return results;
    }

    [Fact]
    public async Task The_same_seed_gives_bit_identical_parameters_after_training()
    {
        float[] Train(int seed)
        {
            var net = new ConcurrentNet();
            net.InitializeParameters(seed);
            float[] x = Inputs(ConcurrentNet.InputSize, 5);
            float[] y = Enumerable.Range(0, Rows).SelectMany(i => Enumerable.Range(0, ConcurrentNet.OutputSize).Select(k => k == i % ConcurrentNet.OutputSize ? 1f : 0f)).ToArray();
            net.Fit(x, y, new Adam(0.01), epochs: 3, batchSize: 32, seed: seed);
            return net.Parameters.ToArray();
        }

        float[] first = Train(77);
        float[] again = Train(77);
        float[] onAnotherThread = await Task.Run(() => Train(77));
        Assert.True(first.AsSpan().SequenceEqual(again));
        Assert.True(first.AsSpan().SequenceEqual(onAnotherThread));
        Assert.False(first.AsSpan().SequenceEqual(Train(78)), "a different seed should give different parameters");
    }

    [Fact]
    public void Training_one_instance_per_thread_is_independent_and_deterministic()
    {
        // Training is single-threaded per instance; separate instances train in parallel without interference.
        double[][] results = RunConcurrently(thread =>
        {
            var net = new ConcurrentWide();
            net.InitializeParameters(3);
            var random = new Random(4);
            double[] x = Enumerable.Range(0, 64 * ConcurrentWide.InputSize).Select(_ => random.NextDouble()).ToArray();
            double[] y = Enumerable.Range(0, 64 * ConcurrentWide.OutputSize).Select(_ => random.NextDouble()).ToArray();
            net.Fit(x, y, new Sgd(0.05, momentum: 0.9), epochs: 2, batchSize: 16, seed: 9);
            return net.Parameters.ToArray();
        });

        Assert.All(results, r => Assert.True(r.AsSpan().SequenceEqual(results[0])));
    }
}
