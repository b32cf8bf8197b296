using System.Runtime.ExceptionServices;

namespace LlmForge.Backends;

/// <summary>
/// The kernel worker threads of the process: started once, parked between kernels, woken per parallel kernel.
/// Unlike <c>Parallel.For</c>, a parallel kernel allocates nothing (a training step runs thousands of them), and
/// the calling thread does its share of the work instead of waiting. It lives beside the backend contract, not in a
/// backend, so that every backend — the managed one, and the MKL one for its element-wise blocks and the fallback
/// kernels it calls — runs on the same threads without one backend package depending on another.
/// </summary>
/// <remarks>
/// <para>
/// A job is a body and its state: a static lambda (which captures nothing, so the compiler creates its delegate
/// once) and a struct of pointers and sizes it reads, passed by reference. A lambda capturing the kernel's locals
/// would cost a closure object and a delegate on every call. For a parallel job the state is copied into
/// <see cref="Job{TState}"/>, whose cached runner hands it to the body on every thread.
/// </para>
/// <para>
/// One job at a time: a kernel called while another runs (from a second thread, or from inside a chunk) runs its
/// indices on the calling thread, which is correct and only less parallel. Indices are taken one at a time from
/// a shared counter, so uneven work balances itself. A woken worker joins only by taking one of the job's tickets;
/// once the caller has taken the last index it withdraws the tickets left, so on a busy machine it never waits
/// for a worker the OS has not scheduled yet, only for workers already inside the job. A late worker finds no
/// ticket (or a ticket of the next job, which it may then help with) and parks again.
/// </para>
/// </remarks>
public static class KernelWorkers
{
    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly object StartLock = new();
    private static int started;  // worker threads running
    private static int busy;     // 1 while a job is set up or running

    // The current job: runs index i (one of Job<TState>'s cached runners).
    private static Action<int>? run;
    private static int items, count;
    private static int next;     // the next index to take
    private static int tickets = Closed; // workers that may still join the job; Closed between jobs
    private static int active;   // workers between waking and parking again
    private const int Closed = int.MinValue / 2;
    private static ExceptionDispatchInfo? failure;

    /// <summary>body(state, i) for every i in [0, n), on up to <paramref name="threads"/> threads (the caller's included).</summary>
    public static void Run<TState>(int n, int threads, in TState state, IndexBody<TState> body) where TState : struct
    {
        if (n <= 1 || threads <= 1 || !TryBegin())
        {
            for (int i = 0; i < n; i++) body(in state, i);
            return;
        }
        Job<TState>.State = state;
        Job<TState>.Index = body;
        Execute<TState>(n, threads, Job<TState>.RunIndex);
    }

    /// <summary>body(state, start, end) for <paramref name="chunks"/> contiguous chunks of [0, itemCount).</summary>
    public static void RunRanges<TState>(int itemCount, int chunks, int threads, in TState state, RangeBody<TState> body)
        where TState : struct
    {
        if (chunks <= 1 || threads <= 1 || !TryBegin())
        {
            for (int c = 0; c < chunks; c++) body(in state, ChunkStart(itemCount, chunks, c), ChunkStart(itemCount, chunks, c + 1));
            return;
        }
        Job<TState>.State = state;
        Job<TState>.Range = body;
        items = itemCount;
        Execute<TState>(chunks, threads, Job<TState>.RunRange);
    }

    /// <summary>body(state, chunk, start, end) for <paramref name="chunks"/> contiguous chunks of [0, itemCount).</summary>
    public static void RunChunks<TState>(int itemCount, int chunks, int threads, in TState state, ChunkBody<TState> body)
        where TState : struct
    {
        if (chunks <= 1 || threads <= 1 || !TryBegin())
        {
            for (int c = 0; c < chunks; c++) body(in state, c, ChunkStart(itemCount, chunks, c), ChunkStart(itemCount, chunks, c + 1));
            return;
        }
        Job<TState>.State = state;
        Job<TState>.Chunk = body;
        items = itemCount;
        Execute<TState>(chunks, threads, Job<TState>.RunChunk);
    }

    /// <summary>First item of chunk <paramref name="chunk"/> of <paramref name="chunks"/> (chunk = chunks gives the end).</summary>
    public static int ChunkStart(int itemCount, int chunks, int chunk) => (int)((long)itemCount * chunk / chunks);

    /// <summary>
    /// The running job's state and body, for jobs whose state is a <typeparamref name="TState"/>. One job runs at a
    /// time, so one slot per state type suffices; the runners are created once per state type, and turn the index
    /// a thread takes into a call of the body.
    /// </summary>
    private static class Job<TState> where TState : struct
    {
        public static TState State;
        public static IndexBody<TState>? Index;
        public static RangeBody<TState>? Range;
        public static ChunkBody<TState>? Chunk;

        public static readonly Action<int> RunIndex = i => Index!(in State, i);
        public static readonly Action<int> RunRange = c => Range!(in State, ChunkStart(items, count, c), ChunkStart(items, count, c + 1));
        public static readonly Action<int> RunChunk = c => Chunk!(in State, c, ChunkStart(items, count, c), ChunkStart(items, count, c + 1));

        /// <summary>Drops the finished job's state and body, so that nothing they reference is kept alive.</summary>
        public static void Clear()
        {
            State = default;
            Index = null;
            Range = null;
            Chunk = null;
        }
    }

    private static bool TryBegin() => Interlocked.CompareExchange(ref busy, 1, 0) == 0;

    /// <summary>Runs the job set up in <see cref="Job{TState}"/> (after <see cref="TryBegin"/>) over <paramref name="n"/> indices, then ends it.</summary>
    private static void Execute<TState>(int n, int threads, Action<int> runner) where TState : struct
    {
        run = runner;
        count = n;
        failure = null;
        int helpers = Math.Min(threads, n) - 1;
        EnsureStarted(helpers);
        Volatile.Write(ref next, 0);
        Interlocked.Exchange(ref tickets, helpers); // a full fence: a worker holding a ticket sees the job written above
        Wake.Release(helpers);
        Work();
        Interlocked.Exchange(ref tickets, Closed);
        var spin = new SpinWait();
        while (Volatile.Read(ref active) != 0) spin.SpinOnce(sleep1Threshold: -1); // yield, never sleep 1 ms
        var failed = failure;
        run = null;
        Job<TState>.Clear();
        failure = null;
        Volatile.Write(ref busy, 0);
        failed?.Throw();
    }

    private static void Work()
    {
        var runner = run!;
        int i;
        while ((i = Interlocked.Increment(ref next) - 1) < count)
        {
            try
            {
                runner(i);
            }
            catch (Exception e)
            {
                Interlocked.CompareExchange(ref failure, ExceptionDispatchInfo.Capture(e), null);
            }
        }
    }

    private static void EnsureStarted(int workers)
    {
        if (Volatile.Read(ref started) >= workers) return;
        lock (StartLock)
        {
            while (started < workers)
            {
                var thread = new Thread(WorkerLoop) { IsBackground = true, Name = $"llmforge-kernel-{started + 1}" };
                thread.Start();
                Volatile.Write(ref started, started + 1);
            }
        }
    }

    private static void WorkerLoop()
    {
        while (true)
        {
            Wake.Wait();
            Interlocked.Increment(ref active);
            if (Interlocked.Decrement(ref tickets) >= 0) Work();
            Interlocked.Decrement(ref active);
        }
    }
}
