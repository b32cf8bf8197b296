using LlmForge.Autograd;
using LlmForge.Generation;
using LlmForge.Tests.Gpt;
using Xunit;
using static LlmForge.Tests.Gpt.GptReference;

namespace LlmForge.Tests.Generation;

/// <summary>TextGenerator with the KV cache (the default) against recomputing the context every token.</summary>
public class TextGeneratorKvCacheTests
{
    private static readonly SamplingOptions Sampled = new() { Temperature = 0.9f, TopK = 20, TopP = 0.95f, Seed = 7 };

    public static TheoryData<string, string, bool> EveryBackendFixtureAndSampling
    {
        get
        {
            var cases = new TheoryData<string, string, bool>();
            foreach (var row in GptFixture.EveryBackendAndFixture)
                foreach (bool greedy in new[] { true, false })
                    cases.Add((string)row[0], (string)row[1], greedy);
            return cases;
        }
    }

    private static int[] Generate(GptModelHandle model, int[] prompt, int newTokens, SamplingOptions sampling, bool cache) =>
        [.. new TextGenerator(model.Language, sampling) { UseKvCache = cache }.Generate(prompt, newTokens)];

    /// <summary>A fixture model and its language-model view.</summary>
    private sealed record GptModelHandle(LlmForge.Gpt.GptModel Model)
    {
        public GptLanguageModel Language { get; } = Model.AsLanguageModel();

        public static GptModelHandle Load(string fixture, string backend) => new(GptReference.Load(fixture, backend));
    }

    [Theory, MemberData(nameof(EveryBackendFixtureAndSampling))]
    public void Cached_and_uncached_generation_give_the_same_tokens(string backend, string fixture, bool greedy)
    {
        var model = GptModelHandle.Load(fixture, backend);
        int[] prompt = GptFixture.Load(fixture).Ids[..4];
        var sampling = greedy ? SamplingOptions.Greedy : Sampled;

        int[] uncached = Generate(model, prompt, 12, sampling, cache: false); // 16 tokens: the whole context
        int[] cached = Generate(model, prompt, 12, sampling, cache: true);

        Assert.Equal(uncached, cached);
        Assert.Equal(12, cached.Length);
        if (!greedy) Assert.True(cached.Distinct().Count() > 1, "sampling should not repeat one token"); // greedy gpt-rope settles on one

    }

