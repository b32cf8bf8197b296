using System.Diagnostics;

namespace LlmForge.Backends.Profiling;

/// <summary>
/// Per-kernel totals of a <see cref="ProfilingBackend"/>: calls, wall-clock seconds and (for the GEMM family)
/// floating-point operations, since the last <see cref="Reset"/>. Recording is thread-safe (interlocked adds), so
/// calls from several threads all count; their times then overlap and may sum past the wall clock.
/// </summary>
public sealed class KernelProfile
{
    private readonly long[] calls = new long[TensorKernels.All.Count];
    private readonly long[] ticks = new long[TensorKernels.All.Count];
    private readonly long[] flops = new long[TensorKernels.All.Count];

    /// <summary>Adds one call of <paramref name="kernel"/> that started at <paramref name="startTimestamp"/> (a <see cref="Stopwatch"/> timestamp) and ends now.</summary>
    public void Record(TensorKernel kernel, long startTimestamp, long flopCount = 0)
    {
        long elapsed = Stopwatch.GetTimestamp() - startTimestamp;
        int i = (int)kernel;
        Interlocked.Increment(ref calls[i]);
        Interlocked.Add(ref ticks[i], elapsed);
        if (flopCount != 0) Interlocked.Add(ref flops[i], flopCount);
    }

    /// <summary>Forgets everything recorded (call between warm-up and the timed steps).</summary>
    public void Reset()
    {
        Array.Clear(calls);
        Array.Clear(ticks);
        Array.Clear(flops);
    }

    /// <summary>The totals of one kernel.</summary>
    public KernelStats this[TensorKernel kernel]
    {
        get
        {
            int i = (int)kernel;
            return new(kernel, Volatile.Read(ref calls[i]), (double)Volatile.Read(ref ticks[i]) / Stopwatch.Frequency,
                Volatile.Read(ref flops[i]));
        }
    }

    /// <summary>Every kernel called at least once, most time first.</summary>
    public IReadOnlyList<KernelStats> Called =>
        TensorKernels.All.Select(k => this[k]).Where(s => s.Calls > 0).OrderByDescending(s => s.Seconds).ToList();

    /// <summary>Seconds spent inside any kernel.</summary>
    public double TotalSeconds => TensorKernels.All.Sum(k => this[k].Seconds);
}

/// <summary>The totals of one kernel in a <see cref="KernelProfile"/>.</summary>
/// <param name="Kernel">Which kernel.</param>
/// <param name="Calls">How many calls.</param>
/// <param name="Seconds">Wall-clock seconds inside those calls.</param>
/// <param name="Flops">Floating-point operations (a multiply-add counts 2); 0 outside the GEMM family.</param>
public readonly record struct KernelStats(TensorKernel Kernel, long Calls, double Seconds, long Flops)
{
    /// <summary>The family this kernel's time is summed into.</summary>
    public KernelFamily Family => TensorKernels.Family(Kernel);
}
