using LlmForge.Autograd;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Hosting;
using LlmForge.Layers;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LlmForge.Tests.Hosting;

/// <summary>
/// A user's own component, registered with AddAttention / AddNormalization / AddPositionalEncoding and selected by
/// name in a variant's configuration, is what the model builds and runs: it is called in every block on every
/// forward, gets the variant's sizes in its context, and its parameters are the model's.
/// </summary>
public class CustomComponentTests
{
    private const string V = "LlmForge:Variants:v:";
    private static readonly int[] Ids = [1, 5, 9, 2, 30, 7, 7, 0, 3, 11, 12, 36];

    [Fact]
    public void A_custom_attention_selected_by_configuration_runs_in_every_block()
    {
        var calls = new List<AttentionContext>();
        int forwards = 0;
        var settings = LlmForgeServices.SmallVariant();
        settings[V + "Attention:Kind"] = "counting-attn";
        using var provider = LlmForgeServices.Build(settings, register: s =>
            s.AddAttention("counting-attn", c => { calls.Add(c); return new CountingAttention(c, () => forwards++); }));

        var model = provider.GetRequiredService<IModelFactory>().CreateGpt(seed: 4);
        Assert.Equal("counting-attn", model.Components.Attention.Name);
        Assert.All(model.Blocks, b => Assert.IsType<CountingAttention>(b.Attention));
        Assert.Equal([0, 1], calls.Select(c => c.Layer));
        Assert.All(calls, c => Assert.Equal((16, 2, 8), (c.EmbeddingDim, c.Heads, c.HeadDim)));
        Assert.Contains(model.NamedParameters(), p => p.Name == "trf_blocks.1.att.inner.W_query.weight");

        var logits = model.Forward(Ids, 2, 6);
        Assert.Equal(2, forwards); // one call per block

        // It wraps the built-in attention and draws its weights in the same order, so the logits are scaled-dot's:
        // the custom kind really computed the attention of the model.
        settings[V + "Attention:Kind"] = "scaled-dot";
        using var builtIn = LlmForgeServices.Build(settings);
        var reference = builtIn.GetRequiredService<IModelFactory>().CreateGpt(seed: 4).Forward(Ids, 2, 6);
        Assert.Equal(reference.Data, logits.Data);
    }

    [Fact]
    public void A_custom_attention_changes_what_the_model_computes()
    {
        var settings = LlmForgeServices.SmallVariant();
        settings[V + "Attention:Kind"] = "silent";
        using var provider = LlmForgeServices.Build(settings, register: s => s.AddAttention("silent", c => new SilentAttention()));
        var silent = provider.GetRequiredService<IModelFactory>().CreateGpt(seed: 4).Forward(Ids, 2, 6);

        settings[V + "Attention:Kind"] = "scaled-dot";
        using var builtIn = LlmForgeServices.Build(settings);
        var scaledDot = builtIn.GetRequiredService<IModelFactory>().CreateGpt(seed: 4).Forward(Ids, 2, 6);
        Assert.NotEqual(scaledDot.Data, silent.Data);
    }

    [Fact]
    public void A_custom_normalization_and_positional_encoding_are_built_from_their_contexts()
    {
        var norms = new List<NormalizationContext>();
        var positions = new List<PositionalEncodingContext>();
        var settings = LlmForgeServices.SmallVariant();
        settings[V + "Normalization:Kind"] = "my-norm";
        settings[V + "Normalization:Epsilon"] = "0.001";
        settings[V + "PositionalEncoding:Kind"] = "my-positions";
        using var provider = LlmForgeServices.Build(settings, register: s => s
            .AddNormalization("my-norm", c => { norms.Add(c); return new RmsNorm(c.Init, c.Dim, c.Epsilon); })
            .AddPositionalEncoding("my-positions", c => { positions.Add(c); return new SinusoidalPositionalEncoding(c.Init, c.ContextLength, c.EmbeddingDim); }));

        GptModel model = provider.GetRequiredService<IModelFactory>().CreateGpt(seed: 1);
        Assert.Equal(2 * 2 + 1, norms.Count); // two per block and the final one
        Assert.All(norms, c => Assert.Equal((16, 0.001f), (c.Dim, c.Epsilon)));
        Assert.Equal(16, Assert.Single(positions).ContextLength);
        Assert.IsType<RmsNorm>(model.FinalNorm);
        Assert.IsType<SinusoidalPositionalEncoding>(model.Positions);
        Assert.Equal(2 * 6 * 37, model.Forward(Ids, 2, 6).Data.Length);
    }

    /// <summary>Scaled-dot attention that reports each forward: the kind a user might write to instrument a model.</summary>
    private sealed class CountingAttention : Module, IAttention
    {
        private readonly MultiHeadAttention inner;
        private readonly Action called;

        public CountingAttention(AttentionContext c, Action called)
        {
            inner = RegisterModule("inner", new MultiHeadAttention(c.Init, c.EmbeddingDim, c.Heads, c.QkvBias, c.DropRate, c.ProjectionStd));
            this.called = called;
        }

        public Tensor Forward(AttentionInput input)
        {
            called();
            return inner.Forward(input);
        }
    }

    /// <summary>Attends to nothing: each block's attention adds zero to the residual stream.</summary>
    private sealed class SilentAttention : Module, IAttention
    {
        public Tensor Forward(AttentionInput input) => input.Hidden * 0f;
    }
}
