using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Hosting;
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
}
