using System.Diagnostics;
using System.Reflection;
using LlmForge.Backends;
using LlmForge.Backends.Profiling;
using Xunit;

namespace LlmForge.Tests.Profiling;

/// <summary>
/// The profiling decorator changes no result (outputs equal the wrapped backend's to the bit), counts every call
/// and GEMM FLOPs exactly, and records times that are non-negative and fit inside the wall clock around them.
/// </summary>
public class ProfilingBackendTests
{
    [Fact]
    public void EveryKernelOfTheInterfaceHasAMemberAndAFamily()
    {
        var methods = typeof(ITensorBackend).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => !m.IsSpecialName).Select(m => m.Name).Order().ToList();
        var kernels = Enum.GetNames<TensorKernel>().Order().ToList();
        Assert.Equal(methods, kernels);
        foreach (var kernel in TensorKernels.All)
            Assert.False(string.IsNullOrEmpty(TensorKernels.Name(TensorKernels.Family(kernel))));
    }

    [Theory]
    [MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void ResultsEqualTheWrappedBackendsToTheBit(string backendName)
    {
        var inner = TestBackends.Create(backendName);
        var profiled = new ProfilingBackend(inner);
        Assert.Equal(inner.Name, profiled.Name);
        var rng = new Random(7);
        float[] Random(int n) => Enumerable.Range(0, n).Select(_ => rng.NextSingle() * 2 - 1).ToArray();
        const int m = 9, n = 13, k = 17;
        var a = Random(m * k);
        var b = Random(k * n);
        var c0 = Random(m * n);

        // Each case runs once on the inner backend and once through the decorator, from the same inputs.
        void Same(Func<ITensorBackend, float[]> run) => Assert.Equal(run(inner), run(profiled));
        Same(be => { var c = c0.ToArray(); be.Gemm(false, false, m, n, k, 0.5f, a, k, b, n, 1f, c, n); return c; });
        Same(be => { var c = new float[3 * m * m]; be.GemmStridedBatched(false, true, m, m, 3, 1f, a, 3, 3 * m, a, 3, 3 * m, 0f, c, m, m * m, 3); return c; });
        var bBf16 = new ushort[n * k];
        BFloat16.FromFloat(b, bBf16);
        Same(be => { var c = new float[m * n]; be.GemmBf16(m, n, k, a, bBf16, c); return c; });
        Same(be => { var y = new float[m * k]; be.Gelu(a, y, GeluApproximation.Erf); return y; });
        Same(be =>
        {
            var (y, mean, rstd) = (new float[m * k], new float[m], new float[m]);
            be.LayerNorm(a, b.AsSpan(0, k), b.AsSpan(k, k), y, mean, rstd, m, k, 1e-5f);
            return [.. y, .. mean, .. rstd];
        });
        Same(be => { var y = new float[m * k]; be.Softmax(a, y, m, k, new SoftmaxMask { Causal = true, QueryLength = m }); return y; });
        Same(be =>
        {
            // 2 groups of 4 queries over 4 keys, head size 8, causal
            var (o, lse) = (new float[64], new float[8]);
            be.AttentionForward(a.AsSpan(0, 64), a.AsSpan(64, 64), b.AsSpan(0, 64), o, lse, 2, 4, 4, 8, 0.35f, new SoftmaxMask { Causal = true, QueryLength = 4 });
            return [.. o, .. lse];
        });
        Same(be =>
        {
            var (p, mom, vel) = (a.ToArray(), new float[a.Length], new float[a.Length]);
            be.AdamW(p, b.AsSpan(0, a.Length), mom, vel, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f, 1);
            return [.. p, .. mom, .. vel];
        });
        Same(be =>
        {
            var (losses, lse) = (new float[m], new float[m]);
            be.CrossEntropy(a, [0, 3, 16, 5, -100, 1, 2, 8, 9], losses, lse, m, k, -100);
            return [.. losses, .. lse];
        });
        Assert.Equal(inner.SumOfSquares(a), profiled.SumOfSquares(a));
        Assert.Equal(10, profiled.Profile.Called.Count);
        Assert.All(profiled.Profile.Called, s => Assert.Equal(1, s.Calls));
    }

    [Fact]
    public void CountsCallsAndGemmFlopsExactly()
    {
        var profiled = new ProfilingBackend(TestBackends.Create("Managed"));
        const int m = 3, n = 5, k = 7;
        var (a, b, c) = (new float[4 * m * k], new float[4 * k * n], new float[4 * m * n]);
        profiled.Gemm(false, false, m, n, k, 1f, a, k, b, n, 0f, c, n);
        profiled.Gemm(true, false, m, n, k, 1f, a, m, b, n, 1f, c, n);
        profiled.GemmStridedBatched(false, false, m, n, k, 1f, a, k, m * k, b, n, k * n, 0f, c, n, m * n, 4);
        profiled.GemmBf16(m, n, k, a, new ushort[n * k], c);
        for (int i = 0; i < 5; i++) profiled.Add(a, a, a);

        var profile = profiled.Profile;
        Assert.Equal(new KernelStats(TensorKernel.Gemm, 2, profile[TensorKernel.Gemm].Seconds, 2 * 2 * m * n * k), profile[TensorKernel.Gemm]);
        Assert.Equal(1, profile[TensorKernel.GemmStridedBatched].Calls);
        Assert.Equal(4 * 2 * m * n * k, profile[TensorKernel.GemmStridedBatched].Flops);
        Assert.Equal(2 * m * n * k, profile[TensorKernel.GemmBf16].Flops);
        Assert.Equal(5, profile[TensorKernel.Add].Calls);
        Assert.Equal(0, profile[TensorKernel.Add].Flops);
        Assert.Equal(0, profile[TensorKernel.Mul].Calls);
        Assert.Equal([TensorKernel.Gemm, TensorKernel.GemmStridedBatched, TensorKernel.GemmBf16, TensorKernel.Add],
            profile.Called.Select(s => s.Kernel).Order());

        profile.Reset();
        Assert.Empty(profile.Called);
        Assert.Equal(0, profile.TotalSeconds);
    }

    [Fact]
    public void TimesAreNonNegativeAndFitInTheWallClock()
    {
        var profiled = new ProfilingBackend(TestBackends.Create("Managed"));
        const int size = 192;
        var (a, c) = (new float[size * size], new float[size * size]);
        long start = Stopwatch.GetTimestamp();
        for (int i = 0; i < 3; i++)
        {
            profiled.Gemm(false, false, size, size, size, 1f, a, size, a, size, 0f, c, size);
            profiled.Gelu(c, c, GeluApproximation.Tanh);
        }
        double wall = Stopwatch.GetElapsedTime(start).TotalSeconds;

        var profile = profiled.Profile;
        Assert.All(profile.Called, s => Assert.True(s.Seconds >= 0, $"{s.Kernel}: {s.Seconds} s"));
        Assert.True(profile[TensorKernel.Gemm].Seconds > 0, "three 192³ products took no time");
        Assert.True(profile.TotalSeconds <= wall, $"kernels {profile.TotalSeconds} s inside a wall clock of {wall} s");
        Assert.Equal(profile[TensorKernel.Gemm].Seconds + profile[TensorKernel.Gelu].Seconds, profile.TotalSeconds, 12);
    }
}
