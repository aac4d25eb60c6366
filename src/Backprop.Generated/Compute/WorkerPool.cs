#if NET8_0_OR_GREATER
using System;
using System.Diagnostics;
using System.Runtime.ExceptionServices;
using System.Threading;

namespace Backprop.Generated.Compute;

/// <summary>
/// The worker threads that <see cref="RowPartition"/> splits a call's chunks over: dedicated background threads, created
/// on first need and kept, that spin briefly after a job and then block, so an idle process burns no CPU. One job runs
/// at a time: a caller that finds the pool busy (another thread's call, or a call from inside a running chunk) runs its
/// chunks on its own thread instead of queueing, so concurrent callers never wait for each other and never stack more
/// threads on the cores.
/// </summary>
/// <remarks>
/// <para>
/// A job is a pointer to the caller's state on its stack, a static function pointer that runs one chunk, and a chunk
/// count. The caller takes part as slot 0; each worker that joins gets the next slot (1, 2, ...) up to the job's thread
/// count. Every participant claims chunks with one <see cref="Interlocked.Increment(ref int)"/> until none is left, so
/// a late or descheduled worker only takes fewer chunks. Which thread runs a chunk never changes what the chunk
/// computes: <see cref="RowPartition"/> fixes the chunks by the batch alone.
/// </para>
/// <para>
/// The job's state word holds, in 64 bits, the job's generation (32), a closed flag, the workers that joined (15 bits)
/// and those still inside (15 bits). A worker joins with one compare-exchange on the generation it was woken for, so a
/// worker waking late can never join a later job in the earlier one's place; the caller closes the job once every
/// chunk is claimed and waits only for the workers that joined. The job's stack state is never touched after that.
/// </para>
/// <para>
/// Waiting: a worker spins for at most <see cref="SpinTicks"/> (1 ms, yielding its core to ready threads), then blocks
/// on its own monitor; the caller waits for the last workers the same way. Nothing is allocated per job: no tasks, no
/// closures, no delegates.
/// </para>
/// </remarks>
internal static unsafe class WorkerPool
{
    /// <summary>The most worker threads (a job uses at most this many plus the caller).</summary>
    public const int MaxWorkers = 63;

    private const long Closed = 1L << 30;
    private const long JoinedUnit = 1L;
    private const long ActiveUnit = 1L << 15;
    private const long CountMask = (1L << 15) - 1;

    /// <summary>
    /// How long a waiting thread spins before it blocks: 1 ms. Waking a blocked worker cost 100 to 250 microseconds on
    /// the 2-core virtual machines measured (its idle core has to be woken too), so a worker stays awake across the gap
    /// between two training steps (the optimizer's update, the next batch's rows); after the last call it costs at most
    /// 1 ms of CPU per worker. The spin yields its core to any other ready thread (<see cref="Thread.Yield"/>), so more
    /// threads than cores do not starve the one doing the work.
    /// </summary>
    private static readonly long SpinTicks = Math.Max(1, Stopwatch.Frequency / 1_000);

    private static readonly object Growth = new();
    private static readonly object DoneGate = new();
    private static Worker[] s_workers = Array.Empty<Worker>();

    private static int s_busy;
    private static long s_state;
    private static int s_callerWaiting;

    // The current job, written by its caller before the state word publishes its generation.
    private static void* s_job;
    private static delegate*<void*, int, int, void> s_body;
    private static int s_chunks;
    private static int s_next;
    private static int s_threads;
    private static Exception? s_failure;

    /// <summary>The worker threads created so far (for tests and docs/threading.md's figures).</summary>
    public static int WorkerCount => Volatile.Read(ref s_workers).Length;

    /// <summary>
    /// Takes the pool for one job with up to <paramref name="threads"/> threads (the caller and threads - 1 workers),
    /// creating workers on first need. False when another job holds the pool: the caller should run its chunks itself.
    /// </summary>
    public static bool TryEnter(int threads)
    {
        if (Interlocked.CompareExchange(ref s_busy, 1, 0) != 0)
        {
            return false;
        }

        if (Volatile.Read(ref s_workers).Length < threads - 1)
        {
            try
            {
                Grow(Math.Min(threads - 1, MaxWorkers));
            }
            catch
            {
                Volatile.Write(ref s_busy, 0);
                throw;
            }
        }

        return true;
    }

    /// <summary>
    /// Runs <paramref name="body"/>(job, chunk, slot) for chunk = 0..chunks-1 on the caller (slot 0) and up to
    /// threads - 1 workers, returns when all are done and frees the pool. Call only after <see cref="TryEnter"/> returned
    /// true. An exception in a chunk is rethrown here, after every participant has left the job.
    /// </summary>
    public static void Run(void* job, delegate*<void*, int, int, void> body, int chunks, int threads)
    {
        Worker[] workers = s_workers;
        int helpers = Math.Min(threads - 1, workers.Length);
        s_job = job;
        s_body = body;
        s_chunks = chunks;
        s_next = 0;
        s_threads = helpers + 1;
        s_failure = null;
        long generation = (Gen(Volatile.Read(ref s_state)) + 1) & 0xFFFF_FFFFL;

        // Publishes the job (a full fence), then wakes the workers that sleep; a spinning one sees the generation change.
        Interlocked.Exchange(ref s_state, generation << 32);
        for (int i = 0; i < helpers; i++)
        {
            workers[i].Wake();
        }

        try
        {
            Participate(job, body, chunks, slot: 0);
        }
        catch
        {
            // The workers claim no further chunk.
            Interlocked.Exchange(ref s_next, int.MaxValue / 2);
            throw;
        }
        finally
        {
            // No worker may join after this, and those inside finish their last chunk.
            long state;
            do
            {
                state = Volatile.Read(ref s_state);
            }
            while (Interlocked.CompareExchange(ref s_state, state | Closed, state) != state);

            WaitUntilWorkersLeave();
            Exception? failure = s_failure;
            s_job = null;
            Volatile.Write(ref s_busy, 0);
            if (failure is not null)
            {
                ExceptionDispatchInfo.Capture(failure).Throw();
            }
        }
    }

