using LlmForge.Backends.Managed;
using Xunit;

namespace LlmForge.Tests.Backends.Parity;

public class DropoutTests
{
    private const int N = 100_003;

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Mask_is_the_documented_function_of_seed_and_index(string backend)
    {
        // Every backend must produce this mask: drop element i when Uniform(seed, i) < p.
        const float p = 0.3f;
        const ulong seed = 1234;
        var x = TestData.Uniform(N, 91);
        var y = new float[N];
        var mask = new float[N];
        TestBackends.Create(backend).Dropout(x, y, mask, p, seed);
        float scale = 1 / (1 - p);
        for (int i = 0; i < N; i++)
        {
            float expected = DropoutKernel.Uniform(seed, i) < p ? 0f : scale;
            Assert.True(mask[i] == expected, $"mask[{i}] = {mask[i]}, expected {expected}");
            Assert.True(y[i] == x[i] * expected, $"y[{i}] = {y[i]}, expected {x[i] * expected}");
        }
    }

    [Theory]
    [MemberData(nameof(TestBackends.All), MemberType = typeof(TestBackends))]
    public void Same_seed_same_mask_for_any_thread_count_and_different_seed_differs(string backend)
    {
        var be = TestBackends.Create(backend);
        var x = TestData.Uniform(N, 92);
        var first = Run(be, x, 0.1f, 42, threads: 1);
        var again = Run(be, x, 0.1f, 42, threads: 3);
        var other = Run(be, x, 0.1f, 43, threads: 3);
        Assert.Equal(first, again);
        int differing = first.Zip(other).Count(pair => pair.First != pair.Second);
        // Two independent p = 0.1 masks differ at ~2·0.1·0.9 = 18% of positions.
        Assert.InRange(differing, (int)(0.15 * N), (int)(0.21 * N));
    }

    [Theory]
    [MemberData(nameof(Probabilities))]
    public void Dropped_fraction_is_p_and_kept_values_are_scaled(string backend, float p)
    {
        var x = TestData.Uniform(N, 93, 0.5f, 1.5f);
        var y = new float[N];
        var mask = new float[N];
        TestBackends.Create(backend).Dropout(x, y, mask, p, seed: 7);
        int dropped = mask.Count(v => v == 0);
        // Binomial(N, p): 5 standard deviations.
        double sd = Math.Sqrt(N * p * (1 - p));
        Assert.InRange(dropped, N * p - 5 * sd - 0.5, N * p + 5 * sd + 0.5);
        float scale = p < 1 ? 1 / (1 - p) : 0;
        Assert.All(mask, v => Assert.True(v == 0 || v == scale));
        for (int i = 0; i < N; i++) Assert.Equal(x[i] * mask[i], y[i]);
    }

    public static TheoryData<string, float> Probabilities => TestBackends.Cross(0f, 0.1f, 0.5f, 1f);

    private static float[] Run(LlmForge.Backends.ITensorBackend be, float[] x, float p, ulong seed, int threads)
    {
        be.Threads = threads;
        var y = new float[x.Length];
        var mask = new float[x.Length];
        be.Dropout(x, y, mask, p, seed);
        return mask;
    }
}
