using System.Runtime.ExceptionServices;

namespace LlmForge.Backends.Managed;

/// <summary>
/// The managed backend's own worker threads: started once, parked between kernels, woken per parallel kernel.
/// Unlike <c>Parallel.For</c>, a parallel kernel allocates nothing (a training step runs thousands of them), and
/// the calling thread does its share of the work instead of waiting. Public so that the MKL backend runs its
/// element-wise blocks on the same threads.
/// </summary>
/// <remarks>
/// One job at a time: a kernel called while another runs (from a second thread, or from inside a chunk) runs its
/// indices on the calling thread, which is correct and only less parallel. Indices are taken one at a time from
/// a shared counter, so uneven work balances itself. A woken worker joins only by taking one of the job's tickets;
/// once the caller has taken the last index it withdraws the tickets left, so on a busy machine it never waits
/// for a worker the OS has not scheduled yet, only for workers already inside the job. A late worker finds no
/// ticket (or a ticket of the next job, which it may then help with) and parks again.
/// </remarks>
public static class KernelWorkers
{
    private static readonly SemaphoreSlim Wake = new(0);
    private static readonly object StartLock = new();
    private static int started;  // worker threads running
    private static int busy;     // 1 while a job is set up or running

    // The current job: exactly one of the three bodies is set.
    private static Action<int>? indexBody;
    private static Action<int, int>? rangeBody;
    private static Action<int, int, int>? chunkBody;
    private static int items, count;
    private static int next;     // the next index to take
    private static int tickets = Closed; // workers that may still join the job; Closed between jobs
    private static int active;   // workers between waking and parking again
    private const int Closed = int.MinValue / 2;
    private static ExceptionDispatchInfo? failure;

    /// <summary>body(i) for every i in [0, n), on up to <paramref name="threads"/> threads (the caller's included).</summary>
    public static void Run(int n, int threads, Action<int> body)
    {
        if (n <= 1 || threads <= 1 || !TryBegin())
        {
            for (int i = 0; i < n; i++) body(i);
            return;
        }
        indexBody = body;
        Execute(n, threads);
    }

    /// <summary>body(start, end) for <paramref name="chunks"/> contiguous chunks of [0, itemCount).</summary>
    public static void RunRanges(int itemCount, int chunks, int threads, Action<int, int> body)
    {
        if (chunks <= 1 || threads <= 1 || !TryBegin())
        {
            for (int c = 0; c < chunks; c++) body(ChunkStart(itemCount, chunks, c), ChunkStart(itemCount, chunks, c + 1));
            return;
        }
        rangeBody = body;
        items = itemCount;
        Execute(chunks, threads);
    }

    /// <summary>body(chunk, start, end) for <paramref name="chunks"/> contiguous chunks of [0, itemCount).</summary>
    public static void RunChunks(int itemCount, int chunks, int threads, Action<int, int, int> body)
    {
        if (chunks <= 1 || threads <= 1 || !TryBegin())
        {
            for (int c = 0; c < chunks; c++) body(c, ChunkStart(itemCount, chunks, c), ChunkStart(itemCount, chunks, c + 1));
            return;
        }
        chunkBody = body;
        items = itemCount;
        Execute(chunks, threads);
    }

    /// <summary>First item of chunk <paramref name="chunk"/> of <paramref name="chunks"/> (chunk = chunks gives the end).</summary>
    public static int ChunkStart(int itemCount, int chunks, int chunk) => (int)((long)itemCount * chunk / chunks);

    private static bool TryBegin() => Interlocked.CompareExchange(ref busy, 1, 0) == 0;

    private static void Execute(int n, int threads)
    {
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
        indexBody = null;
        rangeBody = null;
        chunkBody = null;
        failure = null;
        Volatile.Write(ref busy, 0);
        failed?.Throw();
    }

    private static void Work()
    {
        int i;
        while ((i = Interlocked.Increment(ref next) - 1) < count)
        {
            try
            {
                if (indexBody is { } index) index(i);
                else if (rangeBody is { } range) range(ChunkStart(items, count, i), ChunkStart(items, count, i + 1));
                else chunkBody!(i, ChunkStart(items, count, i), ChunkStart(items, count, i + 1));
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
