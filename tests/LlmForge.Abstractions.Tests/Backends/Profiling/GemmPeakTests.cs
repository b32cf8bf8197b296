using LlmForge.Backends;
using LlmForge.Backends.Profiling;
using Xunit;

namespace LlmForge.Tests.Profiling;

public class GemmPeakTests
{
    [Fact]
    public void The_peak_is_the_best_rate_of_the_calls_it_makes()
    {
        var profiled = new ProfilingBackend(TestBackends.Create("Managed"));

        double peak = GemmPeak.MeasureGflops(profiled, [(48, 64, 32), (16, 16, 16)], repeats: 3);

        // one untimed and three timed calls per shape, all through the backend given
        var gemm = profiled.Profile[TensorKernel.Gemm];
        Assert.Equal(8, gemm.Calls);
        Assert.Equal(4L * 2 * (48 * 64 * 32 + 16 * 16 * 16), gemm.Flops);
        Assert.True(peak > 0 && double.IsFinite(peak), $"{peak} GFLOP/s");
    }

    [Fact]
    public void Repeats_must_be_positive() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GemmPeak.MeasureGflops(TestBackends.Create("Managed"), repeats: 0));
}
