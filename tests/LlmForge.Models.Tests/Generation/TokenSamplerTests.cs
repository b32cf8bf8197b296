using LlmForge.Generation;
using Xunit;

namespace LlmForge.Tests.Generation;

public class TokenSamplerTests
{
    private static readonly float[] Logits = [1.0f, 3.0f, 2.0f, -1.0f, 2.5f];

    [Fact]
    public void Greedy_picks_the_argmax()
    {
        var sampler = new TokenSampler(SamplingOptions.Greedy);
        Assert.Equal(1, sampler.Next(Logits));
    }

    [Fact]
    public void Same_seed_reproduces_and_another_seed_differs()
    {
        int[] Draw(ulong seed)
        {
            var s = new TokenSampler(new SamplingOptions { Temperature = 1.5f, Seed = seed });
            return Enumerable.Range(0, 50).Select(_ => s.Next(Logits)).ToArray();
        }
        Assert.Equal(Draw(7), Draw(7));
        Assert.NotEqual(Draw(7), Draw(8));
    }

    [Fact]
    public void Frequencies_follow_the_softmax_at_temperature()
    {
        const float t = 0.7f;
        var s = new TokenSampler(new SamplingOptions { Temperature = t, Seed = 1 });
        var counts = new int[Logits.Length];
        const int n = 40000;
        for (int i = 0; i < n; i++) counts[s.Next(Logits)]++;
        double z = Logits.Sum(l => Math.Exp(l / t));
        for (int i = 0; i < Logits.Length; i++)
            Assert.InRange(counts[i] / (double)n, Math.Exp(Logits[i] / t) / z - 0.01, Math.Exp(Logits[i] / t) / z + 0.01);
    }

    [Fact]
    public void Top_k_never_samples_outside_the_k_best()
    {
        var s = new TokenSampler(new SamplingOptions { Temperature = 5f, TopK = 2, Seed = 3 });
        var seen = Enumerable.Range(0, 2000).Select(_ => s.Next(Logits)).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 4 }, seen);
    }

    [Fact]
    public void Top_p_keeps_the_smallest_set_reaching_p()
    {
        // probabilities at T=1: token 1 ≈ 0.47, token 4 ≈ 0.28, token 2 ≈ 0.17, ... → p = 0.6 keeps {1, 4}.
        var s = new TokenSampler(new SamplingOptions { Temperature = 1f, TopP = 0.6f, Seed = 5 });
        var seen = Enumerable.Range(0, 2000).Select(_ => s.Next(Logits)).ToHashSet();
        Assert.Equal(new HashSet<int> { 1, 4 }, seen);
    }

    [Theory]
    [InlineData(-1f, 0, 1f, "Temperature")]
    [InlineData(1f, -2, 1f, "TopK")]
    [InlineData(1f, 0, 0f, "TopP")]
    [InlineData(1f, 0, 1.5f, "TopP")]
    public void Bad_settings_name_the_setting(float temperature, int topK, float topP, string name)
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new TokenSampler(new SamplingOptions { Temperature = temperature, TopK = topK, TopP = topP }));
        Assert.Equal(name, ex.ParamName);
    }
}
