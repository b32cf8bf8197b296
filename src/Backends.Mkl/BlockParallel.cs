using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl.Native;

namespace LlmForge.Backends.Mkl;

/// <summary>
/// Splits an element-wise kernel over [0, n) into one contiguous range per worker, walked in blocks of
/// <see cref="Block"/> floats so each block's temporaries stay in L1/L2 (stack-allocated by the kernel).
/// </summary>
/// <remarks>
/// VML calls run with MKL's thread-local count pinned to 1 and the threads come from here: left to
/// itself, MKL 2020 opens an OpenMP region even for a 4096-float VML call, which cost ~30 µs of thread
/// wake-up per call on a busy machine against ~4 µs of work.
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
        KernelWorkers.RunRanges(n, workers, workers, (start, end) => Blocks(start, end - start, block));
    }

    private static void Blocks(int start, int length, Action<int, int> block)
    {
        int previous = MklNative.SetNumThreadsLocal(1);
        try
        {
            for (int offset = 0; offset < length; offset += Block)
                block(start + offset, Math.Min(Block, length - offset));
        }
        finally
        {
            MklNative.SetNumThreadsLocal(previous);
        }
    }
}
