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
    public void Tokens_per_second_come_from_the_median_step()
    {
        var workload = WorkloadFile.Parse(TinyWorkloads.Json, "tiny.json")[0]; // batch 2 × seq 4 = 8 tokens a step
        var timings = new StepTimings([0.5, 0.1, 0.2], AllocatedBytesPerStep: 10);

        var result = BenchResult.From("torchsharp", workload, timings, threads: 2);

        Assert.Equal(0.2, timings.MedianSeconds);
        Assert.Equal(8 / 0.2, result.TokensPerS, 9);
        Assert.Equal(200, result.StepMsMedian, 9);
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

        Assert.Equal(5, calls);
        Assert.Equal(3, timings.Seconds.Count);
        Assert.Equal(["warm-up 1/2", "warm-up 2/2", "step 1/3", "step 2/3", "step 3/3"], lines.Select(l => l[..l.IndexOf(':')]));
        Assert.InRange(timings.AllocatedBytesPerStep, 100_000, 200_000);
    }
}
