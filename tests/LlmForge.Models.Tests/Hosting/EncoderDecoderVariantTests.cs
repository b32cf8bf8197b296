using LlmForge.Checkpoints;
using LlmForge.Hosting;
using LlmForge.Layers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace LlmForge.Tests.Hosting;

/// <summary>The encoder-decoder variants appsettings.json ships (transformer-mini, marian) and the checks of their keys.</summary>
public class EncoderDecoderVariantTests
{
    private const string V = "LlmForge:Variants:v:";

    private static ServiceProvider Shipped() =>
        LlmForgeServices.Build(new Dictionary<string, string?> { ["LlmForge:Backend"] = "Managed" }, shipped: true);

    [Fact]
    public void The_marian_variant_is_the_opus_mt_en_fr_shape()
    {
        using var provider = Shipped();
        var config = provider.GetRequiredService<IModelFactory>().GetVariant("marian").ToEncoderDecoderConfig();
        Assert.Equal((59514, 512, 6, 6, 8, 8, 2048, 2048), (config.VocabSize, config.ModelDim, config.EncoderLayers, config.DecoderLayers,
            config.EncoderHeads, config.DecoderHeads, config.EncoderFfnDim, config.DecoderFfnDim));
        Assert.Equal((ActivationFunction.Silu, true, 512, LayerNormPosition.Post), (config.Activation, config.ScaleEmbedding, config.MaxPositions, config.NormPosition));
        Assert.Equal((59513, 59513, 0), (config.PadTokenId, config.DecoderStartTokenId, config.EosTokenId)); // opus-mt: pad is the last id
        // model.shared + 6 encoder layers (4·(C²+C) + 2 norms + fc1, fc2) + 6 decoder layers (two attentions, 3 norms) + final_logits_bias
        long c = 512, f = 2048, v = 59514, attention = 4 * (c * c + c), norm = 2 * c, ff = c * f + f + f * c + c;
        Assert.Equal(v * c + 6 * (attention + 2 * norm + ff) + 6 * (2 * attention + 3 * norm + ff) + v, MarianParameterMap.ParameterCount(config));
    }

    [Fact]
    public void The_transformer_mini_variant_builds_a_small_translator_of_the_tokenizers_vocabulary()
    {
        using var provider = Shipped();
        var variant = provider.GetRequiredService<IModelFactory>().GetVariant("transformer-mini");
        Assert.True(variant.IsEncoderDecoder);
        var model = variant.CreateEncoderDecoder(TestBackends.Create("Managed"), vocabSize: 300, padTokenId: 1, eosTokenId: 2, seed: 4);
        Assert.Equal((300, 256, 3, 3, 4, 1024), (model.Config.VocabSize, model.Config.ModelDim, model.Config.EncoderLayers,
            model.Config.DecoderLayers, model.Config.EncoderHeads, model.Config.EncoderFfnDim));
        Assert.Equal((1, 1, 2, LayerNormPosition.Pre), (model.Config.PadTokenId, model.Config.DecoderStartTokenId, model.Config.EosTokenId, model.Config.NormPosition));
        Assert.Equal(MarianParameterMap.ParameterCount(model.Config), model.ParameterCount());
    }

    public static TheoryData<string[], string, string> Cases => new()
    {
        { [V + "PositionalEncoding:Kind=rotary"], V + "PositionalEncoding:Kind", "use sinusoidal" },
        { [V + "PositionalEncoding:Kind=sinusoidal", V + "Activation=swiglu"], V + "Activation", "unknown for an encoder-decoder variant" },
        { [V + "PositionalEncoding:Kind=sinusoidal", V + "DecoderLayers=0"], V + "DecoderLayers", "0 is out of range [1, 1024]" },
        { [V + "PositionalEncoding:Kind=sinusoidal", V + "Attention:Kind=sliding-window", V + "Attention:Window=4"], V + "Attention:Kind", "causal-only" },
    };

    [Theory, MemberData(nameof(Cases))]
    public void A_bad_encoder_decoder_key_is_named(string[] changes, string key, string fragment)
    {
        var settings = LlmForgeServices.SmallVariant("encoder-decoder");
        foreach (var change in changes)
        {
            int eq = change.IndexOf('=', StringComparison.Ordinal);
            settings[change[..eq]] = change[(eq + 1)..];
        }
        using var provider = LlmForgeServices.Build(settings);
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>());
        Assert.Contains(key + " ", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("DecoderLayers", "3")]
    [InlineData("ScaleEmbedding", "true")]
    public void Encoder_decoder_keys_are_refused_in_a_gpt_variant(string setting, string value)
    {
        var settings = LlmForgeServices.SmallVariant();
        settings[V + setting] = value;
        using var provider = LlmForgeServices.Build(settings);
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>());
        Assert.Contains($"{V}{setting} applies to encoder-decoder variants only", e.Message, StringComparison.Ordinal);
    }
}
