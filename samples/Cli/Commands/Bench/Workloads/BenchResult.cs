using System.Globalization;

namespace LlmForge.Cli.Commands.Bench.Workloads;

/// <summary>
/// One line of benchmark output, the same for LlmForge and its peers:
/// <c>{"impl":"llmforge-mkl","workload":"train-char","tokens_per_s":…,"step_ms_median":…,"peak_rss_mb":…,"alloc_bytes_per_step":…,"threads":…}</c>.
/// </summary>
/// <param name="Impl">Who ran it: llmforge-managed, llmforge-mkl, torchsharp.</param>
/// <param name="StepMsMedian">Median milliseconds of one timed step (a whole run for generate and encode).</param>
/// <param name="PeakRssMb">VmHWM of the process that ran only this workload, MiB.</param>
/// <param name="AllocBytesPerStep">Managed-heap bytes allocated (all threads) over the timed steps, divided by their count.</param>
/// <param name="Threads">Compute threads the implementation was told to use.</param>
public sealed record BenchResult(string Impl, string Workload, double TokensPerS, double StepMsMedian, double PeakRssMb, long AllocBytesPerStep, int Threads)
{
    /// <summary>The JSON line (invariant culture, keys in the fixed order above).</summary>
    public string ToJsonLine() => string.Create(CultureInfo.InvariantCulture,
        $"{{\"impl\":\"{Impl}\",\"workload\":\"{Workload}\",\"tokens_per_s\":{TokensPerS:F1},\"step_ms_median\":{StepMsMedian:F1},"
        + $"\"peak_rss_mb\":{PeakRssMb:F1},\"alloc_bytes_per_step\":{AllocBytesPerStep},\"threads\":{Threads}}}");

    /// <summary>tokens_per_s from the median step time (the metric every workload of the file defines).</summary>
    public static BenchResult From(string impl, Workload workload, StepTimings timings, int threads) =>
        new(impl, workload.Name, workload.TokensPerStep / timings.MedianSeconds, timings.MedianSeconds * 1000,
            PeakMemory.PeakRssMb(), timings.AllocatedBytesPerStep, threads);
}
