using System.Text.Json;
using LlmForge.Cli.Commands.Bench.Workloads;
using Xunit;

namespace LlmForge.Tests.Cli.Bench;

[Collection(AllocationSensitiveCollection.Name)]
public class BenchResultTests
{
    [Fact]
    public void The_json_line_has_the_fixed_keys_in_order()
    {
        var result = new BenchResult("llmforge-mkl", "train-char", 2382.24, 859.71, 3536.36, 1380630772, 2);

        Assert.Equal(
            "{\"impl\":\"llmforge-mkl\",\"workload\":\"train-char\",\"tokens_per_s\":2382.2,\"step_ms_median\":859.7,"
            + "\"peak_rss_mb\":3536.4,\"alloc_bytes_per_step\":1380630772,\"threads\":2}",
            result.ToJsonLine());
    }

    [Fact]
    public void The_optional_keys_follow_the_fixed_ones_when_known()
    {
        var result = new BenchResult("llmforge-managed", "bert-base-encode", 1100.04, 465.2, 527, 3896, 2)
        {
            StepMsMin = 460.04, StepMsMax = 480.06, Gflops = 123.44, GemmPeakGflops = 400,
        };

        Assert.Equal(
            "{\"impl\":\"llmforge-managed\",\"workload\":\"bert-base-encode\",\"tokens_per_s\":1100.0,\"step_ms_median\":465.2,"
            + "\"peak_rss_mb\":527.0,\"alloc_bytes_per_step\":3896,\"threads\":2,\"step_ms_min\":460.0,\"step_ms_max\":480.1,"
            + "\"gflops\":123.4,\"gemm_peak_gflops\":400.0,\"of_gemm_peak\":0.309}",
            result.ToJsonLine());
    }

    [Fact]
    public void Tokens_per_second_come_from_the_median_step()
    {
        var workload = WorkloadFile.Parse(TinyWorkloads.Json, "tiny.json")[0]; // batch 2 × seq 4 = 8 tokens a step
        var timings = new StepTimings([0.5, 0.1, 0.2], AllocatedBytesPerStep: 10);

        var result = BenchResult.From("torchsharp", workload, timings, threads: 2);

        Assert.Equal(0.2, timings.MedianSeconds);
        Assert.Equal(8 / 0.2, result.TokensPerS, 9);
        Assert.Equal(200, result.StepMsMedian, 9);
        Assert.Equal(100, result.StepMsMin!.Value, 9);
        Assert.Equal(500, result.StepMsMax!.Value, 9);
        Assert.True(result.PeakRssMb > 0);
        using var line = JsonDocument.Parse(result.ToJsonLine());
        Assert.Equal("tiny-train", line.RootElement.GetProperty("workload").GetString());
    }

    [Fact]
    public void The_median_of_an_even_count_is_the_mean_of_the_middle_two()
    {
        Assert.Equal(2.5, StepTimings.Median([4, 1, 2, 3]));
        Assert.Equal(3, StepTimings.Median([3]));
    }

    [Fact]
    public void Measure_runs_warmup_then_timed_steps_and_counts_their_allocations()
    {
        int calls = 0;
        var lines = new List<string>();

        var timings = StepTimings.Measure(warmup: 2, timed: 3, () => { calls++; GC.KeepAlive(new byte[100_000]); }, lines.Add);

        // the two warm-up steps of the workload, then up to MaxExtraWarmupSteps more until two agree
        int warmups = calls - 3;
        Assert.InRange(warmups, 2, 2 + StepTimings.MaxExtraWarmupSteps);
        Assert.Equal(3, timings.Seconds.Count);
        string[] extra = Enumerable.Range(3, warmups - 2).Select(i => $"warm-up {i} (until two agree within 5 %)").ToArray();
        Assert.Equal(["warm-up 1/2", "warm-up 2/2", .. extra, "step 1/3", "step 2/3", "step 3/3"], lines.Select(l => l[..l.IndexOf(':')]));
        Assert.All(lines, l => Assert.Matches(@": [0-9]+ ms \(cpu [0-9]+ ms\)$", l));
        Assert.InRange(timings.AllocatedBytesPerStep, 100_000, 200_000);
    }

    [Fact]
    public void Warm_up_goes_on_while_the_last_two_steps_disagree()
    {
        int calls = 0;
        // steps of 30, 20, 10, 10, … ms: the third warm-up step still differs from the second, the fourth agrees with it
        var durations = new[] { 30, 20, 10 };
        var timings = StepTimings.Measure(warmup: 1, timed: 2, () => Thread.Sleep(durations[Math.Min(calls++, durations.Length - 1)] * 10), _ => { });

        Assert.InRange(calls, 4 + 2, 1 + StepTimings.MaxExtraWarmupSteps + 2); // sleeping 100 ms twice may differ by over 5 % on a loaded machine
        Assert.Equal(2, timings.Seconds.Count);
    }

    [Fact]
    public void Warm_up_is_settled_when_the_last_two_steps_agree_within_the_tolerance()
    {
        Assert.False(StepTimings.WarmupSettled([]));
        Assert.False(StepTimings.WarmupSettled([1.0]));
        Assert.True(StepTimings.WarmupSettled([0.968, 0.600, 0.610]));
        Assert.True(StepTimings.WarmupSettled([1.0, 1.049]));
        Assert.False(StepTimings.WarmupSettled([0.600, 0.882]));
        Assert.False(StepTimings.WarmupSettled([1.0, 1.06]));
        Assert.False(StepTimings.WarmupSettled([1.0, double.NaN]));
    }

    [Fact]
    public void No_warm_up_stays_none()
    {
        int calls = 0;
        StepTimings.Measure(warmup: 0, timed: 2, () => calls++, _ => { });
        Assert.Equal(2, calls);
    }
}
