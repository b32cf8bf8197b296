using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.Bert;

/// <summary>
/// One BERT encoder layer (HF bert.encoder.layer.{i}): self-attention over every unpadded key (bidirectional), then
/// the feed-forward (exact-erf GELU), each with dropout and a residual add. The attention and the norms are the kinds
/// <see cref="BertComponents"/> names.
/// Post-LN (original BERT): x = norm1(x + drop(att(x))); x = norm2(x + drop(ff(x))).
/// Pre-LN: x = x + drop(att(norm1(x))); x = x + drop(ff(norm2(x))).
/// Children: "att", "norm1", "ff", "norm2", "drop".
/// </summary>
public sealed class BertBlock : Module
{
    /// <summary>
    /// Builds encoder layer <paramref name="layer"/> (its index, 0-based, given to the attention kind) of
    /// <paramref name="config"/>'s width, with the attention and norms of <paramref name="components"/>, its weights
    /// drawn from <paramref name="init"/>.
    /// </summary>
    public BertBlock(ModuleInit init, BertConfig config, BertComponents components, int layer)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(components);
        int c = config.HiddenSize;
        var norm = new NormalizationContext(init, c) { Epsilon = config.LayerNormEpsilon };
        NormPosition = config.NormPosition;
        // BERT's init is plain N(0, initializer_range²) everywhere: no GPT-2 scaling of the residual projections.
        Attention = RegisterComponent("att", components.Attention.Create(new AttentionContext(init, c, config.Heads)
        {
            QkvBias = true,
            DropRate = config.AttentionDropRate,
            Layer = layer,
        }));
        Norm1 = RegisterComponent("norm1", components.Normalization.Create(norm));
        FeedForward = RegisterModule("ff", new FeedForward(init, c, config.IntermediateSize, config.Activation));
        Norm2 = RegisterComponent("norm2", components.Normalization.Create(norm));
        Dropout = RegisterModule("drop", new Dropout(init, config.HiddenDropRate));
    }

    /// <summary>
    /// Where the norms sit: <see cref="LayerNormPosition.Post"/> (after each residual add, original BERT) or
    /// <see cref="LayerNormPosition.Pre"/> (before each sublayer).
    /// </summary>
    public LayerNormPosition NormPosition { get; }

    /// <summary>attention.self (W_query, W_key, W_value) and attention.output.dense (out_proj).</summary>
    public IAttention Attention { get; }

    /// <summary>attention.output.LayerNorm.</summary>
    public INormalization Norm1 { get; }

    /// <summary>intermediate.dense (layers.0) and output.dense (layers.2).</summary>
    public FeedForward FeedForward { get; }

    /// <summary>output.LayerNorm.</summary>
    public INormalization Norm2 { get; }

    /// <summary>hidden_dropout_prob, on each sub-layer's output before the residual add.</summary>
    public Dropout Dropout { get; }

    /// <summary>
    /// (B, T, C) → (B, T, C). <paramref name="mask"/> is bidirectional with the padding keys hidden;
    /// <paramref name="positions"/> is the model's encoding, which turns q and k when it is rotary.
    /// </summary>
    public Tensor Forward(Tensor x, AttentionMaskSpec mask, IPositionalEncoding positions) => Forward(x, mask, positions, null);

    /// <summary>
    /// As <see cref="Forward(Tensor, AttentionMaskSpec, IPositionalEncoding)"/>, with the attention also handing its
    /// probabilities (B, nh, T, T) to <paramref name="reportWeights"/> when set (<see cref="AttentionInput.ReportWeights"/>).
    /// </summary>
    public Tensor Forward(Tensor x, AttentionMaskSpec mask, IPositionalEncoding positions, Action<Tensor>? reportWeights)
    {
        x = ResidualSublayer.Apply(x, NormPosition, Norm1, Dropout, (Attention, mask, positions, reportWeights),
            static (s, h) => s.Attention.Forward(new AttentionInput(h, s.mask, s.positions) { ReportWeights = s.reportWeights }));
        return ResidualSublayer.Apply(x, NormPosition, Norm2, Dropout, FeedForward, static (ff, h) => ff.Forward(h));
    }
}
