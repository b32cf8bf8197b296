using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Hosting;
using LlmForge.Layers;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LlmForge.Tests.Hosting;

/// <summary>The model factory over the shipped appsettings.json: each named variant builds what its name promises.</summary>
public class ModelFactoryTests
{
    private static ServiceProvider Shipped(string backend = "Managed") =>
        LlmForgeServices.Build(new Dictionary<string, string?> { ["LlmForge:Backend"] = backend }, shipped: true);

    [Fact]
    public void The_shipped_configuration_names_every_variant_and_defaults_to_gpt_char()
    {
        using var provider = Shipped();
        var factory = provider.GetRequiredService<IModelFactory>();
        Assert.Equal("gpt-char", factory.DefaultVariant);
        Assert.Equal(
            ["bert-mini", "gpt-char", "gpt-rmsnorm", "gpt-rope", "gpt-rope-sink", "gpt-rope-sink-16h", "gpt-rope-sink-8h",
             "gpt-rope-sliding-window", "gpt-sinusoidal", "gpt-swiglu", "gpt2-small", "llama-mini", "marian", "smollm2-135m", "transformer-mini"],
            factory.VariantNames.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Gpt_char_is_exactly_the_baby_gpt_train_built_before_variants()
    {
        using var provider = Shipped();
        var config = provider.GetRequiredService<IModelFactory>().GetVariant("gpt-char").ToGptConfig(vocabSize: 65);
        // TrainCommand's literal before this change.
        var before = new GptConfig
        {
            VocabSize = 65, ContextLength = 64, EmbeddingDim = 128, Layers = 4, Heads = 4,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0, TieWeights = false, QkvBias = false,
        };
        Assert.Equal(before, config);
    }

    [Fact]
    public void Gpt2_small_is_the_124M_shape()
    {
        using var provider = Shipped();
        var config = provider.GetRequiredService<IModelFactory>().GetVariant("gpt2-small").ToGptConfig();
        Assert.Equal(GptConfig.Gpt2Small with { }, config with { });
        Assert.Equal(124_439_808, GptParameterShapes.Count(config)); // counted from shapes: nothing is allocated
    }

    [Fact]
    public void Llama_mini_has_the_parameters_of_gpt_char_and_smollm2_the_135M_shape()
    {
        using var provider = Shipped();
        var factory = provider.GetRequiredService<IModelFactory>();
        var gpt = factory.GetVariant("gpt-char").ToGptConfig(vocabSize: 65);
        var llama = factory.GetVariant("llama-mini").ToGptConfig(vocabSize: 65);
        Assert.Equal(("llama", 4, 2, 392, false), (llama.ModelType, llama.Heads, llama.KeyValueHeads, llama.FeedForwardDim, llama.TieWeights));
        Assert.Equal((FeedForwardType.Gated, NormalizationType.RmsNorm, PositionEmbeddingType.Rotary, false, false),
            (llama.FeedForward, llama.Normalization, llama.PositionEmbedding, llama.QkvBias, llama.AttentionOutputBias));
        // 816,640 vs 816,512 with tinyshakespeare's 65 characters: within 128 (0.02 %)
        Assert.Equal(816_640, GptParameterShapes.Count(gpt));
        Assert.Equal(816_512, GptParameterShapes.Count(llama));

        var smol = factory.GetVariant("smollm2-135m").ToGptConfig();
        Assert.Equal((49152, 8192, 576, 30, 9, 3, 1536, true, 100000.0, 1e-5f),
            (smol.VocabSize, smol.ContextLength, smol.EmbeddingDim, smol.Layers, smol.Heads, smol.KeyValueHeads, smol.FeedForwardDim,
             smol.TieWeights, smol.RopeTheta, smol.LayerNormEpsilon));
        Assert.Equal(134_515_008, GptParameterShapes.Count(smol)); // SmolLM2-135M's count, from shapes: nothing is allocated
        Assert.Equal(134_515_008, Gpt2TensorNames.ParameterCount(smol)); // the same over its Hugging Face tensors
    }

    /// <summary>(variant, attention, positions, normalization, position_embedding_type, sliding_window).</summary>
    public static TheoryData<string, string, string, string, PositionEmbeddingType, int?> GptVariants => new()
    {
        { "gpt-char", "scaled-dot", "learned", "layernorm", PositionEmbeddingType.Absolute, null },
        { "gpt-rope", "scaled-dot", "rotary", "layernorm", PositionEmbeddingType.Rotary, null },
        { "gpt-sinusoidal", "scaled-dot", "sinusoidal", "layernorm", PositionEmbeddingType.Sinusoidal, null },
        { "gpt-rope-sliding-window", "sliding-window", "rotary", "layernorm", PositionEmbeddingType.Rotary, 16 },
        { "gpt-rmsnorm", "scaled-dot", "learned", "rmsnorm", PositionEmbeddingType.Absolute, null },
    };

    [Theory, MemberData(nameof(GptVariants))]
    public void A_gpt_variant_builds_its_kinds_and_its_config(string name, string attention, string positions, string norm,
        PositionEmbeddingType positionType, int? window)
    {
        using var provider = Shipped();
        var model = provider.GetRequiredService<IModelFactory>().CreateGpt(name, vocabSize: 30, seed: 2);
        Assert.Equal((attention, positions, norm),
            (model.Components.Attention.Name, model.Components.PositionalEncoding.Name, model.Components.Normalization.Name));
        Assert.Equal((positionType, window), (model.Config.PositionEmbedding, model.Config.SlidingWindow));
        Assert.Equal(norm == "rmsnorm" ? NormalizationType.RmsNorm : NormalizationType.LayerNorm, model.Config.Normalization);
        // The kinds the config.json records are the kinds the variant chose, so a saved model reloads the same.
        Assert.Equal(GptComponents.For(model.Config), model.Components);
        Assert.Equal(GptParameterShapes.Count(model.Config), model.ParameterCount());
        if (window is int w) Assert.All(model.Blocks, b => Assert.Equal(w, Assert.IsType<SlidingWindowAttention>(b.Attention).Window));
    }

    [Fact]
    public void Bert_mini_builds_a_small_post_ln_encoder_with_the_masked_lm_head()
    {
        using var provider = Shipped();
        var factory = provider.GetRequiredService<IModelFactory>();
        var model = factory.CreateBert("bert-mini", seed: 3);
        var c = model.Config;
        Assert.Equal((2000, 128, 4, 4, 512, 64), (c.VocabSize, c.HiddenSize, c.Layers, c.Heads, c.IntermediateSize, c.MaxPositions));
        Assert.Equal((LayerNormPosition.Post, GeluApproximation.Erf, 1e-12f, 0f), (c.NormPosition, c.Activation, c.LayerNormEpsilon, c.HiddenDropRate));
        Assert.NotNull(model.MlmHead);
        Assert.Equal(BertComponents.For(c), model.Components);
        Assert.Throws<InvalidOperationException>(() => factory.CreateGpt("bert-mini", 30));
        Assert.Throws<InvalidOperationException>(() => factory.CreateBert("gpt-char", 30));
    }

    [Fact]
    public void An_unknown_variant_name_lists_the_configured_ones()
    {
        using var provider = Shipped();
        var e = Assert.Throws<ArgumentException>(() => provider.GetRequiredService<IModelFactory>().GetVariant("gpt-5"));
        Assert.Contains("'gpt-5'", e.Message);
        Assert.Contains("gpt-rope-sliding-window", e.Message);
    }

    [Fact]
    public void A_variant_without_a_vocabulary_needs_the_tokenizers()
    {
        using var provider = Shipped();
        var factory = provider.GetRequiredService<IModelFactory>();
        var e = Assert.Throws<InvalidOperationException>(() => factory.CreateGpt("gpt-char"));
        Assert.Contains("LlmForge:Variants:gpt-char:VocabSize", e.Message);
        Assert.Equal(65, factory.CreateGpt("gpt-char", vocabSize: 65).Config.VocabSize);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void The_factory_builds_on_the_configured_backend(string backend)
    {
        using var provider = Shipped(backend);
        var model = provider.GetRequiredService<IModelFactory>().CreateGpt("gpt-rope", vocabSize: 30);
        Assert.Same(provider.GetRequiredService<ITensorBackend>(), model.Backend);
        Assert.Equal(backend, model.Backend.Name);
    }

    [Fact]
    public void Two_kinds_of_one_family_cannot_share_a_name()
    {
        using var provider = LlmForgeServices.Build(LlmForgeServices.SmallVariant(),
            register: s => s.AddNormalization("LayerNorm", c => new RmsNorm(c.Init, c.Dim)));
        var e = Assert.Throws<InvalidOperationException>(() => provider.GetRequiredService<IModelFactory>());
        Assert.Contains("normalization kind 'layernorm' is registered twice", e.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AddLlmForge_twice_is_refused()
    {
        var services = new ServiceCollection().AddLlmForge(LlmForgeServices.Configuration(LlmForgeServices.SmallVariant()).GetSection("LlmForge"));
        Assert.Throws<InvalidOperationException>(() => services.AddLlmForge(LlmForgeServices.Configuration(LlmForgeServices.SmallVariant()).GetSection("LlmForge")));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a:b")]
    public void A_kind_name_must_be_usable_as_a_configuration_value(string name)
    {
        var services = new ServiceCollection();
        Assert.Throws<ArgumentException>(() => services.AddNormalization(name, c => new RmsNorm(c.Init, c.Dim)));
    }
}
