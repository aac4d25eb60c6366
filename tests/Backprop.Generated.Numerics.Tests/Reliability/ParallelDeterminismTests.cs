using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Backprop.Generated.Compute;
using Xunit;

namespace Backprop.Generated.Numerics.Tests.Reliability;

/// <summary>A batch of 1,000 rows is 4 chunks of 256 for ComputeGradients and up to 4 threads' work.</summary>
[Network(784, 64, 10, Hidden = Activation.ReLU, Output = Activation.Softmax, Loss = Loss.CrossEntropy)]
public partial class ParallelNet { }

/// <summary>Double precision with dropout: every chunk draws its masks from the stream where a sequential run would be.</summary>
[Network(256, 64, 64, 10, Hidden = Activation.Tanh, Output = Activation.Softmax, Loss = Loss.CrossEntropy, Precision = Precision.Double, Dropout = 0.2)]
public partial class ParallelDropoutNet { }

/// <summary>A tiny network: its training is a register block written into its type (one method per block).</summary>
[Network(3, 2, 1, Hidden = Activation.Tanh, Output = Activation.Sigmoid)]
public partial class ParallelTinyNet { }

/// <summary>
/// Issue 21: ForwardBatch, ComputeGradients, TrainStep and Fit give bit-identical results for every
/// MaxDegreeOfParallelism (1, 2, 3, the core count, more threads than cores, -1), allocate nothing per call counted over
/// all threads, leave the worker threads blocked when idle, and stay correct when called from many threads at once or
/// from inside Parallel.For. Each determinism test first checks that the batch really is split into several chunks on
/// several threads, so that it could fail (docs/threading.md shows the run in which a reduction in thread order failed it).
/// The class runs alone, after the other test classes (<see cref="WorkerPoolCollection"/>): the worker pool is the
/// process's, so a parallel call of another class would make the idle workers busy in the idle test's window.
/// </summary>
[Collection(WorkerPoolCollection.Name)]
public class ParallelDeterminismTests
{
    private static readonly int[] Degrees = { 1, 2, 3, Environment.ProcessorCount, 8, -1 };

    internal static T[] Uniform<T>(int count, int seed)
        where T : struct
    {
        var random = new Random(seed);
        return Enumerable.Range(0, count).Select(_ => (T)Convert.ChangeType((random.NextDouble() * 2) - 1, typeof(T), System.Globalization.CultureInfo.InvariantCulture)).ToArray();
    }

