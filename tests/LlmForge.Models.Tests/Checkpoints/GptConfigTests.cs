using LlmForge.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

public class GptConfigTests
{
    [Fact]
    public void Presets_HaveGpt2Shapes()
    {
        Assert.Equal((768, 12, 12, 64, 3072), Shape(GptConfig.Gpt2Small));
        Assert.Equal((1024, 24, 16, 64, 4096), Shape(GptConfig.Gpt2Medium));
        Assert.Equal((1280, 36, 20, 64, 5120), Shape(GptConfig.Gpt2Large));
        Assert.Equal((1600, 48, 25, 64, 6400), Shape(GptConfig.Gpt2XL));
        Assert.All(new[] { GptConfig.Gpt2Small, GptConfig.Gpt2Medium, GptConfig.Gpt2Large, GptConfig.Gpt2XL }, c => c.Validate());
    }

    private static (int, int, int, int, int) Shape(GptConfig c) => (c.EmbeddingDim, c.Layers, c.Heads, c.HeadDim, c.FeedForwardDim);

    [Fact]
    public void InnerDim_OverridesTheFourTimesWidthMlp()
    {
        Assert.Equal(100, (GptConfig.Gpt2Small with { InnerDim = 100 }).FeedForwardDim);
    }

    [Theory]
    [InlineData("VocabSize (vocab_size)")]
    [InlineData("ContextLength (n_positions)")]
    [InlineData("AttentionDropRate (attn_pdrop)")]
    [InlineData("EosTokenId (eos_token_id)")]
    [InlineData("PositionEmbedding (position_embedding_type) rotary needs an even head dim")]
    public void Validate_NamesThePropertyAndItsConfigKey(string expected)
    {
        GptConfig bad = expected switch
        {
            "VocabSize (vocab_size)" => new GptConfig { VocabSize = 0 },
            "ContextLength (n_positions)" => new GptConfig { ContextLength = -5 },
            "AttentionDropRate (attn_pdrop)" => new GptConfig { AttentionDropRate = float.NaN },
            "EosTokenId (eos_token_id)" => new GptConfig { EosTokenId = -1 },
            _ => new GptConfig { EmbeddingDim = 12, Heads = 4, PositionEmbedding = PositionEmbeddingType.Rotary }, // head dim 3
        };

        var error = Assert.Throws<ArgumentException>(bad.Validate);
        Assert.StartsWith(expected, error.Message);
        Assert.Equal(error.Message, bad.FindError());
    }

    [Fact]
    public void ValidConfig_HasNoError()
    {
        Assert.Null(new GptConfig { EmbeddingDim = 24, Heads = 3, PositionEmbedding = PositionEmbeddingType.Rotary, SlidingWindow = 4 }.FindError());
    }
}
