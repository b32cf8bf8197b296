using LlmForge.Backends.Profiling;
using Xunit;

namespace LlmForge.Tests.Profiling;

/// <summary>The per-step breakdown: families sum their kernels, the outside row is the rest, shares add up to 1.</summary>
public class ProfileBreakdownTests
{
    [Fact]
    public void FamiliesSumTheirKernelsAndTheOutsideRowIsTheRest()
    {
        var profiled = new ProfilingBackend(TestBackends.Create("Managed"));
        const int size = 64, steps = 2;
        var (a, c, mean, rstd) = (new float[size * size], new float[size * size], new float[size], new float[size]);
        var gamma = Enumerable.Repeat(1f, size).ToArray();
        for (int step = 0; step < steps; step++)
        {
            profiled.Gemm(false, false, size, size, size, 1f, a, size, a, size, 0f, c, size);
            profiled.GemmStridedBatched(false, false, size, size, size, 1f, a, size, 0, a, size, 0, 0f, c, size, 0, 1);
            profiled.LayerNorm(c, gamma, [], c, mean, rstd, size, size, 1e-5f);
            profiled.Add(c, c, c);
        }
        double kernels = profiled.Profile.TotalSeconds;
        double wall = kernels + 0.004; // 2 ms per step outside the kernels

        var breakdown = ProfileBreakdown.Create(profiled.Profile, steps, wall);
        Assert.Equal(["gemm", "norms", "elementwise", ProfileBreakdown.OutsideKernels], breakdown.Families.Select(r => r.Family));
        Assert.Equal(1.0, breakdown.Families.Sum(r => r.Share), 9);
        Assert.Equal(wall * 1000 / steps, breakdown.StepMs, 9);
        var outside = breakdown.Families[^1];
        Assert.Equal(2.0, outside.MsPerStep, 6);
        Assert.Equal(ProfileRow.NoKernel, outside.Kernel);

        var gemm = breakdown.Families[0];
        Assert.Equal(ProfileRow.AllKernels, gemm.Kernel);
        Assert.Equal(2.0, gemm.CallsPerStep);
        Assert.Equal(steps * 2L * 2 * size * size * size, gemm.Flops);
        var gemmKernels = breakdown.Kernels.Where(r => r.Family == "gemm").ToList();
        Assert.Equal(["Gemm", "GemmStridedBatched"], gemmKernels.Select(r => r.Kernel).Order());
        Assert.Equal(gemmKernels.Sum(r => r.MsPerStep), gemm.MsPerStep, 9);
        Assert.Equal(gemm.Flops / gemm.Seconds / 1e9, gemm.Gflops!.Value, 6);
        Assert.Null(breakdown.Families[1].Gflops);
        Assert.Equal(4, breakdown.Kernels.Count);
        Assert.True(breakdown.Kernels.Zip(breakdown.Kernels.Skip(1)).All(p => p.First.MsPerStep >= p.Second.MsPerStep), "kernels are not sorted by time");
    }

    [Fact]
    public void RejectsNoStepsOrNoTime()
    {
        var profile = new KernelProfile();
        Assert.Throws<ArgumentOutOfRangeException>(() => ProfileBreakdown.Create(profile, 0, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProfileBreakdown.Create(profile, 1, 0.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => ProfileBreakdown.Create(profile, 1, double.NaN));
    }
}
