namespace LlmForge.Backends.Managed;

/// <summary>
/// Splits a kernel's items (rows, elements, column blocks) into contiguous chunks run on
/// <see cref="KernelWorkers"/>, but only when there is enough work: waking a worker costs a few microseconds,
/// so small ops stay on the calling thread.
/// </summary>
/// <remarks>
/// Spans cannot be captured by the chunk lambdas; kernels pin their buffers with <c>fixed</c>, capture the
/// pointers and rebuild spans over each chunk, so the per-row code stays span-based and bounds-checked.
/// </remarks>
internal static class KernelParallel
{
    /// <summary>Elements of work (roughly: floats touched) below which a chunk is not worth a thread.</summary>
    public const long MinWorkPerChunk = 1 << 15;

    /// <summary>How many chunks <paramref name="items"/> items totalling <paramref name="work"/> elements get.</summary>
    public static int ChunkCount(int items, long work, int threads)
    {
        long byWork = work / MinWorkPerChunk;
        return (int)Math.Max(1, Math.Min(Math.Min(byWork, items), threads));
    }

    /// <summary>First item of chunk <paramref name="chunk"/> of <paramref name="chunks"/> (chunk = chunks gives the end).</summary>
    public static int ChunkStart(int items, int chunks, int chunk) => KernelWorkers.ChunkStart(items, chunks, chunk);

    /// <summary>Runs <paramref name="body"/>(start, end) over [0, items), in parallel when the work is large.</summary>
    public static void For(int items, long work, int threads, Action<int, int> body)
    {
        int chunks = ChunkCount(items, work, threads);
        if (chunks == 1)
        {
            body(0, items);
            return;
        }
        KernelWorkers.RunRanges(items, chunks, threads, body);
    }

    /// <summary>Runs <paramref name="body"/>(chunk, start, end) for a chunk count chosen by the caller (for per-chunk partial sums).</summary>
    public static void ForChunks(int items, int chunks, int threads, Action<int, int, int> body)
    {
        if (chunks == 1)
        {
            body(0, 0, items);
            return;
        }
        KernelWorkers.RunChunks(items, chunks, threads, body);
    }
}
