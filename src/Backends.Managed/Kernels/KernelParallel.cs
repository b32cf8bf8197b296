namespace LlmForge.Backends.Managed;

/// <summary>
/// Splits a kernel's items (rows, elements, column blocks) into contiguous chunks run on
/// <see cref="KernelWorkers"/>, but only when there is enough work: waking a worker costs a few microseconds,
/// so small ops stay on the calling thread.
/// </summary>
/// <remarks>
/// Spans cannot live in a struct or be captured by a lambda; kernels pin their buffers with <c>fixed</c>, put the
/// pointers (and the sizes and scalars the chunks need) in a small state struct, and pass it with a static lambda
/// that rebuilds spans over each chunk, so the per-row code stays span-based and bounds-checked:
/// <code>
/// fixed (float* pa = a, pb = b, py = y)
///     KernelParallel.For(a.Length, a.Length, threads, new Operands(pa, pb, py),
///         static (in Operands o, int s, int e) => TensorPrimitives.Add(
///             new ReadOnlySpan&lt;float&gt;(o.A + s, e - s), new ReadOnlySpan&lt;float&gt;(o.B + s, e - s), new Span&lt;float&gt;(o.Y + s, e - s)));
/// </code>
/// <c>static</c> makes the compiler reject a lambda that captures a local by mistake: a capturing lambda costs a
/// closure object and a delegate on every call, a static one a delegate created once. The state is a struct,
/// passed by reference, so a kernel call allocates nothing on the managed heap.
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

    /// <summary>Runs <paramref name="body"/>(state, start, end) over [0, items), in parallel when the work is large.</summary>
    public static void For<TState>(int items, long work, int threads, in TState state, RangeBody<TState> body) where TState : struct
    {
        int chunks = ChunkCount(items, work, threads);
        if (chunks == 1)
        {
            body(in state, 0, items);
            return;
        }
        KernelWorkers.RunRanges(items, chunks, threads, in state, body);
    }

    /// <summary>Runs <paramref name="body"/>(state, chunk, start, end) for a chunk count chosen by the caller (for per-chunk partial sums).</summary>
    public static void ForChunks<TState>(int items, int chunks, int threads, in TState state, ChunkBody<TState> body) where TState : struct
    {
        if (chunks == 1)
        {
            body(in state, 0, 0, items);
            return;
        }
        KernelWorkers.RunChunks(items, chunks, threads, in state, body);
    }
}