    internal static T[] OneHot<T>(int rows, int classes, int seed)
        where T : struct
    {
        var random = new Random(seed);
        var y = new T[rows * classes];
        T one = (T)Convert.ChangeType(1, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
        for (int i = 0; i < rows; i++)
        {
            y[(i * classes) + random.Next(classes)] = one;
        }

        return y;
    }

    /// <summary>
    /// ComputeGradients with 1 thread, then with every degree of <see cref="Degrees"/>: the cost and every gradient must be
    /// the same bits. Returns the 1-thread gradients and cost.
    /// </summary>
    private static float[] GradientsOfEveryDegree(INetwork<float> net, float[] x, float[] y, out float expectedCost)
    {
        float[] expected = new float[net.ParameterCount];
        net.MaxDegreeOfParallelism = 1;
        expectedCost = net.ComputeGradients(x, y, expected);
        foreach (int degree in Degrees)
        {
            net.MaxDegreeOfParallelism = degree;
            float[] g = new float[expected.Length];
            float cost = net.ComputeGradients(x, y, g);
            Assert.Equal(BitConverter.SingleToInt32Bits(expectedCost), BitConverter.SingleToInt32Bits(cost));
            Assert.True(g.AsSpan().SequenceEqual(expected), $"gradients with MaxDegreeOfParallelism = {degree} differ from 1 thread");
        }

        return expected;
    }

    /// <summary>
    /// Runs a test's calls on a thread of its own: xunit runs tests on thread-pool threads, where a call made while the pool
    /// has queued work (other test classes) stays on its thread, and the test would then compare 1 thread with 1 thread.
    /// </summary>
    private static void OnDedicatedThread(Action body)
    {
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception ex)
            {
                failure = ex;
            }
        });
        thread.Start();
        thread.Join();
        if (failure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
        }
    }

    [Fact]
    public void The_test_batches_are_split_into_several_chunks_and_threads()
    {
        Assert.Equal(4, RowPartition.GradientChunks(1000, 784 * 64 + 64 * 10, out int chunkRows));
        Assert.Equal(256, chunkRows);
        Assert.True(RowPartition.Threads(8, 4, 3L * 1000 * ((784 * 64) + (64 * 10))) >= 3);
        Assert.Equal(5, RowPartition.GradientChunks(2500, (256 * 64) + (64 * 64) + (64 * 10), out _));

        // The partition depends on m and the shape only: never on the degree or the machine.
        Assert.Equal(RowPartition.MaxGradientChunks, RowPartition.GradientChunks(1_000_000, 101_632, out int rows));
        Assert.Equal(0, rows % Dense.BlockRows);
    }

    [Fact]
    public void ForwardBatch_gives_the_same_bits_for_every_degree() => OnDedicatedThread(() =>
    {
        var net = new ParallelNet();
        net.InitializeParameters(5);
        const int m = 3000; // not a whole number of blocks: the last block is partly filled
        float[] x = Uniform<float>(m * ParallelNet.InputSize, 1);
        float[] expected = new float[m * ParallelNet.OutputSize];
        net.MaxDegreeOfParallelism = 1;
        net.ForwardBatch(x, expected);
        foreach (int degree in Degrees)
        {
            net.MaxDegreeOfParallelism = degree;
            float[] y = new float[expected.Length];
            net.ForwardBatch(x, y);
            Assert.True(y.AsSpan().SequenceEqual(expected), $"ForwardBatch with MaxDegreeOfParallelism = {degree} differs from 1 thread");
        }

        Assert.True(WorkerPool.WorkerCount >= 1, "no worker thread ran: the test would pass without any parallelism");

        // Each row is also the row ForwardBatch gives on its own (the chunking cannot move an example between lanes).
        float[] single = new float[ParallelNet.OutputSize];
        net.ForwardBatch(x.AsSpan(2999 * ParallelNet.InputSize), single);
        Assert.True(single.AsSpan().SequenceEqual(expected.AsSpan(2999 * ParallelNet.OutputSize)) || m % Dense.BlockRows != 0);
    });

    /// <summary>
    /// The same for a tiny network, whose blocks are register blocks (GradientBlockInRegisters*): 8 multiply-adds a row
    /// make a chunk 21,846 blocks, so 3,000,000 rows are 3 chunks, the last block partly filled.
    /// </summary>
    [Fact]
    public void Tiny_network_gradients_give_the_same_bits_for_every_degree() => OnDedicatedThread(() =>
    {
        const int m = 3_000_000 - 5;
        Assert.Equal(3, RowPartition.GradientChunks(m, 8, out _));
        var net = new ParallelTinyNet();
        net.InitializeParameters(8);
        float[] x = Uniform<float>(m * ParallelTinyNet.InputSize, 4);
        float[] y = Uniform<float>(m, 5);
        float[] expected = GradientsOfEveryDegree(net, x, y, out _);

        // The chunks' sums are the batch's gradient: the mean of 50,000-row calls (one chunk each) agrees to float
        // accumulation over 3 million rows (a chunk lost or counted twice would be a third off).
        double[] mean = new double[expected.Length];
        float[] part = new float[expected.Length];
        for (int row = 0; row < m; row += 50_000)
        {
            int rows = Math.Min(50_000, m - row);
            net.ComputeGradients(x.AsSpan(row * ParallelTinyNet.InputSize, rows * ParallelTinyNet.InputSize), y.AsSpan(row, rows), part);
            for (int i = 0; i < part.Length; i++)
            {
                mean[i] += part[i] * (double)rows / m;
            }
        }

        double scale = mean.Max(Math.Abs);
        for (int i = 0; i < mean.Length; i++)
        {
            Assert.True(Math.Abs(mean[i] - expected[i]) <= 1e-3 * scale, $"gradient {i}: {expected[i]} against {mean[i]}");
        }
    });

    [Fact]
    public void ComputeGradients_gives_the_same_bits_for_every_degree_and_agrees_with_block_by_block_sums() => OnDedicatedThread(() =>
    {
        var net = new ParallelNet();
        net.InitializeParameters(6);
        const int m = 1000;
        float[] x = Uniform<float>(m * ParallelNet.InputSize, 2);
        float[] y = OneHot<float>(m, ParallelNet.OutputSize, 3);
        float[] expected = GradientsOfEveryDegree(net, x, y, out float expectedCost);

        // The chunked sums are the batch's gradient: the mean of 64-row calls' gradients, weighted by their rows, agrees to rounding.
        double[] mean = new double[expected.Length];
        double meanCost = 0;
        float[] part = new float[expected.Length];
        for (int row = 0; row < m; row += 64)
        {
            int rows = Math.Min(64, m - row);
            meanCost += net.ComputeGradients(x.AsSpan(row * ParallelNet.InputSize, rows * ParallelNet.InputSize), y.AsSpan(row * ParallelNet.OutputSize, rows * ParallelNet.OutputSize), part) * (double)rows / m;
            for (int i = 0; i < part.Length; i++)
            {
                mean[i] += part[i] * (double)rows / m;
            }
        }

        Assert.Equal(meanCost, expectedCost, 5);
        double scale = mean.Max(Math.Abs);
        for (int i = 0; i < mean.Length; i++)
        {
            Assert.True(Math.Abs(mean[i] - expected[i]) <= 1e-5 * scale, $"gradient {i}: {expected[i]} against {mean[i]}");
        }
    });

    [Fact]
    public void TrainStep_and_Fit_give_the_same_parameters_and_history_for_every_degree() => OnDedicatedThread(() =>
    {
        const int m = 1024;
        float[] x = Uniform<float>(m * ParallelNet.InputSize, 4);
        float[] y = OneHot<float>(m, ParallelNet.OutputSize, 5);
        (float[] Parameters, float[] Costs, double[] History) Train(int degree)
        {
            var net = new ParallelNet { MaxDegreeOfParallelism = degree };
            net.InitializeParameters(7);
            var adam = new Adam(0.001);
            float[] costs = new float[3];
            for (int step = 0; step < costs.Length; step++)
            {
                costs[step] = net.TrainStep(x, y, adam);
            }

            double[] history = net.Fit(x, y, new Sgd(0.05, momentum: 0.9), epochs: 2, batchSize: 512, seed: 11);
            return (net.Parameters.ToArray(), costs, history);
        }

        var expected = Train(1);
        foreach (int degree in Degrees.Skip(1))
        {
            var actual = Train(degree);
            Assert.True(actual.Costs.AsSpan().SequenceEqual(expected.Costs), $"TrainStep costs with MaxDegreeOfParallelism = {degree}");
            Assert.True(actual.History.AsSpan().SequenceEqual(expected.History), $"Fit history with MaxDegreeOfParallelism = {degree}");
            Assert.True(actual.Parameters.AsSpan().SequenceEqual(expected.Parameters), $"parameters after training with MaxDegreeOfParallelism = {degree}");
        }
    });

    [Fact]
    public void Dropout_masks_and_the_stream_after_a_step_are_the_same_for_every_degree_in_double_precision() => OnDedicatedThread(() =>
    {
        const int m = 2500;
        double[] x = Uniform<double>(m * ParallelDropoutNet.InputSize, 6);
        double[] y = OneHot<double>(m, ParallelDropoutNet.OutputSize, 7);
        double[] expected = new double[ParallelDropoutNet.ParameterCount];
        var reference = new ParallelDropoutNet { MaxDegreeOfParallelism = 1 };
        reference.InitializeParameters(8);
        double expectedCost = reference.ComputeGradients(x, y, expected);
        SplitMix64 expectedStream = reference.DropoutRandom;
        foreach (int degree in Degrees.Skip(1))
        {
            var net = new ParallelDropoutNet { MaxDegreeOfParallelism = degree };
            net.InitializeParameters(8);
            double[] g = new double[expected.Length];
            double cost = net.ComputeGradients(x, y, g);
            Assert.Equal(BitConverter.DoubleToInt64Bits(expectedCost), BitConverter.DoubleToInt64Bits(cost));
            Assert.True(g.AsSpan().SequenceEqual(expected), $"gradients with dropout, MaxDegreeOfParallelism = {degree}");
            SplitMix64 expectedNext = expectedStream, actualNext = net.DropoutRandom;
            Assert.Equal(expectedNext.NextUInt64(), actualNext.NextUInt64());
        }

        // The stream moves on by exactly the draws of a sequential run: 128 per example (two dropped layers of 64 units).
        var stream = new ParallelDropoutNet();
        stream.InitializeParameters(8);
        SplitMix64 start = stream.DropoutRandom;
        for (int i = 0; i < m * 128; i++)
        {
            start.NextUInt64();
        }

        SplitMix64 after = reference.DropoutRandom;
        Assert.Equal(start.NextUInt64(), after.NextUInt64());
    });

    [Fact]
    public void Idle_worker_threads_block_instead_of_spinning()
    {
        if (!OperatingSystem.IsLinux())
        {
            return; // reads the threads' states from /proc
        }

        var net = new ParallelNet { MaxDegreeOfParallelism = 3 };
        net.InitializeParameters(10);
        float[] x = Uniform<float>(3000 * ParallelNet.InputSize, 10);
        float[] outputs = new float[3000 * ParallelNet.OutputSize];
        net.ForwardBatch(x, outputs);
        Assert.True(WorkerPool.WorkerCount >= 2);

        // After the bounded spin (about 0.1 ms) every worker sleeps: state S in /proc, and no CPU time added while idle.
        Thread.Sleep(200);
        List<(string Task, string State, long Ticks)> first = Workers();
        Assert.NotEmpty(first);
        Thread.Sleep(1000);
        List<(string Task, string State, long Ticks)> second = Workers();
        foreach ((string task, string state, long ticks) in second)
        {
            Assert.True(state == "S", $"worker {task} is in state {state}, not sleeping");
            long before = first.FirstOrDefault(w => w.Task == task).Ticks;
            Assert.True(ticks - before <= 1, $"worker {task} used {ticks - before} clock ticks of CPU while idle");
        }
    }

    /// <summary>The worker threads of this process (named "BPG worker N"): their state and user + system clock ticks.</summary>
    private static List<(string Task, string State, long Ticks)> Workers()
    {
        var workers = new List<(string, string, long)>();
        foreach (string task in Directory.GetDirectories("/proc/self/task"))
        {
            string comm;
            string stat;
            try
            {
                comm = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                stat = File.ReadAllText(Path.Combine(task, "stat"));
            }
            catch (IOException)
            {
                continue; // the thread exited
            }

            if (!comm.StartsWith("BPG worker", StringComparison.Ordinal))
            {
                continue;
            }

            string[] fields = stat.Substring(stat.LastIndexOf(')') + 2).Split(' ');
            workers.Add((Path.GetFileName(task), fields[0], long.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + long.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture)));
        }

        return workers;
    }

    [Fact]
    public async Task Calls_from_many_threads_and_from_inside_Parallel_For_finish_with_the_same_bits()
    {
        var net = new ParallelNet();
        net.InitializeParameters(12);
        const int m = 3000;
        float[] x = Uniform<float>(m * ParallelNet.InputSize, 12);
        float[] expected = new float[m * ParallelNet.OutputSize];
        net.MaxDegreeOfParallelism = 1;
        net.ForwardBatch(x, expected);
        net.MaxDegreeOfParallelism = -1;

        // Inside Parallel.For: the pool's threads are busy, so most calls run inline; none deadlocks or differs.
        var results = new float[16][];
        Task run = Task.Run(() => Parallel.For(0, results.Length, i =>
        {
            results[i] = new float[expected.Length];
            net.ForwardBatch(x, results[i]);
        }));
        await run.WaitAsync(TimeSpan.FromMinutes(5)); // a TimeoutException would mean a deadlock
        Assert.All(results, r => Assert.True(r.AsSpan().SequenceEqual(expected)));

        // Dedicated threads started together on one instance: one takes the workers, the others run on their own thread.
        var threads = new Thread[6];
        var outputs = new float[threads.Length][];
        for (int t = 0; t < threads.Length; t++)
        {
            int index = t;
            outputs[index] = new float[expected.Length];
            threads[t] = new Thread(() =>
            {
                for (int i = 0; i < 3; i++)
                {
                    net.ForwardBatch(x, outputs[index]);
                }
            });
            threads[t].Start();
        }

        foreach (Thread thread in threads)
        {
            Assert.True(thread.Join(TimeSpan.FromMinutes(5)), "concurrent ForwardBatch calls did not finish");
        }

        Assert.All(outputs, r => Assert.True(r.AsSpan().SequenceEqual(expected)));
    }

    [Fact]
    public async Task Training_inside_Parallel_For_one_instance_per_iteration_matches_a_sequential_run()
    {
        const int m = 1000;
        float[] x = Uniform<float>(m * ParallelNet.InputSize, 13);
        float[] y = OneHot<float>(m, ParallelNet.OutputSize, 14);
        float[] Train(int degree)
        {
            var net = new ParallelNet { MaxDegreeOfParallelism = degree };
            net.InitializeParameters(15);
            var sgd = new Sgd(0.05);
            for (int step = 0; step < 2; step++)
            {
                net.TrainStep(x, y, sgd);
            }

            return net.Parameters.ToArray();
        }

        float[] expected = Train(1);
        var results = new float[6][];
        Task run = Task.Run(() => Parallel.For(0, results.Length, i => results[i] = Train(-1)));
        await run.WaitAsync(TimeSpan.FromMinutes(5)); // a TimeoutException would mean a deadlock
        Assert.All(results, r => Assert.True(r.AsSpan().SequenceEqual(expected)));
    }

    [Fact]
    public void MaxDegreeOfParallelism_accepts_minus_one_and_positive_values_and_names_a_wrong_one()
    {
        var net = new ParallelNet();
        Assert.Equal(-1, net.MaxDegreeOfParallelism);
        INetwork<float> network = net;
        network.MaxDegreeOfParallelism = 1;
        Assert.Equal(1, net.MaxDegreeOfParallelism);
        net.MaxDegreeOfParallelism = 64;
        Assert.Equal(64, network.MaxDegreeOfParallelism);
        foreach (int wrong in new[] { 0, -2, int.MinValue })
        {
            var ex = Assert.Throws<ArgumentOutOfRangeException>(() => net.MaxDegreeOfParallelism = wrong);
            Assert.Equal(wrong, ex.ActualValue);
            Assert.Contains($"not {wrong}", ex.Message, StringComparison.Ordinal);
            Assert.Equal(64, net.MaxDegreeOfParallelism);
        }
    }

    [Fact]
    public void On_one_core_the_default_runs_on_the_calling_thread()
    {
        // .ci/run runs this class again under DOTNET_PROCESSOR_COUNT=1, where Environment.ProcessorCount is 1. On a dedicated
        // thread: on a busy thread-pool thread (xunit runs tests there) a call stays on its thread whatever the degree.
        int threads = 0, one = 0, belowGrain = 0;
        var thread = new Thread(() =>
        {
            threads = RowPartition.Threads(-1, 16, long.MaxValue / 4);
            one = RowPartition.Threads(1, 16, long.MaxValue / 4);
            belowGrain = RowPartition.Threads(-1, 16, RowPartition.GrainMultiplyAdds - 1);
        });
        thread.Start();
        thread.Join();
        Assert.Equal(Math.Min(16, Environment.ProcessorCount), threads);
        Assert.Equal(1, one);
        Assert.Equal(1, belowGrain);
    }
}

