using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Inspection;
using LlmForge.Tests.Checkpoints;
using LlmForge.Training;
using Xunit;
using static LlmForge.Tests.Gpt.GptReference;

namespace LlmForge.Tests.Gpt;

/// <summary>
/// The learned sink token (<see cref="GptConfig.SinkToken"/>): the rotary fixture's weights plus a sink vector
/// (<see cref="SinkTokenModels"/>); its forward against <see cref="StreamingReference"/>, a padded dense batch, training,
/// saving and reloading, config errors. The streaming policies with it are in <see cref="KvCachePolicyTests"/> and the
/// long-text perplexity's tests.
/// </summary>
public class SinkTokenTests
{
    private const float Tolerance = 1e-4f;

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
    public void Recorded_attentions_and_hidden_states_keep_the_sink_at_position_0(string backend)
    {
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", backend));
        int[] ids = RandomIds(44, 9, model.Config.VocabSize);
        var result = model.Forward(ids, 1, ids.Length, ForwardOutputs.Attentions | ForwardOutputs.HiddenStates);

        Assert.InRange(MaxDifference(result.Output.ToArray(), Forward(model, ids, 1, ids.Length).ToArray()), 0, 1e-6f);
        int n = 1 + ids.Length, heads = model.Config.Heads, c = model.Config.EmbeddingDim;
        Assert.All(result.Attentions!, a => Assert.Equal([1, heads, n, n], a.Shape));
        Assert.All(result.HiddenStates!, h => Assert.Equal([1, n, c], h.Shape));
        var sinkRow = model.SinkEmbedding!.Weight.ToArray();             // the embeddings' output at 0: the sink's vector
        Assert.InRange(MaxDifference(result.HiddenStates![0].ToArray()[..c], sinkRow), 0, 0f);
        foreach (var a in result.Attentions!)
        {
            var w = a.ToArray();
            for (int h = 0; h < heads; h++)
            {
                Assert.Equal(1f, w[h * n * n]);                              // the sink sees only itself
                for (int q = 0; q < n; q++)
                    Assert.InRange(Math.Abs(w.AsSpan((h * n + q) * n, n).ToArray().Sum() - 1f), 0, 1e-5f);
            }
            Assert.True(w[(0 * n + n - 1) * n] > 0f);                        // the last query gives the sink a share
        }
    }

    [Fact]
    public void A_padded_dense_batch_decodes_each_row_as_alone()
    {
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", "Managed"));
        int vocab = model.Config.VocabSize;
        int[][] rows = [RandomIds(46, 12, vocab), RandomIds(47, 12, vocab)];
        int[] prompts = [3, 5];
        var (ids, mask) = LeftPadded(rows, prompts, 5);
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
}
