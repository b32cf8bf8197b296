using System.Text.Json.Nodes;
using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>
/// JSON null in a config.json is the key's absence, for every key of both configs (Hugging Face writes
/// "n_inner": null, "rope_scaling": null): an optional key takes its default, a required one is "missing".
/// </summary>
public class ConfigJsonNullTests
{
    private static readonly string GptJson = GptConfigJson.ToJson(new GptConfig
    {
        VocabSize = 11, ContextLength = 8, EmbeddingDim = 8, Layers = 2, Heads = 2, InnerDim = 12,
        PositionEmbedding = PositionEmbeddingType.Rotary, SlidingWindow = 4, Normalization = NormalizationType.RmsNorm,
        BosTokenId = 1, EosTokenId = 2,
    });

    private static readonly string BertJson = BertConfigJson.ToJson(new BertConfig
    {
        VocabSize = 20, HiddenSize = 8, Layers = 1, Heads = 2, IntermediateSize = 12, MaxPositions = 8,
        ClassifierDropRate = 0.2f, Labels = ["a", "b"], NormPosition = LayerNormPosition.Pre,
    }, "BertForSequenceClassification");

    private static readonly string[] GptRequired = ["model_type", "vocab_size", "n_positions", "n_embd", "n_layer", "n_head"];

    private static readonly string[] BertRequired =
        ["model_type", "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads", "intermediate_size", "max_position_embeddings"];

    public static TheoryData<string> GptKeys => [.. JsonNode.Parse(GptJson)!.AsObject().Select(p => p.Key)];

    public static TheoryData<string> BertKeys => [.. JsonNode.Parse(BertJson)!.AsObject().Select(p => p.Key)];

    private static (string WithNull, string Without) Variants(string json, string key)
    {
        var withNull = JsonNode.Parse(json)!.AsObject();
        withNull[key] = null;
        var without = JsonNode.Parse(json)!.AsObject();
        without.Remove(key);
        return (withNull.ToJsonString(), without.ToJsonString());
    }

    [Theory, MemberData(nameof(GptKeys))]
    public void Gpt_null_is_the_same_as_absent(string key)
    {
        var (withNull, without) = Variants(GptJson, key);
        if (GptRequired.Contains(key))
        {
            var e = Assert.Throws<CheckpointFormatException>(() => GptConfigJson.Parse(withNull, "c.json"));
            Assert.Equal($"c.json: required key \"{key}\" is missing.", e.Message);
        }
        else
        {
            Assert.Equal(GptConfigJson.Parse(without), GptConfigJson.Parse(withNull));
        }
    }

    [Theory, MemberData(nameof(BertKeys))]
    public void Bert_null_is_the_same_as_absent(string key)
    {
        var (withNull, without) = Variants(BertJson, key);
        if (BertRequired.Contains(key))
        {
            var e = Assert.Throws<CheckpointFormatException>(() => BertConfigJson.Parse(withNull, "c.json"));
            Assert.Equal($"c.json: required key \"{key}\" is missing.", e.Message);
        }
        else
        {
            var expected = BertConfigJson.Parse(without);
            var actual = BertConfigJson.Parse(withNull);
            Assert.Equal(expected.Labels, actual.Labels); // a list: compared by its items, the rest by the record
            Assert.Equal(expected with { Labels = [] }, actual with { Labels = [] });
        }
    }

    [Fact]
    public void Every_key_is_covered()
    {
        // the rotary/RMSNorm/windowed GPT and the pre-LN classifier BERT write every key their readers know
        Assert.Contains("sliding_window", GptJson);
        Assert.Contains("rope_theta", GptJson);
        Assert.Contains("n_inner", GptJson);
        Assert.Contains("id2label", BertJson);
        Assert.Contains("classifier_dropout", BertJson);
        Assert.Contains("layer_norm_position", BertJson);
    }
}
