using LlmForge.Checkpoints;
using LlmForge.Evaluation;
using LlmForge.Generation;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Tests.Checkpoints;
using LlmForge.Training;
using Xunit;
using static LlmForge.Tests.Gpt.GptReference;

namespace LlmForge.Tests.Gpt;

/// <summary>
/// The learned sink token (<see cref="GptConfig.SinkToken"/>): the rotary fixture's weights plus a sink vector, checked
/// against <see cref="StreamingReference"/> (the policy computed without a cache, the sink token read first) under every
/// policy and on both backends, trained, saved and reloaded.
/// </summary>
public class SinkTokenTests
{
    private const float Tolerance = 1e-4f;

    private static KvCachePolicy Streaming(int sinks, int window) => sinks > 0
        ? new KvCachePolicy { Kind = KvCacheKind.Sink, Sinks = sinks, Window = window }
        : new KvCachePolicy { Kind = KvCacheKind.Window, Window = window };

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void The_forward_reads_the_sink_token_first_and_returns_the_texts_logits(string backend)
    {
        var plain = Load("gpt-rope", backend);
        var model = SinkTokenModels.WithSinkToken(plain);
        int[] ids = RandomIds(41, model.Config.ContextLength, model.Config.VocabSize);
        var logits = Forward(model, ids, 1, ids.Length);
        Assert.Equal([1, ids.Length, model.Config.VocabSize], logits.Shape);

        var reference = StreamingReference.Logits(model, ids, 0, ids.Length + 1); // every key seen: dense
        for (int t = 0; t < ids.Length; t++)
            Assert.InRange(MaxDifference(Row(logits, 0, t), Row(reference, 0, t)), 0, Tolerance);
        Assert.True(MaxDifference(Row(logits, 0, 5), Row(Forward(plain, ids, 1, ids.Length), 0, 5)) > 1e-3f); // the sink is seen
    }

    /// <summary>Backend × (sinks, window): the learned token as the one sink, two sinks, a window that evicts it.</summary>
    public static TheoryData<string, int, int> BackendsAndShapes
    {
        get
        {
            var cases = new TheoryData<string, int, int>();
            foreach (var backend in TestBackends.Names)
                foreach (var (sinks, window) in new[] { (1, 6), (2, 5), (0, 6) })
                    cases.Add(backend, sinks, window);
            return cases;
        }
    }

    [Theory, MemberData(nameof(BackendsAndShapes))]
    public void Each_streamed_step_gives_the_logits_of_the_policy_without_a_cache(string backend, int sinks, int window)
    {
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", backend));
        int[] ids = RandomIds(42, 4 * model.Config.ContextLength, model.Config.VocabSize);
        var reference = StreamingReference.Logits(model, ids, sinks, window);
        var cache = model.CreateKvCache(1, Streaming(sinks, window));

        var prompt = model.ForwardIncremental(ids[..3], 1, 3, cache);
        Assert.Equal(3, prompt.Shape[1]);
        for (int t = 0; t < 3; t++)
            Assert.InRange(MaxDifference(Row(prompt, 0, t), Row(reference, 0, t)), 0, Tolerance);
        for (int t = 3; t < ids.Length; t++)
        {
            var step = model.ForwardIncremental([ids[t]], 1, 1, cache);
            Assert.InRange(MaxDifference(Row(step, 0, 0), Row(reference, 0, t)), 0, Tolerance);
            Assert.All(cache.Layers, layer => Assert.Equal(sinks + window, layer.Capacity)); // constant memory
        }
        Assert.Equal([1 + ids.Length], cache.NextPositions); // the sink token took position 0
    }

