using LlmForge.Backends;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class BertConfigJsonTests
{
    private const string BertBaseUncased = """
        {
          "architectures": ["BertForMaskedLM"], "attention_probs_dropout_prob": 0.1, "gradient_checkpointing": false,
          "hidden_act": "gelu", "hidden_dropout_prob": 0.1, "hidden_size": 768, "initializer_range": 0.02,
          "intermediate_size": 3072, "layer_norm_eps": 1e-12, "max_position_embeddings": 512, "model_type": "bert",
          "num_attention_heads": 12, "num_hidden_layers": 12, "pad_token_id": 0, "position_embedding_type": "absolute",
          "transformers_version": "4.6.0.dev0", "type_vocab_size": 2, "use_cache": true, "vocab_size": 30522
        }
        """;

    [Fact]
    public void Parses_bert_base_uncased()
    {
        var config = BertConfigJson.Parse(BertBaseUncased);
        Assert.Equal(BertConfig.BertBase with { Labels = config.Labels }, config);
        Assert.Empty(config.Labels);
        Assert.Equal(GeluApproximation.Erf, config.Activation);
    }

    [Fact]
    public void Round_trips_every_key_with_labels_and_pre_ln()
    {
        var config = new BertConfig
        {
            VocabSize = 50, HiddenSize = 24, Layers = 2, Heads = 3, IntermediateSize = 40, MaxPositions = 16, TypeVocabSize = 3,
            LayerNormEpsilon = 1e-6f, Activation = GeluApproximation.Tanh, HiddenDropRate = 0.2f, AttentionDropRate = 0f,
            ClassifierDropRate = 0.3f, InitializerRange = 0.1f, PadTokenId = 4, NormPosition = LayerNormPosition.Pre,
            Labels = ["neg", "pos"],
        };
        string json = BertConfigJson.ToJson(config, "BertForSequenceClassification");
        var parsed = BertConfigJson.Parse(json);
        Assert.Equal(config with { Labels = [] }, parsed with { Labels = [] });
        Assert.Equal(config.Labels, parsed.Labels);
        Assert.Contains("\"label2id\"", json);
        Assert.Contains("\"layer_norm_position\": \"pre\"", json);
    }

    [Theory]
    [InlineData("""{"model_type": "gpt2"}""", "key \"model_type\" is \"gpt2\"")]
    [InlineData("""{"model_type": "bert", "vocab_size": 10}""", "required key \"hidden_size\" is missing")]
    [InlineData("""{"model_type": "bert", "vocab_size": 10, "hidden_size": "8", "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "max_position_embeddings": 4}""", "key \"hidden_size\" must be an integer")]
    [InlineData("""{"model_type": "bert", "vocab_size": 10, "hidden_size": 9, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "max_position_embeddings": 4}""", "(hidden_size) 9 must be divisible")]
    [InlineData("""{"model_type": "bert", "is_decoder": true, "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "max_position_embeddings": 4}""", "key \"is_decoder\" is true")]
    [InlineData("""{"model_type": "bert", "position_embedding_type": "relative_key", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "max_position_embeddings": 4}""", "\"relative_key\"")]
    [InlineData("""{"model_type": "bert", "hidden_act": "relu", "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "max_position_embeddings": 4}""", "key \"hidden_act\" is \"relu\"")]
    [InlineData("""{"model_type": "bert", "id2label": {"0": "a", "2": "b"}, "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "max_position_embeddings": 4}""", "key \"id2label\" must number its classes 0 … 1")]
    [InlineData("""{"model_type": "bert", "pad_token_id": 10, "vocab_size": 10, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2, "intermediate_size": 4, "max_position_embeddings": 4}""", "(pad_token_id) 10 must be in [0, vocab_size 10)")]
    [InlineData("""[]""", "must be a JSON object")]
    public void Errors_name_the_source_and_key(string json, string expected)
    {
        var e = Assert.Throws<CheckpointFormatException>(() => BertConfigJson.Parse(json, "dir/config.json"));
        Assert.StartsWith("dir/config.json: ", e.Message);
        Assert.Contains(expected, e.Message);
    }
}
