using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Gpt;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>config.json's "llmforge" key: the kinds by name, written only when the Hugging Face keys cannot say them.</summary>
public class ComponentKindsJsonTests
{
    private const string Minimal = """{"model_type": "llmforge-gpt", "vocab_size": 13, "n_positions": 8, "n_embd": 8, "n_layer": 1, "n_head": 2""";

    private static readonly GptConfig Small = new() { VocabSize = 13, ContextLength = 8, EmbeddingDim = 8, Layers = 1, Heads = 2 };

    [Fact]
    public void Kinds_round_trip_and_make_the_config_llmforge_gpt()
    {
        var config = Small with { Kinds = new ComponentKindNames("my-attn", "rotary", "my-norm") };
        string json = GptConfigJson.ToJson(config);

        Assert.Contains("\"model_type\": \"llmforge-gpt\"", json);
        Assert.Contains("\"llmforge\": {", json);
        Assert.Equal(config.Kinds, GptConfigJson.Parse(json).Kinds);
        Assert.Equal(config.Kinds, BertConfigJson.Parse(BertConfigJson.ToJson(new BertConfig
        {
            VocabSize = 13, HiddenSize = 8, Layers = 1, Heads = 2, IntermediateSize = 8, MaxPositions = 8, Kinds = config.Kinds,
        })).Kinds);
    }

    [Fact]
    public void A_config_without_kinds_is_written_as_before()
    {
        string json = GptConfigJson.ToJson(Small);
        Assert.DoesNotContain("llmforge\"", json);
        Assert.Contains("\"model_type\": \"gpt2\"", json);
        Assert.Null(GptConfigJson.Parse(json).Kinds);
    }

    [Theory]
    [InlineData("\"llmforge\": 3", "key \"llmforge\" must be an object")]
    [InlineData("\"llmforge\": {\"attention\": {\"kind\": \"a\"}, \"positional_encoding\": {\"kind\": \"learned\"}}", "required key \"llmforge.normalization\" is missing")]
    [InlineData("\"llmforge\": {\"attention\": {\"kind\": 1}, \"positional_encoding\": {\"kind\": \"learned\"}, \"normalization\": {\"kind\": \"x\"}}", "key \"llmforge.attention.kind\" must be a string")]
    [InlineData("\"llmforge\": {\"attention\": {\"kind\": \"\"}, \"positional_encoding\": {\"kind\": \"learned\"}, \"normalization\": {\"kind\": \"x\"}}", "key \"llmforge.attention.kind\" must name a kind")]
    public void A_bad_llmforge_key_is_named(string key, string expected)
    {
        var error = Assert.Throws<CheckpointFormatException>(() => GptConfigJson.Parse(Minimal + ", " + key + "}", "c.json"));
        Assert.StartsWith("c.json: ", error.Message);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Built_in_kinds_under_the_keys_that_select_them_need_no_llmforge_key()
    {
        var rotary = Small with { PositionEmbedding = PositionEmbeddingType.Rotary, Normalization = NormalizationType.RmsNorm };
        var components = GptComponents.For(rotary);
        Assert.Null(components.Describe(rotary).Kinds);
        // The same kinds under another name are not the built-ins, whatever instance they share.
        var renamed = components with { Normalization = BuiltInComponents.RmsNorm with { Name = "my-norm" } };
        Assert.Equal(new ComponentKindNames("scaled-dot", "rotary", "my-norm"), renamed.Describe(rotary).Kinds);
    }

    [Fact]
    public void Resuming_into_a_model_of_other_kinds_is_refused_naming_the_key()
    {
        var myNorm = BuiltInComponents.LayerNorm with { Name = "my-norm" };
        var saved = new GptModel(Small, new ManagedBackend(), components: GptComponents.For(Small) with { Normalization = myNorm });
        using var dir = new TempDirectory();
        Gpt2Checkpoint.Save(saved, dir.Path);

        var same = new GptModel(Small, new ManagedBackend(), seed: 4, components: GptComponents.For(Small) with { Normalization = myNorm });
        Gpt2Checkpoint.Load(same, dir.Path); // a training run's resume: config.json checked, then the state dict
        Assert.Equal(saved.NamedParameters().Select(p => p.Parameter.Data), same.NamedParameters().Select(p => p.Parameter.Data));

        var builtIn = new GptModel(Small, new ManagedBackend());
        var error = Assert.Throws<CheckpointFormatException>(() => Gpt2Checkpoint.Load(builtIn, dir.Path));
        Assert.Contains("key \"llmforge\" gives", error.Message);
        Assert.Contains("gives attention scaled-dot, positions learned, normalization my-norm but the model has attention scaled-dot, positions learned, normalization layernorm.", error.Message);
    }
}
