using System.Text.Json;
using System.Text.Json.Nodes;
using LlmForge.Checkpoints;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class GptConfigJsonTests
{
    /// <summary>Hugging Face's config.json of "gpt2" (GPT-2 small), with its extra keys LlmForge ignores.</summary>
    private const string HfGpt2Config = """
        {
          "activation_function": "gelu_new",
          "architectures": ["GPT2LMHeadModel"],
          "attn_pdrop": 0.1,
          "bos_token_id": 50256,
          "embd_pdrop": 0.1,
          "eos_token_id": 50256,
          "initializer_range": 0.02,
          "layer_norm_epsilon": 1e-05,
          "model_type": "gpt2",
          "n_ctx": 1024,
          "n_embd": 768,
          "n_head": 12,
          "n_layer": 12,
          "n_positions": 1024,
          "resid_pdrop": 0.1,
          "summary_activation": null,
          "summary_first_dropout": 0.1,
          "summary_proj_to_labels": true,
          "summary_type": "cls_index",
          "summary_use_proj": true,
          "task_specific_params": {"text-generation": {"do_sample": true, "max_length": 50}},
          "vocab_size": 50257
        }
        """;

    private const string Minimal = """{"model_type": "gpt2", "vocab_size": 97, "n_positions": 16, "n_embd": 24, "n_layer": 2, "n_head": 3}""";

    [Fact]
    public void HuggingFaceGpt2Config_ReadsAsGpt2Small()
    {
        Assert.Equal(GptConfig.Gpt2Small, GptConfigJson.Parse(HfGpt2Config));
    }

    [Fact]
    public void ReferenceFixtureConfig_Reads()
    {
        GptConfig config = GptConfigJson.Load(FixturePath.Of("gpt2-tiny", "config.json"));

        Assert.Equal(new GptConfig
        {
            VocabSize = 61, ContextLength = 16, EmbeddingDim = 24, Layers = 2, Heads = 3, InnerDim = 40,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0, InitializerRange = 0.2f,
            BosTokenId = 60, EosTokenId = 60, TieWeights = false,
        }, config);
        Assert.Equal(8, config.HeadDim);
        Assert.Equal(40, config.FeedForwardDim);
    }

    [Fact]
    public void MissingOptionalKeys_TakeHuggingFaceAndLlmForgeDefaults()
    {
        GptConfig config = GptConfigJson.Parse(Minimal);

        Assert.Null(config.InnerDim);
        Assert.Equal(96, config.FeedForwardDim); // n_inner null → 4 · n_embd
        Assert.Equal(ActivationFunction.GeluTanh, config.Activation);
        Assert.Equal(1e-5f, config.LayerNormEpsilon);
        Assert.Equal(0.1f, config.ResidualDropRate);
        Assert.True(config.TieWeights);
        Assert.True(config.QkvBias);
        Assert.Equal(50256, config.EosTokenId);
        Assert.Equal(PositionEmbeddingType.Absolute, config.PositionEmbedding);
        Assert.Equal(10000, config.RopeTheta);
        Assert.Null(config.SlidingWindow);
        Assert.Equal(NormalizationType.LayerNorm, config.Normalization);
    }

    public static TheoryData<GptConfig> Configs() => new()
    {
        GptConfig.Gpt2Small,
        GptConfig.Gpt2XL,
        new GptConfig
        {
            VocabSize = 97, ContextLength = 16, EmbeddingDim = 24, Layers = 2, Heads = 3, InnerDim = 40,
            Activation = ActivationFunction.GeluErf, LayerNormEpsilon = 1.2345678e-6f, EmbeddingDropRate = 0.05f,
            AttentionDropRate = 0.3f, ResidualDropRate = 1f / 3f, InitializerRange = 0.125f, TieWeights = false,
            QkvBias = false, BosTokenId = 1, EosTokenId = 2, PositionEmbedding = PositionEmbeddingType.Rotary,
            RopeTheta = 500000.5, SlidingWindow = 8, Normalization = NormalizationType.RmsNorm,
        },
        new GptConfig { VocabSize = 97, ContextLength = 16, EmbeddingDim = 24, Layers = 2, Heads = 3, Activation = ActivationFunction.Relu },
        new GptConfig { VocabSize = 97, ContextLength = 16, EmbeddingDim = 24, Layers = 2, Heads = 3, Activation = ActivationFunction.Silu },
        new GptConfig
        {
            VocabSize = 97, ContextLength = 16, EmbeddingDim = 24, Layers = 2, Heads = 3, InnerDim = 64,
            Activation = ActivationFunction.Silu, FeedForward = FeedForwardType.Gated,
        },
        new GptConfig
        {
            VocabSize = 97, ContextLength = 16, EmbeddingDim = 24, Layers = 2, Heads = 3,
            Activation = ActivationFunction.GeluErf, FeedForward = FeedForwardType.Gated, Normalization = NormalizationType.RmsNorm,
        },
    };

    [Fact]
    public void A_plain_MLP_writes_no_feed_forward_key_and_ReLU_or_SiLU_stay_Hugging_Face_GPT2()
    {
        foreach (var activation in new[] { ActivationFunction.GeluTanh, ActivationFunction.GeluErf, ActivationFunction.Relu, ActivationFunction.Silu })
        {
            JsonObject json = JsonNode.Parse(GptConfigJson.ToJson(GptConfig.Gpt2Small with { Activation = activation }))!.AsObject();
            Assert.False(json.ContainsKey("feed_forward"), $"{activation}: {json}");
            Assert.Equal("gpt2", (string?)json["model_type"]); // transformers' GPT-2 computes relu and silu (ACT2FN)
            Assert.Equal(ActivationFunctions.Name(activation), (string?)json["activation_function"]);
        }
    }

    [Theory]
    [InlineData(ActivationFunction.Silu, "silu")]
    [InlineData(ActivationFunction.GeluErf, "gelu")]
    public void A_gated_feed_forward_is_recorded_and_labelled_llmforge_gpt(ActivationFunction activation, string written)
    {
        var config = GptConfig.Gpt2Small with { FeedForward = FeedForwardType.Gated, Activation = activation, InnerDim = 2048 };
        JsonObject json = JsonNode.Parse(GptConfigJson.ToJson(config))!.AsObject();
        Assert.Equal("gated", (string?)json["feed_forward"]);
        Assert.Equal(written, (string?)json["activation_function"]);
        Assert.Equal("llmforge-gpt", (string?)json["model_type"]); // transformers' GPT-2 has no gated MLP
        Assert.Equal(config, GptConfigJson.Parse(json.ToJsonString()));
    }

    [Fact]
    public void Swish_reads_as_silu_and_is_written_silu()
    {
        JsonObject json = JsonNode.Parse(Minimal)!.AsObject();
        json["activation_function"] = "swish";
        var config = GptConfigJson.Parse(json.ToJsonString());
        Assert.Equal(ActivationFunction.Silu, config.Activation);
        Assert.Equal("silu", (string?)JsonNode.Parse(GptConfigJson.ToJson(config))!["activation_function"]);
    }

    [Theory]
    [MemberData(nameof(Configs))]
    public void SaveThenLoad_RoundTripsEveryProperty(GptConfig config)
    {
        using var dir = new TempDirectory();
        string path = dir.File("config.json");

        GptConfigJson.Save(config, path);

        Assert.Equal(config, GptConfigJson.Load(path));
        Assert.Equal(["config.json"], dir.FileNames());
    }

    [Fact]
    public void ToJson_WritesHuggingFaceKeysAndLlmForgeExtensions()
    {
        JsonObject json = JsonNode.Parse(GptConfigJson.ToJson(GptConfig.Gpt2Small))!.AsObject();

        Assert.Equal("gpt2", (string?)json["model_type"]);
        Assert.Equal("GPT2LMHeadModel", (string?)json["architectures"]![0]);
        Assert.Equal(768, (int?)json["n_embd"]);
        Assert.Equal(1024, (int?)json["n_positions"]);
        Assert.Null(json["n_inner"]);
        Assert.True(json.ContainsKey("n_inner"));
        Assert.Equal("gelu_new", (string?)json["activation_function"]);
        Assert.Equal(1e-5, (double)json["layer_norm_epsilon"]!, 1e-12);
        Assert.True((bool?)json["tie_word_embeddings"]);
        Assert.True((bool?)json["qkv_bias"]);
        Assert.Equal("absolute", (string?)json["position_embedding_type"]);
        Assert.Equal("layernorm", (string?)json["normalization"]);
        Assert.Null(json["sliding_window"]);
        Assert.Equal(10000, (double)json["rope_theta"]!);
    }

    [Theory]
    [InlineData("model_type")]
    [InlineData("vocab_size")]
    [InlineData("n_positions")]
    [InlineData("n_embd")]
    [InlineData("n_layer")]
    [InlineData("n_head")]
    public void MissingRequiredKey_ErrorNamesFileAndKey(string key)
    {
        JsonObject json = JsonNode.Parse(Minimal)!.AsObject();
        json.Remove(key);

        var error = Assert.Throws<CheckpointFormatException>(() => GptConfigJson.Parse(json.ToJsonString(), "/models/x/config.json"));

        Assert.Equal("/models/x/config.json", error.FilePath);
        Assert.Equal($"/models/x/config.json: required key \"{key}\" is missing.", error.Message);
    }

    [Theory]
    [InlineData("n_embd", "\"24\"", "an integer")]
    [InlineData("n_layer", "2.5", "an integer")]
    [InlineData("n_inner", "true", "an integer")]
    [InlineData("tie_word_embeddings", "1", "true or false")]
    [InlineData("layer_norm_epsilon", "\"1e-5\"", "a number")]
    [InlineData("model_type", "2", "a string")]
    [InlineData("normalization", "[]", "a string")]
    public void WrongType_ErrorNamesFileAndKey(string key, string value, string expected)
    {
        JsonObject json = JsonNode.Parse(Minimal)!.AsObject();
        json[key] = JsonNode.Parse(value);

        var error = Assert.Throws<CheckpointFormatException>(() => GptConfigJson.Parse(json.ToJsonString(), "cfg.json"));

        Assert.StartsWith($"cfg.json: key \"{key}\" must be {expected}, got {value}", error.Message);
    }

    [Theory]
    [InlineData("n_embd", "25", "EmbeddingDim (n_embd) 25 must be divisible by Heads (n_head) 3")]
    [InlineData("n_head", "0", "Heads (n_head) must be positive, got 0")]
    [InlineData("n_layer", "-1", "Layers (n_layer) must be positive")]
    [InlineData("n_inner", "0", "InnerDim (n_inner) must be positive")]
    [InlineData("resid_pdrop", "1.5", "ResidualDropRate (resid_pdrop) must be in [0, 1)")]
    [InlineData("layer_norm_epsilon", "0", "LayerNormEpsilon (layer_norm_epsilon) must be positive")]
    [InlineData("sliding_window", "0", "SlidingWindow (sliding_window) must be positive")]
    [InlineData("rope_theta", "-1", "RopeTheta (rope_theta) must be positive")]
    [InlineData("model_type", "\"bert\"", "key \"model_type\" is \"bert\"")]
    [InlineData("activation_function", "\"quick_gelu\"", "key \"activation_function\" is \"quick_gelu\", which is not supported (expected one of: \"gelu_new\", \"gelu_pytorch_tanh\", \"gelu_fast\", \"gelu\", \"relu\", \"silu\", \"swish\")")]
    [InlineData("feed_forward", "\"moe\"", "key \"feed_forward\" is \"moe\", which is not supported (expected one of: \"mlp\", \"gated\")")]
    [InlineData("position_embedding_type", "\"alibi\"", "key \"position_embedding_type\" is \"alibi\"")]
    [InlineData("normalization", "\"batchnorm\"", "key \"normalization\" is \"batchnorm\"")]
    [InlineData("scale_attn_by_inverse_layer_idx", "true", "key \"scale_attn_by_inverse_layer_idx\" is true, which is not supported")]
    [InlineData("scale_attn_weights", "false", "key \"scale_attn_weights\" is false, which is not supported")]
    [InlineData("add_cross_attention", "true", "key \"add_cross_attention\" is true")]
    public void InvalidValue_ErrorNamesFileAndKey(string key, string value, string expected)
    {
        JsonObject json = JsonNode.Parse(Minimal)!.AsObject();
        json[key] = JsonNode.Parse(value);

        var error = Assert.Throws<CheckpointFormatException>(() => GptConfigJson.Parse(json.ToJsonString(), "cfg.json"));

        Assert.StartsWith("cfg.json: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData("absolute", PositionEmbeddingType.Absolute, "absolute")]
    [InlineData("sinusoidal", PositionEmbeddingType.Sinusoidal, "sinusoidal")]
    [InlineData("rotary", PositionEmbeddingType.Rotary, "rotary")]
    [InlineData("rope", PositionEmbeddingType.Rotary, "rotary")] // LlmForge's earlier spelling, still read
    public void PositionEmbeddingType_ReadsEachNameAndWritesTheIssueSpelling(string name, PositionEmbeddingType expected, string written)
    {
        JsonObject json = JsonNode.Parse(Minimal)!.AsObject();
        json["position_embedding_type"] = name;
        json["rope_theta"] = 500.0;
        json["sliding_window"] = 3;
        json["normalization"] = "rmsnorm";

        var config = GptConfigJson.Parse(json.ToJsonString());

        Assert.Equal(expected, config.PositionEmbedding);
        Assert.Equal((500.0, 3, NormalizationType.RmsNorm), (config.RopeTheta, config.SlidingWindow, config.Normalization));
        JsonObject back = JsonNode.Parse(GptConfigJson.ToJson(config))!.AsObject();
        Assert.Equal(written, (string?)back["position_embedding_type"]);
        Assert.Equal("rmsnorm", (string?)back["normalization"]);
        Assert.Equal(config, GptConfigJson.Parse(back.ToJsonString()));
    }

    [Fact]
    public void SupportedAliases_AreAccepted()
    {
        JsonObject json = JsonNode.Parse(Minimal)!.AsObject();
        json["activation_function"] = "gelu_pytorch_tanh";
        json["scale_attn_weights"] = true;
        json["n_inner"] = null;
        Assert.Equal(ActivationFunction.GeluTanh, GptConfigJson.Parse(json.ToJsonString()).Activation);

        json["activation_function"] = "gelu";
        Assert.Equal(ActivationFunction.GeluErf, GptConfigJson.Parse(json.ToJsonString()).Activation);
    }

    [Fact]
    public void NotJson_ErrorNamesTheFile()
    {
        using var dir = new TempDirectory();
        string path = dir.File("config.json");
        File.WriteAllText(path, "{ \"n_embd\": 768,");

        var error = Assert.Throws<CheckpointFormatException>(() => GptConfigJson.Load(path));
        Assert.StartsWith(path + ": not valid JSON", error.Message);
    }

    [Fact]
    public void SavingAnInvalidConfig_IsRefused_AndWritesNothing()
    {
        using var dir = new TempDirectory();
        var error = Assert.Throws<ArgumentException>(() => GptConfigJson.Save(new GptConfig { Heads = 5 }, dir.File("config.json")));
        Assert.Contains("n_head", error.Message);
        Assert.Empty(dir.FileNames());
    }
}
