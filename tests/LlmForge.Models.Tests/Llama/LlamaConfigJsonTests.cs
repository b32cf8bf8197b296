using LlmForge.Checkpoints;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Llama;

/// <summary>Hugging Face Llama / Qwen2 / Mistral config.json ↔ <see cref="GptConfig"/>, and the one-line errors of what is not supported.</summary>
public class LlamaConfigJsonTests
{
    // SmolLM2-135M's config.json keys (the values its Hugging Face repository ships)
    private const string SmolLm2 = """
        {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 49152, "hidden_size": 576,
         "intermediate_size": 1536, "num_hidden_layers": 30, "num_attention_heads": 9, "num_key_value_heads": 3,
         "hidden_act": "silu", "max_position_embeddings": 8192, "rms_norm_eps": 1e-05, "rope_theta": 100000,
         "rope_scaling": null, "tie_word_embeddings": true, "attention_bias": false, "mlp_bias": false,
         "bos_token_id": 0, "eos_token_id": 0, "head_dim": 64, "pretraining_tp": 1, "use_cache": true, "torch_dtype": "bfloat16"}
        """;

    [Fact]
    public void SmolLM2_reads_as_a_tied_grouped_query_llama_and_writes_back_the_same()
    {
        var config = GptConfigJson.Parse(SmolLm2);
        Assert.Equal(("llama", 49152, 576, 1536, 30, 9, 3, 8192), (config.ModelType, config.VocabSize, config.EmbeddingDim,
            config.FeedForwardDim, config.Layers, config.Heads, config.KeyValueHeads, config.ContextLength));
        Assert.Equal((1e-5f, 100000.0, true, false, false, false, 0, 0), (config.LayerNormEpsilon, config.RopeTheta, config.TieWeights,
            config.QkvBias, config.AttentionOutputBias, config.MlpBias, config.BosTokenId, config.EosTokenId));
        Assert.Equal(RotaryConvention.RotateHalf, config.RopeConvention);
        Assert.Null(config.RopeScaling);
        Assert.Equal(config, GptConfigJson.Parse(GptConfigJson.ToJson(config)));
        Assert.Contains("\"LlamaForCausalLM\"", GptConfigJson.ToJson(config));
    }

    [Fact]
    public void Llama3_scaling_an_eos_list_and_attention_bias_are_read()
    {
        var config = GptConfigJson.Parse(SmolLm2.Replace("\"rope_scaling\": null", """
            "rope_scaling": {"factor": 32.0, "high_freq_factor": 4.0, "low_freq_factor": 1.0, "original_max_position_embeddings": 8192, "rope_type": "llama3"}
            """).Replace("\"eos_token_id\": 0", "\"eos_token_id\": [128001, 128008, 128009]").Replace("\"vocab_size\": 49152", "\"vocab_size\": 128256")
            .Replace("\"attention_bias\": false", "\"attention_bias\": true"));
        Assert.Equal(new RopeScaling(RopeScalingType.Llama3, 32, 1, 4, 8192), config.RopeScaling);
        Assert.Equal(128001, config.EosTokenId);
        Assert.True(config.QkvBias && config.AttentionOutputBias);
        Assert.Equal(config, GptConfigJson.Parse(GptConfigJson.ToJson(config)));
    }

    [Theory]
    [InlineData("\"model_type\": \"llama\"", "\"model_type\": \"gemma\"", "key \"model_type\" is \"gemma\"")]
    [InlineData("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"yarn\", \"factor\": 4}", "key \"rope_scaling.rope_type\" is \"yarn\", which is not supported")]
    [InlineData("\"rope_scaling\": null", "\"rope_scaling\": {\"type\": \"dynamic\", \"factor\": 4}", "key \"rope_scaling.type\" is \"dynamic\"")]
    [InlineData("\"rope_scaling\": null", "\"rope_scaling\": {\"rope_type\": \"llama3\", \"factor\": 8}", "rope_scaling.low_freq_factor must be positive")]
    [InlineData("\"head_dim\": 64", "\"head_dim\": 128", "key \"head_dim\" is 128 but hidden_size / num_attention_heads is 576 / 9")]
    [InlineData("\"num_key_value_heads\": 3", "\"num_key_value_heads\": 4", "KvHeads (num_key_value_heads) 4 must be positive and divide Heads (n_head) 9")]
    [InlineData("\"hidden_act\": \"silu\"", "\"hidden_act\": \"relu2\"", "key \"hidden_act\" is \"relu2\", which is not supported")]
    public void An_unsupported_value_is_one_line_naming_the_key_and_value(string key, string replacement, string message)
    {
        Assert.Contains(key, SmolLm2);
        var e = Assert.Throws<CheckpointFormatException>(() => GptConfigJson.Parse(SmolLm2.Replace(key, replacement)));
        Assert.Contains(message, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Qwen2_biases_q_k_v_only_and_mistral_keeps_its_window()
    {
        var qwen = GptConfigJson.Parse(SmolLm2.Replace("\"model_type\": \"llama\"", "\"model_type\": \"qwen2\""));
        Assert.Equal((true, false), (qwen.QkvBias, qwen.AttentionOutputBias));
        Assert.DoesNotContain("attention_bias", GptConfigJson.ToJson(qwen));
        Assert.Equal(qwen, GptConfigJson.Parse(GptConfigJson.ToJson(qwen)));
        var mistral = GptConfigJson.Parse(SmolLm2.Replace("\"model_type\": \"llama\"", "\"model_type\": \"mistral\", \"sliding_window\": 4096"));
        Assert.Equal(4096, mistral.SlidingWindow);
        Assert.Equal(mistral, GptConfigJson.Parse(GptConfigJson.ToJson(mistral)));
        Assert.Null(GptConfigJson.Parse(SmolLm2.Replace("\"use_cache\": true", "\"sliding_window\": 4096")).SlidingWindow); // llama has none
    }

    [Fact]
    public void The_gpt2_layout_refuses_what_only_the_llama_layout_stores()
    {
        var gpt = new GptConfig { VocabSize = 50, EmbeddingDim = 32, Heads = 4, Layers = 1 };
        Assert.Contains("needs the Llama layout", (gpt with { KvHeads = 2 }).FindError());
        Assert.Contains("needs the Llama layout", (gpt with { AttentionOutputBias = false }).FindError());
        Assert.Contains("needs Normalization rmsnorm", (gpt with { ModelType = "llama" }).FindError());
        Assert.Null((gpt with { KvHeads = 4 }).FindError()); // as many kv heads as heads is plain multi-head attention
    }
}