/// <summary>
/// Issue 21 item 4: after warm-up, ForwardBatch, ComputeGradients and TrainStep allocate nothing, counted over all threads
/// with <see cref="GC.GetTotalAllocatedBytes(bool)"/>, for 3 threads (more than the cores of a 2-core machine), all cores
/// and 1 thread.
/// </summary>
public class ParallelAllocationTests
{
    private const string ChildVariable = "BACKPROP_ALLOCATION_CHILD";

    [Fact]
    public void No_call_allocates_after_warm_up_counted_over_all_threads()
    {
        if (Environment.GetEnvironmentVariable(ChildVariable) != "1")
        {
            // GC.GetTotalAllocatedBytes counts every thread of the process, the test host's and other test classes' too:
            // the measurement runs in a process of its own, this assembly's InProcessRunner running this class alone.
            string assembly = typeof(ParallelAllocationTests).Assembly.Location;
            var start = new ProcessStartInfo("dotnet", $"exec \"{assembly}\" --class {nameof(ParallelAllocationTests)}")
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            };
            start.Environment[ChildVariable] = "1";
            using Process child = Process.Start(start)!;
            string output = child.StandardOutput.ReadToEnd() + child.StandardError.ReadToEnd();
            child.WaitForExit();
            Assert.True(child.ExitCode == 0 && output.Contains("1 passed", StringComparison.Ordinal), output);
            return;
        }

