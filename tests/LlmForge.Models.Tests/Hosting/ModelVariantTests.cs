using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Hosting;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Hosting;

/// <summary><see cref="ModelVariant.Resolve"/>: settings held in code describe a model through the factory's own mapping.</summary>
public class ModelVariantTests
{
    private static readonly ModelVariantOptions Bench = new()
    {
        VocabSize = 97, ContextLength = 16, EmbeddingDim = 32, Heads = 4, Layers = 2, Dropout = 0.1f, QkvBias = true, TieWeights = true,
    };

    [Fact]
    public void Settings_of_built_in_kinds_map_to_the_gpt2_config_of_their_sizes_and_build_the_same_weights()
    {
        var variant = ModelVariant.Resolve("bench", "model", Bench, BuiltInComponents.Kinds);
        // What the bench wrote by hand before it described its model as a variant.
        var byHand = new GptConfig
        {
            VocabSize = 97, ContextLength = 16, EmbeddingDim = 32, Heads = 4, Layers = 2,
            EmbeddingDropRate = 0.1f, AttentionDropRate = 0.1f, ResidualDropRate = 0.1f, QkvBias = true, TieWeights = true,
        };
        Assert.Equal(byHand, variant.ToGptConfig());

        var backend = new ManagedBackend();
        var built = variant.CreateGpt(backend, seed: 1234);
        var before = new GptModel(byHand, backend, 1234);
        var expected = before.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Data.ToArray());
        foreach (var (name, parameter) in built.NamedParameters())
            Assert.Equal(expected[name], parameter.Data.ToArray());
        Assert.Equal(expected.Count, built.NamedParameters().Count());
    }

    [Fact]
    public void An_unregistered_kind_is_one_error_naming_its_key_and_value()
    {
        var options = new ModelVariantOptions { Normalization = { Kind = "my-norm" } };
        var e = Assert.Throws<ArgumentException>(() => ModelVariant.Resolve("v", "LlmForge:Variants:v", options, BuiltInComponents.Kinds));
        Assert.StartsWith("LlmForge:Variants:v:Normalization:Kind 'my-norm' is not a registered kind.", e.Message);
    }

    [Theory]
    [InlineData(null, ActivationFunction.GeluTanh, FeedForwardType.Mlp)]
    [InlineData("gelu", ActivationFunction.GeluErf, FeedForwardType.Mlp)]
    [InlineData("ReLU", ActivationFunction.Relu, FeedForwardType.Mlp)]
    [InlineData("silu", ActivationFunction.Silu, FeedForwardType.Mlp)]
    [InlineData("swiglu", ActivationFunction.Silu, FeedForwardType.Gated)]
    [InlineData("geglu", ActivationFunction.GeluErf, FeedForwardType.Gated)]
    public void Activation_selects_the_function_and_the_feed_forward(string? activation, ActivationFunction function, FeedForwardType feedForward)
    {
        var options = new ModelVariantOptions { VocabSize = 11, EmbeddingDim = 16, Heads = 2, Layers = 1, InnerDim = 40, Activation = activation };
        var variant = ModelVariant.Resolve("v", "LlmForge:Variants:v", options, BuiltInComponents.Kinds);
        var config = variant.ToGptConfig();
        Assert.Equal((function, feedForward), (config.Activation, config.FeedForward));

        var block = variant.CreateGpt(new ManagedBackend()).Blocks[0];
        if (feedForward == FeedForwardType.Gated)
            Assert.Equal((function, 40), (Assert.IsType<GatedFeedForward>(block.FeedForward).Activation, block.FeedForward.HiddenDim));
        else
            Assert.Equal(function, Assert.IsType<FeedForward>(block.FeedForward).Activation.Function);
        Assert.Equal(activation is null ? "gelu_new" : activation.ToLowerInvariant(), VariantActivations.NameOf(function, feedForward));
    }

    [Fact]
    public void An_unknown_activation_is_one_line_listing_the_valid_values()
    {
        var e = Assert.Throws<ArgumentException>(() => VariantActivations.ForGpt("swishglu"));
        Assert.StartsWith("Unknown activation 'swishglu'; valid values: gelu_new, gelu, relu, silu, swiglu, geglu.", e.Message);
    }
}
