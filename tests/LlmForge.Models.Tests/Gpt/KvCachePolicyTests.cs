using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Generation;
using LlmForge.Gpt;
using LlmForge.Layers;
using Xunit;
using static LlmForge.Tests.Gpt.GptReference;

namespace LlmForge.Tests.Gpt;

/// <summary>
/// The window and sink KV-cache policies (<see cref="SinkKvCache"/>) against <see cref="StreamingReference"/>, the
/// same policy computed without a cache, far past the context (16) of the rotary fixture; recompute against
/// re-encoding the last window; and the policies' validation. Each with the fixture as it is and with a learned sink
/// token added (<see cref="SinkTokenModels"/>: the token is then the stream's first, a sink or evicted by a window).
/// </summary>
public class KvCachePolicyTests
{
    private const float Tolerance = 1e-4f;

    /// <summary>
    /// Backend × (sinks, window) × model: sinks, a plain window, sinks + window above the context; on gpt-rope, on a
    /// grouped-query Llama (4 heads over 2 kv heads, whose caches hold the 2 kv heads only), and on gpt-rope with a
    /// learned sink token (the token as the one sink, as the first of two, and evicted by a plain window).
    /// </summary>
    public static TheoryData<string, int, int, string, bool> BackendsAndShapes
    {
        get
        {
            var cases = new TheoryData<string, int, int, string, bool>();
            foreach (var backend in TestBackends.Names)
            {
                foreach (var (sinks, window) in new[] { (2, 5), (0, 6), (4, 14) })
                    foreach (var fixture in (string[])["gpt-rope", "llama-gqa-tied"])
                        cases.Add(backend, sinks, window, fixture, false);
                foreach (var (sinks, window) in new[] { (1, 6), (2, 5), (0, 6) })
                    cases.Add(backend, sinks, window, "gpt-rope", true);
            }
            return cases;
        }
    }

    /// <summary>Backend × sink token.</summary>
    public static TheoryData<string, bool> BackendsWithAndWithoutSinkToken
    {
        get
        {
            var cases = new TheoryData<string, bool>();
            foreach (var backend in TestBackends.Names)
                foreach (bool sinkToken in new[] { false, true })
                    cases.Add(backend, sinkToken);
            return cases;
        }
    }

    /// <summary>The rotary fixture, with a learned sink token when <paramref name="sinkToken"/>.</summary>
    private static GptModel Rotary(string backend, bool sinkToken) =>
        sinkToken ? SinkTokenModels.WithSinkToken(Load("gpt-rope", backend)) : Load("gpt-rope", backend);

    [Theory, MemberData(nameof(BackendsAndShapes))]
    public void Each_step_gives_the_logits_of_the_policy_without_a_cache(string backend, int sinks, int window, string fixture, bool sinkToken)
    {
        var model = fixture == "gpt-rope" ? Rotary(backend, sinkToken)
            : Gpt2Checkpoint.Load(FixturePath.Of(fixture), TestBackends.Create(backend));
        model.Eval();
        int[] ids = RandomIds(21, 4 * model.Config.ContextLength, model.Config.VocabSize);
        var reference = StreamingReference.Logits(model, ids, sinks, window);
        var cache = model.CreateKvCache(1, Streaming(sinks, window));
        Assert.True(cache.ContinuesPastContext);
        Assert.Equal(int.MaxValue, cache.Remaining);

        var prompt = model.ForwardIncremental(ids[..3], 1, 3, cache);
        for (int t = 0; t < 3; t++)
            Assert.InRange(MaxDifference(Row(prompt, 0, t), Row(reference, 0, t)), 0, Tolerance);
        for (int t = 3; t < ids.Length; t++)
        {
            var step = model.ForwardIncremental([ids[t]], 1, 1, cache);
            Assert.InRange(MaxDifference(Row(step, 0, 0), Row(reference, 0, t)), 0, Tolerance);
            Assert.All(cache.Layers, layer => Assert.Equal(sinks + window, layer.Capacity)); // constant memory
            Assert.All(cache.Layers, layer => Assert.Equal(model.Config.KeyValueHeads, layer.Heads));
        }
        Assert.Equal([model.Config.PrefixLength + ids.Length], cache.NextPositions); // a sink token takes position 0
    }

