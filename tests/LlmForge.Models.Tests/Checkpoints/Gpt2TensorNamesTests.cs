using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class Gpt2TensorNamesTests
{
    [Fact]
    public void ParameterCounts_MatchThePublishedGpt2Sizes()
    {
        // Hugging Face GPT-2 (c_attn bias, lm_head tied to wte): model.num_parameters()
        Assert.Equal(124_439_808, Gpt2TensorNames.ParameterCount(GptConfig.Gpt2Small));
        Assert.Equal(354_823_168, Gpt2TensorNames.ParameterCount(GptConfig.Gpt2Medium));
        Assert.Equal(774_030_080, Gpt2TensorNames.ParameterCount(GptConfig.Gpt2Large));
        Assert.Equal(1_557_611_200, Gpt2TensorNames.ParameterCount(GptConfig.Gpt2XL));

        // untied: + a separate lm_head [50257, 768]
        Assert.Equal(163_037_184, Gpt2TensorNames.ParameterCount(GptConfig.Gpt2Small with { TieWeights = false }));
        // rasbt's "LLMs from scratch" GPT_CONFIG_124M: untied and qkv_bias False
        Assert.Equal(163_009_536, Gpt2TensorNames.ParameterCount(GptConfig.Gpt2Small with { TieWeights = false, QkvBias = false }));
    }

    [Fact]
    public void Gpt2Small_HasHuggingFacesTensorCount()
    {
        Assert.Equal(2 + 12 * 12 + 2, Gpt2TensorNames.Expected(GptConfig.Gpt2Small).Count());
        Assert.Equal(2 + 12 * 12 + 2 + 1, Gpt2TensorNames.Expected(GptConfig.Gpt2Small with { TieWeights = false }).Count());
    }

    [Fact]
    public void Expected_NamesAndShapes_Snapshot()
    {
        var config = new GptConfig { VocabSize = 11, ContextLength = 7, EmbeddingDim = 6, Layers = 1, Heads = 2, InnerDim = 5, TieWeights = false };

        string[] actual = Gpt2TensorNames.Expected(config).Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]").ToArray();

        Assert.Equal(
        [
            "transformer.wte.weight [11, 6]",
            "transformer.wpe.weight [7, 6]",
            "transformer.h.0.ln_1.weight [6]",
            "transformer.h.0.ln_1.bias [6]",
            "transformer.h.0.attn.c_attn.weight [6, 18]",
            "transformer.h.0.attn.c_attn.bias [18]",
            "transformer.h.0.attn.c_proj.weight [6, 6]",
            "transformer.h.0.attn.c_proj.bias [6]",
            "transformer.h.0.ln_2.weight [6]",
            "transformer.h.0.ln_2.bias [6]",
            "transformer.h.0.mlp.c_fc.weight [6, 5]",
            "transformer.h.0.mlp.c_fc.bias [5]",
            "transformer.h.0.mlp.c_proj.weight [5, 6]",
            "transformer.h.0.mlp.c_proj.bias [6]",
            "transformer.ln_f.weight [6]",
            "transformer.ln_f.bias [6]",
            "lm_head.weight [11, 6]",
        ], actual);
    }

    [Fact]
    public void NoQkvBias_DropsOnlyTheCAttnBias()
    {
        var names = Gpt2TensorNames.Expected(GptConfig.Gpt2Small with { QkvBias = false }).Select(t => t.Name).ToHashSet();

        Assert.DoesNotContain("transformer.h.0.attn.c_attn.bias", names);
        Assert.Contains("transformer.h.0.attn.c_proj.bias", names);
        Assert.Equal(148 - 12, names.Count);
    }

    [Theory]
    [InlineData("gpt2-tiny", "model.safetensors")]
    [InlineData("gpt2-tiny", "after_adamw.safetensors")]
    [InlineData("gpt2-tiny-tied", "model.safetensors")]
    [InlineData("gpt2-tiny-tied", "after_adamw.safetensors")]
    public void ReferenceCheckpoints_HoldExactlyTheExpectedTensors(string fixture, string file)
    {
        GptConfig config = GptConfigJson.Load(FixturePath.Of(fixture, "config.json"));
        using var checkpoint = SafeTensorsFile.Open(FixturePath.Of(fixture, file));

        var expected = Gpt2TensorNames.Expected(config).Select(t => $"{t.Name} [{string.Join(", ", t.Shape)}]");
        var actual = checkpoint.Entries.Select(e => $"{e.Name} [{string.Join(", ", e.Shape)}]");

        Assert.Equal(expected, actual); // same order too: PyTorch's state_dict order
    }

    [Theory]
    [InlineData("gpt2-tiny")]
    [InlineData("gpt2-tiny-tied")]
    public void ReferenceGradients_AreNamedAndShapedLikeTheirParameters(string fixture)
    {
        GptConfig config = GptConfigJson.Load(FixturePath.Of(fixture, "config.json"));
        var shapes = Gpt2TensorNames.Expected(config).ToDictionary(t => t.Name, t => t.Shape);
        using var grads = SafeTensorsFile.Open(FixturePath.Of(fixture, "grads.safetensors"));

        Assert.Equal(config.TieWeights ? 4 : 5, grads.Entries.Count);
        Assert.All(grads.Entries, g => Assert.Equal(shapes[g.Name], g.Shape));
    }

    [Fact]
    public void BlockNames_FollowHuggingFace()
    {
        Gpt2BlockTensorNames block = Gpt2TensorNames.Block(3);

        Assert.Equal("transformer.h.3.attn.c_attn.weight", block.AttentionQkvWeight);
        Assert.Equal("transformer.h.3.mlp.c_proj.bias", block.MlpProjectionBias);
        Assert.Equal("transformer.h.3.ln_2.weight", block.Norm2Weight);
        Assert.Throws<ArgumentOutOfRangeException>(() => Gpt2TensorNames.Block(-1));
    }

    [Theory]
    [InlineData("h.0.attn.bias", true)]
    [InlineData("transformer.h.11.attn.masked_bias", true)]
    [InlineData("transformer.h.0.attn.c_attn.bias", false)]
    [InlineData("transformer.h.0.attn.c_proj.bias", false)]
    [InlineData("transformer.h.0.mlp.c_fc.bias", false)]
    public void OldCheckpointBuffers_AreRecognisedAsIgnored(string name, bool ignored)
    {
        Assert.Equal(ignored, Gpt2TensorNames.IsIgnoredBuffer(name));
    }

    [Theory]
    [InlineData("wte.weight", "transformer.wte.weight")]
    [InlineData("h.10.mlp.c_fc.bias", "transformer.h.10.mlp.c_fc.bias")]
    [InlineData("ln_f.bias", "transformer.ln_f.bias")]
    [InlineData("transformer.wpe.weight", "transformer.wpe.weight")]
    [InlineData("lm_head.weight", "lm_head.weight")]
    public void Canonicalize_AddsTheTransformerPrefixGpt2ModelCheckpointsOmit(string name, string expected)
    {
        Assert.Equal(expected, Gpt2TensorNames.Canonicalize(name));
    }

    [Theory]
    [InlineData(PositionEmbeddingType.Sinusoidal)]
    [InlineData(PositionEmbeddingType.Rotary)]
    public void VariantsWithoutLearnedPositions_HaveNoWpe(PositionEmbeddingType type)
    {
        var config = GptConfig.Gpt2Small with { Layers = 1, PositionEmbedding = type };
        var names = Gpt2TensorNames.Expected(config).Select(t => t.Name).ToList();
        Assert.DoesNotContain(Gpt2TensorNames.PositionEmbedding, names);
        Assert.Equal(Gpt2TensorNames.Expected(config with { PositionEmbedding = PositionEmbeddingType.Absolute }).Count() - 1, names.Count);
    }

    [Fact]
    public void RmsNormVariant_HasNormWeightsWithoutBiases()
    {
        var names = Gpt2TensorNames.Expected(GptConfig.Gpt2Small with { Layers = 1, Normalization = NormalizationType.RmsNorm })
            .Select(t => t.Name).ToList();
        Assert.Contains("transformer.h.0.ln_1.weight", names);
        Assert.Contains(Gpt2TensorNames.FinalNormWeight, names);
        Assert.DoesNotContain(names, n => n.Contains(".ln_") && n.EndsWith(".bias", StringComparison.Ordinal));
    }
}
