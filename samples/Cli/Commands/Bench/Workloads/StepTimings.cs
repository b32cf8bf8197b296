using System.Diagnostics;

namespace LlmForge.Cli.Commands.Bench.Workloads;

/// <summary>Step times of one workload run and the managed allocations of its timed steps.</summary>
public sealed record StepTimings(IReadOnlyList<double> Seconds, long AllocatedBytesPerStep)
{
    public double MedianSeconds => Median(Seconds);

    /// <summary>Warm-up steps agree when they differ by at most this fraction of the faster one.</summary>
    public const double WarmupTolerance = 0.05;

    /// <summary>At most this many warm-up steps beyond the workload's own, when its last two still disagree.</summary>
    public const int MaxExtraWarmupSteps = 4;

    /// <summary>
    /// Runs <paramref name="step"/> <paramref name="warmup"/> times untimed, and then (when <paramref name="warmup"/> &gt; 0)
    /// more untimed steps until two in a row agree (<see cref="WarmupSettled"/>), at most <see cref="MaxExtraWarmupSteps"/>
    /// more: the JIT's tiers and the caches reach their steady state before the timing starts, so the first timed step
    /// is no outlier. Then <paramref name="timed"/> steps, each timed alone. Allocations are counted precisely over all
    /// threads (GC.GetTotalAllocatedBytes(true)), from the first timed step to the last, so worker threads' garbage
    /// counts too. <paramref name="progress"/> gets one line per step, with the process's CPU time (all threads),
    /// steadier than the wall clock on a shared machine. <paramref name="beforeTimed"/>, when given, runs once between
    /// the warm-up and the timed steps.
    /// </summary>
    public static StepTimings Measure(int warmup, int timed, Action step, Action<string> progress, Action? beforeTimed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timed);
        var warmupSeconds = new List<double>();
        while (warmupSeconds.Count < warmup || (warmup > 0 && warmupSeconds.Count < warmup + MaxExtraWarmupSteps && !WarmupSettled(warmupSeconds)))
        {
            var (seconds, cpu) = Time(step);
            warmupSeconds.Add(seconds);
            string count = warmupSeconds.Count <= warmup ? $"{warmupSeconds.Count}/{warmup}" : $"{warmupSeconds.Count} (until two agree within {WarmupTolerance * 100:F0} %)";
            progress($"warm-up {count}: {seconds * 1000:F0} ms (cpu {cpu * 1000:F0} ms)");
        }
        beforeTimed?.Invoke();
        var timedSeconds = new double[timed];
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < timed; i++)
        {
            (timedSeconds[i], double cpu) = Time(step);
            progress($"step {i + 1}/{timed}: {timedSeconds[i] * 1000:F0} ms (cpu {cpu * 1000:F0} ms)");
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new StepTimings(timedSeconds, allocated / timed);
    }

    /// <summary>The last two warm-up steps differ by at most <see cref="WarmupTolerance"/> of the faster (false with fewer than two).</summary>
    public static bool WarmupSettled(IReadOnlyList<double> warmupSeconds)
    {
        if (warmupSeconds.Count < 2) return false;
        double a = warmupSeconds[^2], b = warmupSeconds[^1];
        return Math.Abs(a - b) <= WarmupTolerance * Math.Min(a, b);
    }

    /// <summary>Wall-clock and CPU seconds (every thread of the process) of one step.</summary>
    private static (double Seconds, double CpuSeconds) Time(Action step)
    {
        var cpuBefore = Environment.CpuUsage.TotalTime;
        long start = Stopwatch.GetTimestamp();
        step();
        double seconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
        return (seconds, (Environment.CpuUsage.TotalTime - cpuBefore).TotalSeconds);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