    [Fact]
    public void A_plain_window_evicts_the_sink_token_and_a_sink_cache_keeps_it()
    {
        // Guards the check above: past the window the two policies differ, within it they agree.
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", "Managed"));
        int[] ids = RandomIds(43, 14, model.Config.VocabSize);
        var window = StreamingReference.Logits(model, ids, 0, 7);
        var sink = StreamingReference.Logits(model, ids, 1, 6);
        Assert.InRange(MaxDifference(Row(window, 0, 5), Row(sink, 0, 5)), 0, Tolerance); // 1 + 6 tokens: all seen
        Assert.True(MaxDifference(Row(window, 0, 13), Row(sink, 0, 13)) > 1e-3f);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Greedy_generation_with_the_sink_token_as_the_one_sink_picks_the_tokens_of_the_reference(string backend)
    {
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", backend));
        int[] prompt = RandomIds(44, 20, model.Config.VocabSize); // longer than the cache's 1 + 6 slots: prefilled, then fed
        var generated = new TextGenerator(model.AsLanguageModel(Streaming(1, 6)), SamplingOptions.Greedy)
            .Generate(prompt, 2 * model.Config.ContextLength).ToList();

        var sequence = prompt.ToList();
        foreach (int token in generated)
        {
            var logits = StreamingReference.Logits(model, [.. sequence], 1, 6);
            Assert.Equal(ArgMax(Row(logits, 0, sequence.Count - 1)), token);
            sequence.Add(token);
        }
        Assert.Equal(2 * model.Config.ContextLength, generated.Count);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Recompute_puts_the_sink_token_before_every_window_it_re_encodes(string backend)
    {
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", backend));
        const int window = 6;
        int[] prompt = RandomIds(45, 4, model.Config.VocabSize);
        var generated = new TextGenerator(model.AsLanguageModel(new KvCachePolicy { Kind = KvCacheKind.Recompute, Window = window }), SamplingOptions.Greedy)
            .Generate(prompt, 30).ToList();

        var sequence = prompt.ToList();
        foreach (int token in generated)
        {
            int[] last = [.. sequence.TakeLast(window)];
            var logits = StreamingReference.Logits(model, last, 0, window + 1); // the sink token, then the window
            Assert.Equal(ArgMax(Row(logits, 0, last.Length - 1)), token);
            sequence.Add(token);
        }
    }

    [Fact]
    public void A_padded_dense_batch_decodes_each_row_as_alone()
    {
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", "Managed"));
        int vocab = model.Config.VocabSize;
        int[][] rows = [RandomIds(46, 12, vocab), RandomIds(47, 12, vocab)];
        int[] prompts = [3, 5];
        var ids = new int[2 * 5];
        var mask = new int[2 * 5];
        for (int b = 0; b < 2; b++)
            for (int i = 0; i < prompts[b]; i++)
            {
                ids[b * 5 + 5 - prompts[b] + i] = rows[b][i]; // left padding
                mask[b * 5 + 5 - prompts[b] + i] = 1;
            }
        var cache = model.CreateKvCache(2);
        var references = rows.Select(r => Forward(model, r, 1, r.Length)).ToArray();

        var last = model.ForwardIncremental(ids, 2, 5, cache, mask, lastTokenOnly: true);
        for (int b = 0; b < 2; b++)
            Assert.InRange(MaxDifference(Row(last, b, 0), Row(references[b], 0, prompts[b] - 1)), 0, Tolerance);
        for (int s = 0; s < 7; s++)
        {
            var step = model.ForwardIncremental([rows[0][prompts[0] + s], rows[1][prompts[1] + s]], 2, 1, cache);
            for (int b = 0; b < 2; b++)
                Assert.InRange(MaxDifference(Row(step, b, 0), Row(references[b], 0, prompts[b] + s)), 0, Tolerance);
        }
    }

    [Fact]
    public void Long_text_perplexity_under_a_window_scores_the_reference_that_evicts_the_sink_token()
    {
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", "Managed"));
        int[] ids = RandomIds(48, 40, model.Config.VocabSize);
        var report = new LongTextPerplexity(model, Streaming(0, 8)).Evaluate(ids);

        var reference = StreamingReference.Logits(model, ids, 0, 8);
        double total = 0;
        for (int t = 1; t < ids.Length; t++) total += CrossEntropy(Row(reference, 0, t - 1), ids[t]);
        Assert.Equal(ids.Length - 1, report.Tokens);
        Assert.InRange(Math.Abs(report.MeanLoss - total / (ids.Length - 1)), 0, Tolerance);
    }

    [Fact]
    public void Training_moves_the_sink_token()
    {
        var model = new GptModel(Load("gpt-rope", "Managed").Config with { SinkToken = true, ResidualDropRate = 0, EmbeddingDropRate = 0, AttentionDropRate = 0 },
            TestBackends.Create("Managed"), seed: 3);
        int vocab = model.Config.VocabSize;
        int[] ids = RandomIds(49, 2 * 8, vocab), targets = RandomIds(50, 2 * 8, vocab);
        model.Train();
        model.Loss(ids, targets, 2, 8).Backward();
        var grad = model.SinkEmbedding!.Weight.Grad;
        Assert.NotNull(grad);
        Assert.True(grad.Max(g => Math.Abs(g)) > 1e-6f, "the sink token gets no gradient");

        float[] before = [.. model.SinkEmbedding.Weight.Data];
        var corpus = RandomIds(51, 400, vocab);
        var objective = CausalLanguageModeling.ForCorpus(model, corpus.AsMemory(0, 300), corpus.AsMemory(300), batchSize: 2, seed: 1);
        var trainer = new Trainer(objective, new TrainingOptions { MaxSteps = 3, WarmupSteps = 0, LearningRate = 1e-2f, EvalInterval = 1000, LogInterval = 1000, CheckpointInterval = 0 });
        for (int i = 0; i < 3; i++) trainer.TrainStep();
        Assert.True(MaxDifference(before, model.SinkEmbedding.Weight.Data) > 1e-4f, "training left the sink token unchanged");
    }

    [Fact]
    public void The_sink_token_is_saved_and_reloaded_and_a_model_without_one_writes_no_key()
    {
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", "Managed"));
        using var dir = new TempDirectory();
        Gpt2Checkpoint.Save(model, dir.Path);
        Assert.Contains("\"sink_token\": true", File.ReadAllText(dir.File(GptConfigJson.FileName)));
        var reloaded = Gpt2Checkpoint.Load(dir.Path, model.Backend);
        reloaded.Eval();
        Assert.True(reloaded.Config.SinkToken);
        Assert.Equal(model.SinkEmbedding!.Weight.Data, reloaded.SinkEmbedding!.Weight.Data);
        int[] ids = RandomIds(52, 10, model.Config.VocabSize);
        Assert.InRange(MaxDifference(Forward(model, ids, 1, 10).Data, Forward(reloaded, ids, 1, 10).Data), 0, Tolerance);

        var plain = Load("gpt-rope", "Managed");
        Assert.DoesNotContain("sink_token", GptConfigJson.ToJson(plain.Config));
        Assert.Null(plain.SinkEmbedding);
        Assert.DoesNotContain(plain.NamedParameters(), p => p.Name.StartsWith("sink_emb", StringComparison.Ordinal));
        Assert.Equal(GptParameterShapes.Of(model.Config).Select(p => p.Name), model.NamedParameters().Select(p => p.Name));
    }

    [Theory]
    [InlineData("\"position_embedding_type\": \"absolute\"", "SinkToken (sink_token) needs rotary positions")]
    [InlineData("\"position_embedding_type\": \"rotary\", \"sliding_window\": 4", "SinkToken (sink_token) needs full attention")]
    public void A_config_json_sink_token_that_does_not_fit_is_one_line_naming_the_key(string keys, string fragment)
    {
        string json = $$"""{ "model_type": "llmforge-gpt", "vocab_size": 10, "n_positions": 8, "n_embd": 8, "n_layer": 1, "n_head": 2, {{keys}}, "sink_token": true }""";
        var e = Assert.Throws<CheckpointFormatException>(() => GptConfigJson.Parse(json));
        Assert.Contains(fragment, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    private static double CrossEntropy(float[] logits, int target)
    {
        float max = logits.Max();
        return Math.Log(logits.Sum(v => Math.Exp(v - max))) + max - logits[target];
    }

    private static int ArgMax(float[] row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }
}
