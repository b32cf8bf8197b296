using System.Globalization;
using System.Text;

namespace LlmForge.Cli.Commands.Bench.Workloads;

/// <summary>
/// One line of benchmark output, the same for LlmForge and its peers:
/// <c>{"impl":"llmforge-mkl","workload":"train-char","tokens_per_s":…,"step_ms_median":…,"peak_rss_mb":…,"alloc_bytes_per_step":…,"threads":…}</c>,
/// then where known "step_ms_min", "step_ms_max" (the spread of the timed steps) and, for train and encode workloads,
/// "gflops", "gemm_peak_gflops" and "of_gemm_peak" (their ratio).
/// </summary>
/// <param name="Impl">Who ran it: llmforge-managed, llmforge-mkl, torchsharp.</param>
/// <param name="StepMsMedian">Median milliseconds of one timed step (a whole run for generate and encode).</param>
/// <param name="PeakRssMb">VmHWM of the process that ran only this workload, MiB.</param>
/// <param name="AllocBytesPerStep">Managed-heap bytes allocated (all threads) over the timed steps, divided by their count.</param>
/// <param name="Threads">Compute threads the implementation was told to use.</param>
public sealed record BenchResult(string Impl, string Workload, double TokensPerS, double StepMsMedian, double PeakRssMb, long AllocBytesPerStep, int Threads)
{
    /// <summary>The fastest timed step, ms (with <see cref="StepMsMax"/>: the spread, after the key "threads").</summary>
    public double? StepMsMin { get; init; }

    /// <summary>The slowest timed step, ms.</summary>
    public double? StepMsMax { get; init; }

    /// <summary>
    /// Achieved GFLOP/s of a train or encode workload: tokens_per_s × FLOPs per token (LlmForge.Performance.TransformerFlops).
    /// </summary>
    public double? Gflops { get; init; }

    /// <summary>The backend's GEMM peak measured in the same process on the same threads, GFLOP/s.</summary>
    public double? GemmPeakGflops { get; init; }

    /// <summary>The JSON line (invariant culture, keys in the fixed order above, then the optional keys that are known).</summary>
    public string ToJsonLine()
    {
        var line = new StringBuilder(string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"{Impl}\",\"workload\":\"{Workload}\",\"tokens_per_s\":{TokensPerS:F1},\"step_ms_median\":{StepMsMedian:F1},"
            + $"\"peak_rss_mb\":{PeakRssMb:F1},\"alloc_bytes_per_step\":{AllocBytesPerStep},\"threads\":{Threads}"));
        void Add(string key, double? value, string format)
        {
            if (value is { } v) line.Append(CultureInfo.InvariantCulture, $",\"{key}\":{v.ToString(format, CultureInfo.InvariantCulture)}");
        }
        Add("step_ms_min", StepMsMin, "F1");
        Add("step_ms_max", StepMsMax, "F1");
        Add("gflops", Gflops, "F1");
        Add("gemm_peak_gflops", GemmPeakGflops, "F1");
        Add("of_gemm_peak", Gflops / GemmPeakGflops, "F3");
        return line.Append('}').ToString();
    }

    /// <summary>tokens_per_s from the median step time (the metric every workload of the file defines), and the spread.</summary>
    public static BenchResult From(string impl, Workload workload, StepTimings timings, int threads) =>
        new(impl, workload.Name, workload.TokensPerStep / timings.MedianSeconds, timings.MedianSeconds * 1000,
            PeakMemory.PeakRssMb(), timings.AllocatedBytesPerStep, threads)
        {
            StepMsMin = timings.Seconds.Min() * 1000,
            StepMsMax = timings.Seconds.Max() * 1000,
        };
}
