using System.Text.Json.Nodes;
using LlmForge.Checkpoints;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>
/// config.json says "gpt2" / "bert" only for the layouts transformers computes exactly; every other variant gets a
/// model_type (and architectures) transformers refuses, so it is never loaded with a warning and wrong logits.
/// </summary>
public class ModelTypeLabelTests
{
    private static readonly GptConfig Gpt = new() { VocabSize = 11, ContextLength = 8, EmbeddingDim = 8, Layers = 1, Heads = 2 };

    private static readonly BertConfig Bert = new()
    {
        VocabSize = 20, HiddenSize = 8, Layers = 1, Heads = 2, IntermediateSize = 12, MaxPositions = 8,
    };

    public static TheoryData<string, GptConfig> GptVariants => new()
    {
        { "rotary", Gpt with { PositionEmbedding = PositionEmbeddingType.Rotary } },
        { "sinusoidal", Gpt with { PositionEmbedding = PositionEmbeddingType.Sinusoidal } },
        { "rmsnorm", Gpt with { Normalization = NormalizationType.RmsNorm } },
        { "sliding-window", Gpt with { SlidingWindow = 4 } },
        { "no-qkv-bias", Gpt with { QkvBias = false } },
    };

    public static TheoryData<string, BertConfig> BertVariants => new()
    {
        { "pre-LN", Bert with { NormPosition = LayerNormPosition.Pre } },
        { "rotary", Bert with { PositionEmbedding = PositionEmbeddingType.Rotary } },
        { "sinusoidal", Bert with { PositionEmbedding = PositionEmbeddingType.Sinusoidal } },
        { "rmsnorm", Bert with { Normalization = NormalizationType.RmsNorm } },
    };

    private static (string ModelType, string Architecture) Label(string json)
    {
        var root = JsonNode.Parse(json)!.AsObject();
        return ((string)root["model_type"]!, (string)root["architectures"]![0]!);
    }

    [Fact]
    public void A_plain_gpt2_layout_keeps_its_hugging_face_label_exactly()
    {
        string json = GptConfigJson.ToJson(Gpt with { TieWeights = false, Activation = LlmForge.Layers.ActivationFunction.GeluErf });
        Assert.Equal(("gpt2", "GPT2LMHeadModel"), Label(json));
    }

    [Theory, MemberData(nameof(GptVariants))]
    public void Gpt_variants_transformers_cannot_compute_are_labelled_llmforge_gpt_and_read_back(string variant, GptConfig config)
    {
        string json = GptConfigJson.ToJson(config);
        Assert.Equal(("llmforge-gpt", "LlmForgeGptForCausalLM"), Label(json));
        Assert.Equal(config, GptConfigJson.Parse(json));
        Assert.False(GptConfigJson.IsHuggingFaceGpt2(config), variant);
    }

    [Fact]
    public void A_plain_bert_layout_keeps_its_hugging_face_label_exactly()
    {
        Assert.Equal(("bert", "BertForMaskedLM"), Label(BertConfigJson.ToJson(Bert)));
        Assert.Equal(("bert", "BertForSequenceClassification"), Label(BertConfigJson.ToJson(Bert with { Labels = ["a", "b"] }, "BertForSequenceClassification")));
    }

    [Theory, MemberData(nameof(BertVariants))]
    public void Bert_variants_transformers_cannot_compute_are_labelled_llmforge_bert_and_read_back(string variant, BertConfig config)
    {
        string json = BertConfigJson.ToJson(config);
        Assert.Equal(("llmforge-bert", "LlmForgeBertForMaskedLM"), Label(json));
        Assert.Equal(config with { Labels = [] }, BertConfigJson.Parse(json) with { Labels = [] });
        Assert.False(BertConfigJson.IsHuggingFaceBert(config), variant);
    }

    [Theory]
    [InlineData("gpt-rope")]
    [InlineData("gpt-sinusoidal")]
    [InlineData("gpt-rmsnorm")]
    [InlineData("gpt-rope-sliding-window")]
    public void Variant_fixtures_written_as_gpt2_before_still_load(string fixture)
    {
        Assert.Equal("gpt2", (string)JsonNode.Parse(File.ReadAllText(FixturePath.Of(fixture, "config.json")))!["model_type"]!);
        var model = Gpt2Checkpoint.Load(FixturePath.Of(fixture), new Backends.Managed.ManagedBackend());
        Assert.False(GptConfigJson.IsHuggingFaceGpt2(model.Config));
    }

    [Fact]
    public void Pre_ln_bert_fixture_written_as_bert_before_still_loads()
    {
        var model = BertCheckpoint.Load(FixturePath.Of("bert-tiny-preln"), new Backends.Managed.ManagedBackend());
        Assert.Equal(LayerNormPosition.Pre, model.Config.NormPosition);
    }

    [Fact]
    public void Token_ids_outside_a_small_vocabulary_are_not_written()
    {
        // GPT2Config's default bos/eos 50256 is no id of an 11-token (char) model
        var root = JsonNode.Parse(GptConfigJson.ToJson(Gpt))!.AsObject();
        Assert.False(root.ContainsKey("bos_token_id"));
        Assert.False(root.ContainsKey("eos_token_id"));

        var own = JsonNode.Parse(GptConfigJson.ToJson(Gpt with { BosTokenId = 3, EosTokenId = 4 }))!.AsObject();
        Assert.Equal(3, (int)own["bos_token_id"]!);
        Assert.Equal(4, (int)own["eos_token_id"]!);
        Assert.Equal(50256, (int)JsonNode.Parse(GptConfigJson.ToJson(GptConfig.Gpt2Small))!["eos_token_id"]!);
    }

    [Fact]
    public void The_char_tokenizer_is_saved_beside_hugging_faces_file_name_and_the_old_name_still_loads()
    {
        using var dir = new TempDirectory();
        var chars = CharTokenizer.FromCorpus("hello world");
        chars.Save(dir.Path);
        Assert.Equal(["llmforge_char_tokenizer.json"], dir.FileNames());

        File.Move(dir.File("llmforge_char_tokenizer.json"), dir.File("tokenizer.json")); // as LlmForge saved it before
        var legacy = Assert.IsType<CharTokenizer>(TokenizerFiles.Load(dir.Path));
        Assert.Equal(chars.Characters, legacy.Characters);
        Assert.Equal(chars.Characters, ((CharTokenizer)TokenizerKinds.Load(TokenizerKinds.Char, dir.Path)).Characters);
    }
}
