using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Generation;
using LlmForge.Gpt;
using LlmForge.Layers;
using Xunit;
using Xunit.Abstractions;
using static LlmForge.Tests.Gpt.GptReference;

namespace LlmForge.Tests.Llama;

/// <summary>
/// Hugging Face Llama-layout directories (llama, qwen2, mistral) loaded into a <see cref="GptModel"/> against the
/// plain-PyTorch LlamaForCausalLM of tools/reference/llama_reference.py, on every test backend: the logits, the
/// tokens greedy decoding picks (recomputing, and through the KV cache, which holds the kv heads only), and a save
/// that writes the same names and config back.
/// </summary>
public class LlamaParityTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases => LlamaFixture.EveryBackendAndFixture;

    [Theory, MemberData(nameof(Cases))]
    public void Logits_match_PyTorch(string backend, string fixtureName)
    {
        var fixture = LlamaFixture.Load(fixtureName);
        var model = Load(fixture, backend);
        Tensor logits;
        using (GradMode.NoGrad()) logits = model.Forward(fixture.Ids, fixture.Batch, fixture.Seq);

        Assert.Equal(fixture.Logits.Shape, logits.Shape);
        double maxError = MaxDifference(logits.Data, fixture.Logits.Data);
        output.WriteLine($"{backend} {fixtureName}: logits max |Δ| {maxError:E2}");
        Assert.True(maxError <= 1e-4, $"logits max abs error {maxError:E3} > 1e-4");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Greedy_decoding_gives_the_reference_tokens_with_and_without_the_kv_cache(string backend, string fixtureName)
    {
        var fixture = LlamaFixture.Load(fixtureName);
        var model = Load(fixture, backend);
        int vocab = model.Config.VocabSize;

        // without a cache: the whole sequence again at every step, as the reference does
        var ids = new List<int>(fixture.Prompt);
        var recomputed = new List<int>();
        var recomputedLogits = new List<float[]>();
        for (int step = 0; step < fixture.GreedyTokens.Length; step++)
        {
            float[] last;
            using (GradMode.NoGrad()) last = model.Forward([.. ids], 1, ids.Count).Data.AsSpan((ids.Count - 1) * vocab, vocab).ToArray();
            recomputedLogits.Add(last);
            ids.Add(TokenSampler.ArgMax(last));
            recomputed.Add(ids[^1]);
        }
        Assert.Equal(fixture.GreedyTokens, recomputed);

        // with the cache: a prefill, then one token per step; the same logits and tokens
        var cache = model.CreateKvCache();
        var cached = new List<int>();
        float[] next;
        using (GradMode.NoGrad())
        {
            var prefill = model.ForwardIncremental(fixture.Prompt, 1, fixture.Prompt.Length, cache);
            next = prefill.Data.AsSpan((fixture.Prompt.Length - 1) * vocab, vocab).ToArray();
        }
        double maxError = 0;
        for (int step = 0; step < fixture.GreedyTokens.Length; step++)
        {
            maxError = Math.Max(maxError, MaxDifference(next, recomputedLogits[step]));
            cached.Add(TokenSampler.ArgMax(next));
            using (GradMode.NoGrad()) next = model.ForwardIncremental([cached[^1]], 1, 1, cache).Data;
        }
        output.WriteLine($"{backend} {fixtureName}: greedy {string.Join(",", cached)}; cached vs recomputed logits max |Δ| {maxError:E2}");
        Assert.Equal(fixture.GreedyTokens, cached);
        Assert.True(maxError <= 1e-4, $"KV-cache logits differ from the recomputed ones by {maxError:E3}");
        Assert.All(cache.Layers, layer => Assert.Equal(model.Config.KeyValueHeads, layer.Heads)); // the cache holds kv heads only
    }

    [Fact]
    public void The_fixtures_are_read_as_their_model_types()
    {
        var gqa = GptConfigJson.Load(Path.Combine(LlamaFixture.Load("llama-gqa-tied").Directory, "config.json"));
        Assert.Equal(("llama", 4, 2, true, 500000.0), (gqa.ModelType, gqa.Heads, gqa.KeyValueHeads, gqa.TieWeights, gqa.RopeTheta));
        Assert.Equal((FeedForwardType.Gated, ActivationFunction.Silu, NormalizationType.RmsNorm, PositionEmbeddingType.Rotary),
            (gqa.FeedForward, gqa.Activation, gqa.Normalization, gqa.PositionEmbedding));
        var qwen = GptConfigJson.Load(Path.Combine(LlamaFixture.Load("qwen2-bias-bf16").Directory, "config.json"));
        Assert.Equal(("qwen2", true, false, false), (qwen.ModelType, qwen.QkvBias, qwen.AttentionOutputBias, qwen.MlpBias));
        var llama3 = GptConfigJson.Load(Path.Combine(LlamaFixture.Load("llama-mqa-llama3").Directory, "config.json"));
        Assert.Equal(new RopeScaling(RopeScalingType.Llama3, 8, 1, 4, 256), llama3.RopeScaling);
        Assert.Equal(1, llama3.KeyValueHeads);
        var mistral = GptConfigJson.Load(Path.Combine(LlamaFixture.Load("mistral-window").Directory, "config.json"));
        Assert.Equal(("mistral", 4), (mistral.ModelType, mistral.SlidingWindow));
    }

    [Theory]
    [InlineData("llama-gqa-tied")]
    [InlineData("qwen2-bias-bf16")]
    [InlineData("mistral-window")]
    public void Save_writes_the_hugging_face_names_and_config_and_reloads_to_the_same_logits(string fixtureName)
    {
        var fixture = LlamaFixture.Load(fixtureName);
        var model = Load(fixture, "Managed");
        string directory = Path.Combine(Path.GetTempPath(), "llmforge-llama-save-" + Guid.NewGuid().ToString("N"));
        try
        {
            Gpt2Checkpoint.Save(model, directory);
            using (var saved = SafeTensorsFile.Open(Path.Combine(directory, "model.safetensors")))
            using (var original = SafeTensorsFile.Open(Path.Combine(fixture.Directory, "model.safetensors")))
            {
                Assert.Equal(original.Entries.Select(e => e.Name).Order(StringComparer.Ordinal), saved.Entries.Select(e => e.Name).Order(StringComparer.Ordinal));
                foreach (var entry in original.Entries)   // BF16 values are exact in float32: the round trip is exact
                    Assert.Equal(original.ReadFloat32(entry.Name), saved.ReadFloat32(entry.Name));
            }
            Assert.Equal(model.Config, GptConfigJson.Load(Path.Combine(directory, "config.json")));
            var reloaded = Gpt2Checkpoint.Load(directory, TestBackends.Create("Managed"));
            reloaded.Eval();
            using (GradMode.NoGrad())
                Assert.Equal(model.Forward(fixture.Ids, fixture.Batch, fixture.Seq).Data, reloaded.Forward(fixture.Ids, fixture.Batch, fixture.Seq).Data);
        }
        finally
        {
            if (System.IO.Directory.Exists(directory)) System.IO.Directory.Delete(directory, recursive: true);
        }
    }

    private static GptModel Load(LlamaFixture fixture, string backend)
    {
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        model.Eval();
        return model;
    }
}
