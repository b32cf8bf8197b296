using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Gpt;

public class GptParameterShapesTests
{
    [Fact]
    public void Gpt2_small_untied_without_qkv_bias_has_163_009_536_parameters()
    {
        var config = GptConfig.Gpt2Small with { QkvBias = false, TieWeights = false };
        Assert.Equal(163_009_536, GptParameterShapes.Count(config));
    }

    [Fact]
    public void Gpt2_small_tied_with_qkv_bias_has_124_439_808_parameters()
    {
        var config = GptConfig.Gpt2Small with { QkvBias = true, TieWeights = true };
        Assert.Equal(124_439_808, GptParameterShapes.Count(config));
        Assert.Equal(Gpt2TensorNames.ParameterCount(config), GptParameterShapes.Count(config)); // the HF layout agrees
    }

    /// <summary>The name and shape of every parameter: the public contract (STYLE.md §6). Change it only on purpose.</summary>
    [Fact]
    public void Snapshot_of_names_and_shapes()
    {
        var config = new GptConfig
        {
            VocabSize = 11, ContextLength = 8, EmbeddingDim = 8, Layers = 1, Heads = 2, InnerDim = 16,
            QkvBias = true, TieWeights = false,
        };
        const string Expected = """
            tok_emb.weight [11, 8]
            pos_emb.weight [8, 8]
            trf_blocks.0.norm1.scale [8]
            trf_blocks.0.norm1.shift [8]
            trf_blocks.0.att.W_query.weight [8, 8]
            trf_blocks.0.att.W_query.bias [8]
            trf_blocks.0.att.W_key.weight [8, 8]
            trf_blocks.0.att.W_key.bias [8]
            trf_blocks.0.att.W_value.weight [8, 8]
            trf_blocks.0.att.W_value.bias [8]
            trf_blocks.0.att.out_proj.weight [8, 8]
            trf_blocks.0.att.out_proj.bias [8]
            trf_blocks.0.norm2.scale [8]
            trf_blocks.0.norm2.shift [8]
            trf_blocks.0.ff.layers.0.weight [16, 8]
            trf_blocks.0.ff.layers.0.bias [16]
            trf_blocks.0.ff.layers.2.weight [8, 16]
            trf_blocks.0.ff.layers.2.bias [8]
            final_norm.scale [8]
            final_norm.shift [8]
            out_head.weight [11, 8]
            """;
        var model = new GptModel(config, new ManagedBackend());
        var actual = string.Join("\n", model.NamedParameters().Select(p => $"{p.Name} [{string.Join(", ", p.Parameter.Shape)}]"));
        Assert.Equal(Expected.ReplaceLineEndings("\n"), actual);
    }

    [Fact]
    public void A_gated_feed_forward_counts_three_bias_free_matrices_per_block()
    {
        // GPT-2 small's MLP (c_fc 768×3072 + 3072, c_proj 3072×768 + 768) replaced by SwiGLU of width 2048 = ⅔·3072:
        // 163,009,536 − 12 · 4,722,432 + 12 · 3 · 768 · 2048 = 162,963,456.
        var config = GptConfig.Gpt2Small with
        {
            QkvBias = false, TieWeights = false, FeedForward = FeedForwardType.Gated, Activation = ActivationFunction.Silu, InnerDim = 2048,
        };
        Assert.Equal(162_963_456, GptParameterShapes.Count(config));
        Assert.Equal(Gpt2TensorNames.ParameterCount(config), GptParameterShapes.Count(config));
        Assert.Equal(
            ["trf_blocks.0.ff.gate_proj.weight", "trf_blocks.0.ff.up_proj.weight", "trf_blocks.0.ff.down_proj.weight"],
            GptParameterShapes.Of(config).Select(p => p.Name).Where(n => n.StartsWith("trf_blocks.0.ff.", StringComparison.Ordinal)));
    }

    public static TheoryData<string> Variants => new() { "untied", "tied", "no-qkv-bias", "rmsnorm", "inner-dim", "erf-window", "relu", "swiglu", "geglu-rmsnorm" };

    private static GptConfig Variant(string name)
    {
        var small = new GptConfig { VocabSize = 13, ContextLength = 6, EmbeddingDim = 8, Layers = 2, Heads = 4, TieWeights = false };
        return name switch
        {
            "untied" => small,
            "tied" => small with { TieWeights = true },
            "no-qkv-bias" => small with { QkvBias = false },
            "rmsnorm" => small with { Normalization = NormalizationType.RmsNorm },
            "inner-dim" => small with { InnerDim = 20, Layers = 3 },
            "erf-window" => small with { Activation = ActivationFunction.GeluErf, SlidingWindow = 3, TieWeights = true },
            "relu" => small with { Activation = ActivationFunction.Relu },
            "swiglu" => small with { FeedForward = FeedForwardType.Gated, Activation = ActivationFunction.Silu, InnerDim = 12 },
            "geglu-rmsnorm" => small with { FeedForward = FeedForwardType.Gated, Activation = ActivationFunction.GeluErf, Normalization = NormalizationType.RmsNorm },
            _ => throw new ArgumentException(name),
        };
    }

    /// <summary>The shape-only listing must be exactly what the built model has.</summary>
    [Theory, MemberData(nameof(Variants))]
    public void Shape_listing_equals_the_built_models_parameters(string variant)
    {
        var config = Variant(variant);
        var model = new GptModel(config, new ManagedBackend());
        var built = model.NamedParameters().Select(p => (p.Name, Shape: string.Join(",", p.Parameter.Shape))).ToList();
        var listed = GptParameterShapes.Of(config).Select(p => (p.Name, Shape: string.Join(",", p.Shape))).ToList();
        Assert.Equal(built, listed);
        Assert.Equal(model.ParameterCount(), GptParameterShapes.Count(config));
    }
}