    private static void Participate(void* job, delegate*<void*, int, int, void> body, int chunks, int slot)
    {
        int chunk;
        while ((chunk = Interlocked.Increment(ref s_next) - 1) < chunks)
        {
            body(job, chunk, slot);
        }
    }

    private static long Gen(long state) => (long)((ulong)state >> 32);

    private static void WaitUntilWorkersLeave()
    {
        long start = Stopwatch.GetTimestamp();
        while (((Volatile.Read(ref s_state) >> 15) & CountMask) != 0)
        {
            if (Stopwatch.GetTimestamp() - start > SpinTicks)
            {
                lock (DoneGate)
                {
                    Interlocked.Exchange(ref s_callerWaiting, 1);
                    while (((Volatile.Read(ref s_state) >> 15) & CountMask) != 0)
                    {
                        Monitor.Wait(DoneGate);
                    }

                    Volatile.Write(ref s_callerWaiting, 0);
                }

                return;
            }

            Thread.SpinWait(20);
            Thread.Yield();
        }
    }

    private static void Grow(int count)
    {
        lock (Growth)
        {
            Worker[] old = s_workers;
            if (old.Length >= count)
            {
                return;
            }

            var grown = new Worker[count];
            Array.Copy(old, grown, old.Length);
            long generation = Gen(Volatile.Read(ref s_state));
            for (int i = old.Length; i < count; i++)
            {
                grown[i] = new Worker(i + 1, generation);
            }

            Volatile.Write(ref s_workers, grown);
        }
    }

    /// <summary>One dedicated thread: waits for a new generation, joins the job if it still has room, runs chunks.</summary>
    private sealed class Worker
    {
        private readonly object _gate = new();
        private long _seen;
        private int _sleeping;

        public Worker(int number, long generation)
        {
            _seen = generation;
            var thread = new Thread(Loop)
            {
                IsBackground = true,
                Name = "BPG worker " + number, // at most 15 characters: the name Linux shows (/proc/.../comm, top -H)
            };
            thread.Start();
        }

        /// <summary>Pulses the worker if it blocks; called after the new generation is published.</summary>
        public void Wake()
        {
            if (Volatile.Read(ref _sleeping) != 0)
            {
                lock (_gate)
                {
                    Monitor.Pulse(_gate);
                }
            }
        }

        private void Loop()
        {
            while (true)
            {
                long state = WaitForJob();
                _seen = Gen(state);
                if (TryJoin(state, out int slot))
                {
                    try
                    {
                        Participate(s_job, s_body, s_chunks, slot);
                    }
                    catch (Exception failure)
                    {
                        Interlocked.CompareExchange(ref s_failure, failure, null);
                        Interlocked.Exchange(ref s_next, int.MaxValue / 2);
                    }
                    finally
                    {
                        Leave();
                    }
                }
            }
        }

        private long WaitForJob()
        {
            long start = Stopwatch.GetTimestamp();
            while (true)
            {
                long state = Volatile.Read(ref s_state);
                if (Gen(state) != _seen)
                {
                    return state;
                }

                if (Stopwatch.GetTimestamp() - start > SpinTicks)
                {
                    break;
                }

                Thread.SpinWait(20);
                Thread.Yield();
            }

            lock (_gate)
            {
                // The exchange is a full fence: either the caller's publish is seen below, or the caller sees the flag and pulses.
                Interlocked.Exchange(ref _sleeping, 1);
                long state;
                while (Gen(state = Volatile.Read(ref s_state)) == _seen)
                {
                    Monitor.Wait(_gate);
                }

                Volatile.Write(ref _sleeping, 0);
                return state;
            }
        }

        /// <summary>Joins the job of <paramref name="state"/>'s generation if it is open and short of threads.</summary>
        private static bool TryJoin(long state, out int slot)
        {
            while (true)
            {
                // The state first: the thread count read after it is the one its generation published (or the CAS fails).
                long current = Volatile.Read(ref s_state);
                int threads = Volatile.Read(ref s_threads);
                if (Gen(current) != Gen(state) || (current & Closed) != 0 || (current & CountMask) + 1 >= threads)
                {
                    slot = 0;
                    return false;
                }

                if (Interlocked.CompareExchange(ref s_state, current + JoinedUnit + ActiveUnit, current) == current)
                {
                    slot = (int)(current & CountMask) + 1;
                    return true;
                }
            }
        }

        private static void Leave()
        {
            long after = Interlocked.Add(ref s_state, -ActiveUnit);
            if (((after >> 15) & CountMask) == 0 && Volatile.Read(ref s_callerWaiting) != 0)
            {
                lock (DoneGate)
                {
                    Monitor.PulseAll(DoneGate);
                }
            }
        }
    }
}
#endif
