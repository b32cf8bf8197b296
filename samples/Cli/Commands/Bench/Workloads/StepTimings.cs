using System.Diagnostics;

namespace LlmForge.Cli.Commands.Bench.Workloads;

/// <summary>Step times of one workload run and the managed allocations of its timed steps.</summary>
public sealed record StepTimings(IReadOnlyList<double> Seconds, long AllocatedBytesPerStep)
{
    public double MedianSeconds => Median(Seconds);

    /// <summary>
    /// Runs <paramref name="step"/> <paramref name="warmup"/> times untimed, then <paramref name="timed"/> times,
    /// each timed alone. Allocations are counted precisely over all threads (GC.GetTotalAllocatedBytes(true)), from
    /// the first timed step to the last, so worker threads' garbage counts too. <paramref name="progress"/> gets
    /// one line per step. <paramref name="beforeTimed"/>, when given, runs once between the warm-up and the timed steps.
    /// </summary>
    public static StepTimings Measure(int warmup, int timed, Action step, Action<string> progress, Action? beforeTimed = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmup);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(timed);
        for (int i = 0; i < warmup; i++)
        {
            long start = Stopwatch.GetTimestamp();
            step();
            progress($"warm-up {i + 1}/{warmup}: {Stopwatch.GetElapsedTime(start).TotalMilliseconds:F0} ms");
        }
        beforeTimed?.Invoke();
        var seconds = new double[timed];
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        for (int i = 0; i < timed; i++)
        {
            long start = Stopwatch.GetTimestamp();
            step();
            seconds[i] = Stopwatch.GetElapsedTime(start).TotalSeconds;
            progress($"step {i + 1}/{timed}: {seconds[i] * 1000:F0} ms");
        }
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return new StepTimings(seconds, allocated / timed);
    }

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0) throw new ArgumentException("no values", nameof(values));
        var sorted = values.Order().ToArray();
        int mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : 0.5 * (sorted[mid - 1] + sorted[mid]);
    }
}