    [Fact]
    public void The_reference_is_not_the_dense_model_once_tokens_leave_the_window()
    {
        // Guards the check above from passing vacuously: past S + W the policy changes the logits.
        var model = Load("gpt-rope", "Managed");
        int[] ids = RandomIds(22, 12, model.Config.VocabSize);
        var reference = StreamingReference.Logits(model, ids, 2, 5);
        var dense = Forward(model, ids, 1, ids.Length);
        Assert.InRange(MaxDifference(Row(reference, 0, 6), Row(dense, 0, 6)), 0, Tolerance); // t < S + W: all seen
        Assert.True(MaxDifference(Row(reference, 0, 11), Row(dense, 0, 11)) > 1e-3f);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void A_prompt_longer_than_the_cache_is_prefilled_then_fed_token_by_token(string backend)
    {
        var model = Load("gpt-rope", backend);
        int[] ids = RandomIds(23, 30, model.Config.VocabSize);
        var reference = StreamingReference.Logits(model, ids, 2, 5);
        var session = new GptDecodingSession(model, 1, Streaming(2, 5));

        var last = session.Append(ids[..25], 25); // (1, vocab): the prompt's last position
        Assert.InRange(MaxDifference(last.Data, Row(reference, 0, 24)), 0, Tolerance);
        var next = session.Append([ids[25]], 1);
        Assert.InRange(MaxDifference(next.Data, Row(reference, 0, 25)), 0, Tolerance);
        Assert.Throws<ArgumentException>(() => new GptDecodingSession(model, 1, Streaming(2, 5)).Append(ids[..8], 8, [.. Enumerable.Repeat(1, 8)]));
    }

    [Theory, MemberData(nameof(BackendsWithAndWithoutSinkToken))]
    public void Greedy_generation_past_the_context_picks_the_tokens_of_the_policy_without_a_cache(string backend, bool sinkToken)
    {
        var model = Rotary(backend, sinkToken);
        int[] prompt = RandomIds(24, sinkToken ? 12 : 4, model.Config.VocabSize); // 12: longer than the cache, prefilled then fed
        var generator = new TextGenerator(model.AsLanguageModel(Streaming(2, 6)), SamplingOptions.Greedy);
        var generated = generator.Generate(prompt, 3 * model.Config.ContextLength).ToList();

        var sequence = prompt.ToList();
        foreach (int token in generated)
        {
            var logits = StreamingReference.Logits(model, [.. sequence], 2, 6);
            Assert.Equal(ArgMax(Row(logits, 0, sequence.Count - 1)), token);
            sequence.Add(token);
        }
        Assert.Equal(3 * model.Config.ContextLength, generated.Count);
    }

    [Fact]
    public void A_padded_batch_streams_each_row_as_alone()
    {
        var model = Load("gpt-rope", "Managed");
        int vocab = model.Config.VocabSize;
        int[][] rows = [RandomIds(25, 30, vocab), RandomIds(26, 32, vocab)]; // prompts of 3 and 5 tokens, then 27 steps
        int[] prompts = [3, 5];
        var (ids, mask) = LeftPadded(rows, prompts, 5);
        var cache = model.CreateKvCache(2, Streaming(2, 5));
        var references = rows.Select(r => StreamingReference.Logits(model, r, 2, 5)).ToArray();

        var last = model.ForwardIncremental(ids, 2, 5, cache, mask, lastTokenOnly: true);
        for (int b = 0; b < 2; b++)
            Assert.InRange(MaxDifference(Row(last, b, 0), Row(references[b], 0, prompts[b] - 1)), 0, Tolerance);
        for (int s = 0; s < 25; s++)
        {
            var step = model.ForwardIncremental([rows[0][prompts[0] + s], rows[1][prompts[1] + s]], 2, 1, cache);
            for (int b = 0; b < 2; b++)
                Assert.InRange(MaxDifference(Row(step, b, 0), Row(references[b], 0, prompts[b] + s)), 0, Tolerance);
        }
    }

    [Theory, MemberData(nameof(BackendsWithAndWithoutSinkToken))]
    public void Recompute_picks_the_tokens_of_re_encoding_the_last_window(string backend, bool sinkToken)
    {
        var model = Rotary(backend, sinkToken); // the full forward puts a sink token before the window it encodes
        const int window = 6;
        int[] prompt = RandomIds(27, 4, model.Config.VocabSize);
        var policy = new KvCachePolicy { Kind = KvCacheKind.Recompute, Window = window };
        var language = model.AsLanguageModel(policy);
        Assert.Equal(window, language.ContextLength);
        var generated = new TextGenerator(language, SamplingOptions.Greedy).Generate(prompt, 30).ToList();

        var sequence = prompt.ToList();
        foreach (int token in generated)
        {
            int[] last = [.. sequence.TakeLast(window)];
            var logits = Forward(model, last, 1, last.Length);
            Assert.Equal(ArgMax(Row(logits, 0, last.Length - 1)), token);
            sequence.Add(token);
        }
    }

    [Theory]
    [InlineData("gpt-rope", "sink", 0, 8, "KvCache:Sinks")]
    [InlineData("gpt-rope", "window", 2, 8, "KvCache:Sinks")]
    [InlineData("gpt-rope", "sink", 4, 0, "KvCache:Window")]
    [InlineData("gpt-rope", "recompute", 0, 17, "KvCache:Window")]
    [InlineData("gpt2-tiny", "sink", 4, 8, "KvCache:Kind")]
    [InlineData("gpt-rope-sliding-window", "window", 0, 8, "KvCache:Kind")]
    public void A_policy_that_does_not_fit_names_its_key(string fixture, string kind, int sinks, int window, string key)
    {
        var model = Load(fixture, "Managed");
        var policy = new KvCachePolicy { Kind = KvCachePolicy.ParseKind(kind)!.Value, Sinks = sinks, Window = window };
        var e = Assert.Throws<ArgumentException>(() => model.CreateKvCache(1, policy));
        Assert.StartsWith(key + ":", e.Message);
    }

    [Fact]
    public void Kind_names_parse_case_insensitively_and_the_window_defaults_to_the_context_minus_the_sinks()
    {
        Assert.Equal(KvCacheKind.Sink, KvCachePolicy.ParseKind("Sink"));
        Assert.Null(KvCachePolicy.ParseKind("sinks"));
        Assert.Equal("dense, recompute, window, sink", KvCachePolicy.KindNames);
        Assert.Equal(60, new KvCachePolicy { Kind = KvCacheKind.Sink, Sinks = 4 }.WindowFor(64));
        Assert.Equal(64, new KvCachePolicy { Kind = KvCacheKind.Window }.WindowFor(64));
    }

}
