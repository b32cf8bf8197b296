using LlmForge.Backends.Mkl.Native;

namespace LlmForge.Backends.Mkl;

/// <summary>Runs the block of <paramref name="length"/> floats at <paramref name="start"/> of an element-wise kernel.</summary>
internal delegate void BlockBody<TState>(in TState state, int start, int length);

/// <summary>
/// Splits an element-wise kernel over [0, n) into one contiguous range per worker, walked in blocks of
/// <see cref="Block"/> floats so each block's temporaries stay in L1/L2 (stack-allocated by the kernel).
/// </summary>
/// <remarks>
/// <para>
/// VML calls run with MKL's thread-local count pinned to 1 and the threads come from here: left to
/// itself, MKL 2020 opens an OpenMP region even for a 4096-float VML call, which cost ~30 µs of thread
/// wake-up per call on a busy machine against ~4 µs of work.
/// </para>
/// <para>
/// As on <see cref="KernelWorkers"/>, a kernel passes its pinned pointers in a state struct and a static lambda,
/// so a call allocates nothing on the managed heap.
/// </para>
/// </remarks>
internal static class BlockParallel
{
    internal const int Block = 4096;

    /// <summary>Below this many floats per worker, the wake-up cost of a second thread is not repaid.</summary>
    private const int MinPerWorker = 32 * 1024;

    /// <summary>Calls <paramref name="block"/>(state, start, length) over [0, n) on up to <paramref name="threads"/> threads.</summary>
    internal static void For<TState>(int n, int threads, in TState state, BlockBody<TState> block) where TState : struct
    {
        int workers = Math.Min(threads, n / MinPerWorker);
        if (workers <= 1)
        {
            Blocks(0, n, in state, block);
            return;
        }
        KernelWorkers.RunRanges(n, workers, workers, new Job<TState>(state, block),
            static (in Job<TState> job, int start, int end) => Blocks(start, end - start, in job.State, job.Block));
    }

    private static void Blocks<TState>(int start, int length, in TState state, BlockBody<TState> block) where TState : struct
    {
        int previous = MklNative.SetNumThreadsLocal(1);
        try
        {
            for (int offset = 0; offset < length; offset += Block)
                block(in state, start + offset, Math.Min(Block, length - offset));
        }
        finally
        {
            MklNative.SetNumThreadsLocal(previous);
        }
    }

    /// <summary>A kernel's state and block body, as the state of one range per worker.</summary>
    private readonly struct Job<TState>(TState state, BlockBody<TState> block) where TState : struct
    {
        public readonly TState State = state;
        public readonly BlockBody<TState> Block = block;
    }
}
