using LlmForge.Backends.Mkl.Native;

namespace LlmForge.Backends.Mkl;

/// <summary>
/// Splits an element-wise kernel over [0, n) into one contiguous range per worker, walked in blocks of
/// <see cref="Block"/> floats so each block's temporaries stay in L1/L2 (stack-allocated by the kernel).
/// </summary>
/// <remarks>
/// MKL 2020's VML runs single-threaded on this project's AMD machines (measured: vmsExp on 6M floats
/// takes as long as one core's TensorPrimitives.Exp), so the threads come from here. Inside a worker,
/// MKL's thread-local count is pinned to 1 so that a VML build which does thread cannot oversubscribe.
/// </remarks>
internal static class BlockParallel
{
    internal const int Block = 4096;

    /// <summary>Below this many floats per worker, the wake-up cost of a second thread is not repaid.</summary>
    private const int MinPerWorker = 32 * 1024;

    /// <summary>Calls <paramref name="block"/>(start, length) over [0, n) on up to <paramref name="threads"/> threads.</summary>
    internal static void For(int n, int threads, Action<int, int> block)
    {
        int workers = Math.Min(threads, n / MinPerWorker);
        if (workers <= 1)
        {
            Blocks(0, n, block);
            return;
        }
        Parallel.For(0, workers, new ParallelOptions { MaxDegreeOfParallelism = workers }, w =>
        {
            int start = (int)((long)n * w / workers), end = (int)((long)n * (w + 1) / workers);
            int previous = MklNative.SetNumThreadsLocal(1);
            try
            {
                Blocks(start, end - start, block);
            }
            finally
            {
                MklNative.SetNumThreadsLocal(previous);
            }
        });
    }

    private static void Blocks(int start, int length, Action<int, int> block)
    {
        for (int offset = 0; offset < length; offset += Block)
            block(start + offset, Math.Min(Block, length - offset));
    }
}