    [Theory]
    [InlineData("Managed", "gpt2-tiny")]
    [InlineData("Mkl", "gpt2-tiny-tied")]
    [InlineData("Managed", "gpt-sinusoidal")]
    [InlineData("Mkl", "gpt-rope")]
    [InlineData("Managed", "gpt-rmsnorm")]
    public void Past_the_context_absolute_positions_crop_as_without_a_cache(string backend, string fixture)
    {
        var model = GptModelHandle.Load(fixture, backend);
        int[] prompt = RandomIds(22, 10, model.Model.Config.VocabSize); // 10 + 20 runs 14 tokens past the context of 16

        Assert.Equal(Generate(model, prompt, 20, Sampled, cache: false), Generate(model, prompt, 20, Sampled, cache: true));
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Rotary_with_a_sliding_window_generates_past_the_context_as_over_the_uncropped_sequence(string backend)
    {
        var model = GptModelHandle.Load("gpt-rope-sliding-window", backend);
        int[] prompt = RandomIds(23, 5, model.Model.Config.VocabSize);
        int newTokens = 3 * model.Model.Config.ContextLength;

        // The reference: argmax of a full forward over everything so far, in a twin with room for it all.
        var twin = WithContext(model.Model, prompt.Length + newTokens);
        var ids = new List<int>(prompt);
        for (int step = 0; step < newTokens; step++)
        {
            var logits = Forward(twin, [.. ids], 1, ids.Count);
            ids.Add(TokenSampler.ArgMax(Row(logits, 0, ids.Count - 1)));
        }

        Assert.Equal(ids.Skip(prompt.Length), Generate(model, prompt, newTokens, SamplingOptions.Greedy, cache: true));
    }

    [Theory, MemberData(nameof(EveryBackendFixtureAndSampling))]
    public void A_batch_of_prompts_of_different_lengths_gives_each_the_tokens_it_gets_alone(string backend, string fixture, bool greedy)
    {
        var model = GptModelHandle.Load(fixture, backend);
        int vocab = model.Model.Config.VocabSize;
        int[][] prompts = [RandomIds(24, 2, vocab), RandomIds(25, 6, vocab), RandomIds(26, 4, vocab)];
        var generator = new TextGenerator(model.Language, greedy ? SamplingOptions.Greedy : Sampled);

        var batched = generator.GenerateBatch(prompts, 10); // 6 + 10 − 1 slots: within the context of 16

        Assert.Equal(prompts.Length, batched.Length);
        for (int b = 0; b < prompts.Length; b++)
            Assert.Equal(generator.Generate(prompts[b], 10), batched[b]);
    }

    [Fact]
    public void A_batch_stops_each_row_at_the_stop_token()
    {
        var model = GptModelHandle.Load("gpt2-tiny", "Managed");
        int[][] prompts = [RandomIds(27, 3, 61), RandomIds(28, 5, 61)];
        var greedy = new TextGenerator(model.Language, SamplingOptions.Greedy);
        int stop = greedy.Generate(prompts[0], 10).ElementAt(2); // row 0's third token

        var batched = new TextGenerator(model.Language, SamplingOptions.Greedy, stopTokenId: stop).GenerateBatch(prompts, 10);

        Assert.Equal(new TextGenerator(model.Language, SamplingOptions.Greedy, stopTokenId: stop).Generate(prompts[0], 10), batched[0]);
        Assert.Equal(stop, batched[0][^1]);
        Assert.True(batched[0].Count <= 3);
        Assert.Equal(new TextGenerator(model.Language, SamplingOptions.Greedy, stopTokenId: stop).Generate(prompts[1], 10), batched[1]);
    }

    [Fact]
    public void A_batch_with_absolute_positions_is_not_cropped()
    {
        var model = GptModelHandle.Load("gpt2-tiny", "Managed");
        var generator = new TextGenerator(model.Language, SamplingOptions.Greedy);
        var e = Assert.Throws<ArgumentException>(() => generator.GenerateBatch([RandomIds(29, 10, 61), RandomIds(30, 3, 61)], 8));
        Assert.Contains("runs past the context length 16", e.Message);
    }

    [Fact]
    public void The_cache_is_used_by_default_a_prefill_then_one_token_per_step()
    {
        var model = GptModelHandle.Load("gpt2-tiny", "Managed");
        var counting = new CountingLanguageModel(model.Language);
        model.Model.Train();

        int[] tokens = [.. new TextGenerator(counting, SamplingOptions.Greedy).Generate([1, 2, 3, 4, 5], 8)];

        Assert.Equal(8, tokens.Length);
        Assert.Equal(0, counting.Forwards);
        Assert.Equal([5, 1, 1, 1, 1, 1, 1, 1], counting.AppendedLengths); // the last token is never fed back
        Assert.True(model.Model.IsTraining, "the model's training mode is restored");
        Assert.True(GradMode.IsEnabled);
    }

    [Fact]
    public void Without_the_cache_every_token_recomputes_the_context()
    {
        var model = GptModelHandle.Load("gpt2-tiny", "Managed");
        var counting = new CountingLanguageModel(model.Language);

        _ = new TextGenerator(counting, SamplingOptions.Greedy) { UseKvCache = false }.Generate([1, 2, 3], 6).ToList();

        Assert.Equal(6, counting.Forwards);
        Assert.Empty(counting.AppendedLengths);
    }

    [Fact]
    public void Past_a_bounded_cache_generation_falls_back_to_the_cropped_context()
    {
        var model = GptModelHandle.Load("gpt2-tiny", "Managed"); // context 16
        var counting = new CountingLanguageModel(model.Language);

        _ = new TextGenerator(counting, SamplingOptions.Greedy).Generate([.. Enumerable.Range(1, 14)], 6).ToList();

        Assert.Equal([14, 1, 1], counting.AppendedLengths); // 14, 15, 16 tokens from the cache
        Assert.Equal(3, counting.Forwards);                 // 17, 18, 19 tokens: cropped to the last 16
    }
}
