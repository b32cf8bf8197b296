using System.Globalization;
using System.Text.Json;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>llmforge train --variant X</c> for every variant appsettings.json ships, through the CLI entry point: two
/// steps each (a --config overlay makes batches and evaluation tiny, and gpt2-small one short layer, since only
/// the selection is under test here; its full shape is checked in ModelFactoryTests). The saved config.json carries
/// the variant's position_embedding_type, normalization, sliding_window and rope_theta, and reloads as that model.
/// </summary>
public sealed class TrainVariantTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "llmforge-variant-" + Guid.NewGuid().ToString("N"));

    public TrainVariantTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    /// <summary>(variant, position_embedding_type, normalization, sliding_window or null; null position type = BERT).</summary>
    public static TheoryData<string, string, string, int?> Variants => new()
    {
        { "gpt-char", "absolute", "layernorm", null },
        { "gpt2-small", "absolute", "layernorm", null },
        { "gpt-rope", "rotary", "layernorm", null },
        { "gpt-rope-sink", "rotary", "layernorm", null },
        { "gpt-rope-sink-8h", "rotary", "layernorm", null },
        { "gpt-rope-sink-16h", "rotary", "layernorm", null },
        { "gpt-sinusoidal", "sinusoidal", "layernorm", null },
        { "gpt-rope-sliding-window", "rotary", "layernorm", 16 },
        { "gpt-rmsnorm", "absolute", "rmsnorm", null },
        { "gpt-swiglu", "absolute", "layernorm", null },
        { "bert-mini", "absolute", "layernorm", null },
    };

    [Theory, MemberData(nameof(Variants))]
    public void Train_variant_runs_two_steps_and_saves_a_config_that_reloads(string variant, string positions, string norm, int? window)
    {
        string model = Path.Combine(dir, variant);
        var (code, stdout, stderr) = Cli.Run("train", "--variant", variant, "--steps", "2", "--corpus", Corpus(), "--out", model,
            "--config", TinyOverlay(), "--seed", "3");
        Assert.True(code == 0, stderr);
        Assert.Contains($"variant {variant}: ", stderr);
        string last = stdout.TrimEnd().Split('\n')[^1];
        Assert.StartsWith("val_loss=", last);
        Assert.True(double.IsFinite(double.Parse(last["val_loss=".Length..], CultureInfo.InvariantCulture)), last);

        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json")));
        var root = json.RootElement;
        Assert.Equal(positions, root.GetProperty("position_embedding_type").GetString());
        Assert.Equal(norm, root.GetProperty("normalization").GetString());
        Assert.Equal(10000, root.GetProperty("rope_theta").GetDouble());
        if (variant.StartsWith("bert", StringComparison.Ordinal))
        {
            var bert = BertCheckpoint.Load(model, new ManagedBackend());
            Assert.Equal((128, 4, 4, 512), (bert.Config.HiddenSize, bert.Config.Layers, bert.Config.Heads, bert.Config.IntermediateSize));
            Assert.Contains("masked-token loss:", stdout);
            return;
        }
        var sliding = root.GetProperty("sliding_window");
        Assert.Equal(window, sliding.ValueKind == JsonValueKind.Null ? null : sliding.GetInt32());
        var gpt = Gpt2Checkpoint.Load(model, new ManagedBackend());
        Assert.Equal((positions == "absolute" ? "learned" : positions, norm, window is null ? "scaled-dot" : "sliding-window"),
            (gpt.Components.PositionalEncoding.Name, gpt.Components.Normalization.Name, gpt.Components.Attention.Name));
        Assert.Equal(variant == "gpt2-small" ? 768 : 128, gpt.Config.EmbeddingDim);
        Assert.Equal(variant.Contains("-sink", StringComparison.Ordinal), gpt.Config.SinkToken);
        Assert.Equal(variant switch { "gpt-rope-sink-16h" => 16, "gpt-rope-sink-8h" => 8, "gpt2-small" => 12, _ => 4 }, gpt.Config.Heads);
    }

    [Fact]
    public void The_swiglu_variant_saves_a_gated_feed_forward_that_reloads_as_one()
    {
        string model = Path.Combine(dir, "swiglu");
        var (code, _, stderr) = Cli.Run("train", "--variant", "gpt-swiglu", "--steps", "2", "--corpus", Corpus(), "--out", model,
            "--config", TinyOverlay(), "--seed", "3");
        Assert.True(code == 0, stderr);
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json")));
        var root = json.RootElement;
        Assert.Equal(("gated", "silu", 340, "llmforge-gpt"), (root.GetProperty("feed_forward").GetString(),
            root.GetProperty("activation_function").GetString(), root.GetProperty("n_inner").GetInt32(), root.GetProperty("model_type").GetString()));
        var gpt = Gpt2Checkpoint.Load(model, new ManagedBackend());
        var ff = Assert.IsType<LlmForge.Layers.GatedFeedForward>(gpt.Blocks[0].FeedForward);
        Assert.Equal((LlmForge.Layers.ActivationFunction.Silu, 340), (ff.Activation, ff.HiddenDim));
    }

    [Fact]
    public void The_llama_variant_saves_a_hugging_face_llama_directory_that_info_and_generate_read()
    {
        string model = Path.Combine(dir, "llama");
        var (code, _, stderr) = Cli.Run("train", "--variant", "llama-mini", "--steps", "2", "--corpus", Corpus(), "--out", model,
            "--config", TinyOverlay(), "--seed", "3");
        Assert.True(code == 0, stderr);
        Assert.Contains("variant llama-mini: llama, attention scaled-dot, positions rotary, normalization rmsnorm", stderr);
        using (var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json"))))
        {
            var root = json.RootElement;
            Assert.Equal(("llama", 4, 2, 392, false), (root.GetProperty("model_type").GetString(), root.GetProperty("num_attention_heads").GetInt32(),
                root.GetProperty("num_key_value_heads").GetInt32(), root.GetProperty("intermediate_size").GetInt32(), root.GetProperty("tie_word_embeddings").GetBoolean()));
        }
        using (var weights = SafeTensorsFile.Open(Path.Combine(model, "model.safetensors")))
        {
            Assert.Equal([64, 128], weights.Entries.Single(e => e.Name == "model.layers.0.self_attn.k_proj.weight").Shape);
            Assert.Contains(weights.Entries, e => e.Name == "lm_head.weight");
        }

        (code, var info, stderr) = Cli.Run("info", "--model", model);
        Assert.True(code == 0, stderr);
        Assert.Contains("kv_heads       2 (num_key_value_heads, grouped-query)", info);
        Assert.Contains("model.safetensors matches config.json", info);
        string[] Generate(params string[] extra)
        {
            var (c, output, error) = Cli.Run(["generate", "--model", model, "--prompt-ids", "1,2,3", "--max-new-tokens", "6", "--temperature", "0", "--output-ids", .. extra]);
            Assert.True(c == 0, error);
            return [output.Trim()];
        }
        Assert.Equal(Generate(), Generate("--no-kv-cache"));
        Assert.Equal(Generate(), Generate("--backend", "mkl"));
    }

    [Fact]
    public void The_default_variant_is_gpt_char()
    {
        var (code, _, stderr) = Cli.Run("train", "--steps", "1", "--corpus", Corpus(), "--out", Path.Combine(dir, "m"), "--config", TinyOverlay());
        Assert.True(code == 0, stderr);
        Assert.Contains("variant gpt-char: gpt, attention scaled-dot, positions learned, normalization layernorm", stderr);
    }

    [Fact]
    public void The_configured_default_variant_is_used_and_the_flag_overrides_it()
    {
        string overlay = Write("variant.json", """{ "LlmForge": { "Variant": "gpt-rmsnorm", "Training": { "BatchSize": 2, "EvalBatches": 1 } } }""");
        var (code, _, stderr) = Cli.Run("train", "--steps", "1", "--corpus", Corpus(), "--out", Path.Combine(dir, "a"), "--config", overlay);
        Assert.True(code == 0, stderr);
        Assert.Contains("variant gpt-rmsnorm:", stderr);

        (code, _, stderr) = Cli.Run("train", "--steps", "1", "--corpus", Corpus(), "--out", Path.Combine(dir, "b"), "--config", overlay, "--variant", "gpt-rope");
        Assert.True(code == 0, stderr);
        Assert.Contains("variant gpt-rope:", stderr);
    }

    [Fact]
    public void The_backend_flag_overrides_the_configured_backend()
    {
        string overlay = Write("mkl.json", """{ "LlmForge": { "Backend": "Mkl", "Training": { "BatchSize": 2, "EvalBatches": 1 } } }""");
        var (code, _, stderr) = Cli.Run("train", "--steps", "1", "--corpus", Corpus(), "--out", Path.Combine(dir, "a"), "--config", overlay);
        Assert.True(code == 0, stderr);
        Assert.Contains("backend Mkl", stderr);

        (code, _, stderr) = Cli.Run("train", "--steps", "1", "--corpus", Corpus(), "--out", Path.Combine(dir, "b"), "--config", overlay, "--backend", "managed");
        Assert.True(code == 0, stderr);
        Assert.Contains("backend Managed", stderr);
    }

    [Fact]
    public void A_bad_configuration_is_a_user_error_naming_the_key()
    {
        string overlay = Write("bad.json", """{ "LlmForge": { "Variants": { "gpt-rope": { "Heads": 3 } } } }""");
        var (code, _, stderr) = Cli.Run("train", "--steps", "1", "--corpus", Corpus(), "--config", overlay);
        Assert.Equal(1, code);
        Assert.Contains("LlmForge:Variants:gpt-rope:Heads 3 must divide EmbeddingDim 128", stderr);
    }

    [Fact]
    public void Unknown_variant_and_backend_names_list_the_valid_ones()
    {
        var (code, _, stderr) = Cli.Run("train", "--steps", "1", "--corpus", Corpus(), "--variant", "gpt-9");
        Assert.Equal(2, code);
        Assert.Contains("LlmForge:Variant: unknown variant 'gpt-9'; valid values: bert-mini, gpt-char,", stderr);

        (code, _, stderr) = Cli.Run("train", "--steps", "1", "--corpus", Corpus(), "--backend", "cuda");
        Assert.Equal(2, code);
        Assert.Contains("LlmForge:Backend: unknown backend 'cuda'; valid values: Managed, Mkl", stderr);
    }

    private string Corpus()
    {
        string path = Path.Combine(dir, "corpus.txt");
        if (!File.Exists(path))
            File.WriteAllText(path, string.Concat(Enumerable.Repeat("to be or not to be, that is the question.\n", 200)));
        return path;
    }

    /// <summary>Only the keys it changes: tiny batches and evaluation, and a gpt2-small of one short layer.</summary>
    private string TinyOverlay() => Write("tiny.json", """
        {
          "LlmForge": {
            "Training": { "BatchSize": 2, "EvalBatches": 1, "LogInterval": 1 },
            "Variants": { "gpt2-small": { "ContextLength": 16, "Layers": 1 } }
          }
        }
        """);

    private string Write(string name, string text)
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }
}
