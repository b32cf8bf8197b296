using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.EncoderDecoder;
using LlmForge.Tests.Bert;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.EncoderDecoder;

/// <summary>
/// EncoderDecoderModel against PyTorch (transformers' MarianMTModel semantics, computed in float64) on
/// Fixtures/marian-tiny and marian-tiny-relu, on every test backend: the decoder logits of a padded source batch
/// (1e-4), and greedy decoding — the reference's tokens, with and without the KV cache.
/// </summary>
public class MarianParityTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Logits_match_PyTorch(string backend)
    {
        foreach (var fixture in MarianFixture.All)
        {
            var model = MarianCheckpoint.Load(fixture.Directory, TestBackends.Create(backend));
            model.Eval();
            Tensor logits;
            using (GradMode.NoGrad()) logits = model.Forward(fixture.Input);
            Assert.Equal(fixture.Logits.Shape, logits.Shape);
            double error = BertFixture.MaxAbsDifference(logits.ToArray(), fixture.Logits.Data);
            output.WriteLine($"{backend} {fixture}: logits max |Δ| {error:E2}");
            Assert.True(error <= 1e-4, $"{fixture}: logits max |Δ| {error:E3} > 1e-4");
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Greedy_decoding_gives_the_reference_tokens_with_and_without_the_KV_cache(string backend)
    {
        foreach (var fixture in MarianFixture.All)
        {
            var model = MarianCheckpoint.Load(fixture.Directory, TestBackends.Create(backend));
            model.Eval();
            var input = fixture.Input;
            var cached = GreedyTranslation.Generate(model, input.InputIds, input.Batch, input.SourceLength, input.AttentionMask, fixture.MaxNewTokens);
            var plain = GreedyTranslation.Generate(model, input.InputIds, input.Batch, input.SourceLength, input.AttentionMask, fixture.MaxNewTokens,
                useCache: false);
            Assert.Equal(fixture.Greedy, cached);
            Assert.Equal(fixture.Greedy, plain);
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void A_decoding_step_with_the_KV_cache_gives_the_logits_of_the_whole_prefix(string backend)
    {
        var fixture = MarianFixture.Tiny;
        var model = MarianCheckpoint.Load(fixture.Directory, TestBackends.Create(backend));
        model.Eval();
        var input = fixture.Input;
        int b = input.Batch, t = input.TargetLength, v = model.Config.VocabSize;
        using var noGrad = GradMode.NoGrad();
        var memory = model.Encode(input.InputIds, b, input.SourceLength, input.SourceKeyValid(), cacheProjections: true);
        var cache = model.CreateDecoderCache();
        var full = fixture.Logits.Data;
        double worst = 0;
        for (int step = 0; step < t; step++)
        {
            var ids = Enumerable.Range(0, b).Select(row => input.DecoderInputIds[row * t + step]).ToArray();
            var logits = model.Decode(ids, b, 1, memory, cache).ToArray(); // (B, 1, V)
            for (int row = 0; row < b; row++)
                for (int k = 0; k < v; k++)
                    worst = Math.Max(worst, Math.Abs(logits[row * v + k] - full[(row * t + step) * v + k]));
        }
        output.WriteLine($"{backend}: cached steps vs PyTorch's full-prefix logits max |Δ| {worst:E2}");
        Assert.Equal(t, cache.Length);
        Assert.True(worst <= 1e-4, $"cached decoding steps differ from the full-prefix logits by {worst:E3}");
    }
}