        var net = new ParallelNet();
        net.InitializeParameters(9);
        const int m = 2048;
        float[] x = ParallelDeterminismTests.Uniform<float>(m * ParallelNet.InputSize, 8);
        float[] y = ParallelDeterminismTests.OneHot<float>(m, ParallelNet.OutputSize, 9);
        float[] outputs = new float[m * ParallelNet.OutputSize];
        float[] gradients = new float[ParallelNet.ParameterCount];
        var sgd = new Sgd(0.01);
        foreach (int degree in new[] { 3, -1, 1 })
        {
            net.MaxDegreeOfParallelism = degree;
            for (int i = 0; i < 3; i++)
            {
                net.ForwardBatch(x, outputs);
                net.ComputeGradients(x, y, gradients);
                net.TrainStep(x, y, sgd);
            }

            // The least of three windows of 10 calls of each kind: an allocation per call shows in every window, while a
            // one-off of the runtime or the runner (24 bytes were seen once, in the first window with 3 threads on 2 cores)
            // does not recur.
            long allocated = long.MaxValue;
            for (int window = 0; window < 3 && allocated != 0; window++)
            {
                long before = GC.GetTotalAllocatedBytes(precise: true);
                for (int i = 0; i < 10; i++)
                {
                    net.ForwardBatch(x, outputs);
                    net.ComputeGradients(x, y, gradients);
                    net.TrainStep(x, y, sgd);
                }

                allocated = Math.Min(allocated, GC.GetTotalAllocatedBytes(precise: true) - before);
            }

            Assert.True(allocated == 0, $"MaxDegreeOfParallelism = {degree}: {allocated} bytes allocated over all threads in 10 calls of each");
        }
    }

}

/// <summary>
/// The tests that watch the process-wide worker pool (its threads' states and CPU time): xunit runs a collection with
/// parallelization disabled after all the others, by itself.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerPoolCollection
{
    public const string Name = "Worker pool, alone";
}
