using LlmForge.Checkpoints;

namespace LlmForge.Performance;

/// <summary>
/// Floating-point operations per token of a transformer, from its shape alone (a multiply-add counts 2), the
/// denominator of "how close to the GEMM peak" (model FLOP utilization):
/// <list type="bullet">
/// <item>forward = 2 · (matmul parameters) + attention, where the matmul parameters are the weights every token is
/// multiplied by — per layer q, o [C, C], k, v [C, kv] and the MLP (2 or, gated, 3 matrices of C × inner) — plus the
/// LM head [vocab, C] when the model computes logits; embeddings, biases and norms are not matmuls;</item>
/// <item>attention = 2 · 2 · layers · C · keys per query (Q·Kᵀ and P·V over every head): keys = T without a mask,
/// (T + 1) / 2 on average under a causal one, since the fused kernel skips the masked half;</item>
/// <item>training = 3 · forward (the backward pass multiplies twice: once for the inputs' gradient, once for the weights').</item>
/// </list>
/// </summary>
/// <param name="Layers">Transformer blocks.</param>
/// <param name="EmbeddingDim">C, the residual width (heads × head size).</param>
/// <param name="KeyValueDim">Width of k and v (C, or kv heads × head size under grouped-query attention).</param>
/// <param name="InnerDim">The MLP's hidden width.</param>
/// <param name="GatedMlp">A GLU feed-forward (gate, up, down: three matrices) instead of two.</param>
/// <param name="HeadOutputs">Outputs of the LM head per token (the vocabulary), 0 when the model stops at the hidden states.</param>
/// <param name="Causal">Each query sees only the keys before it.</param>
public sealed record TransformerFlops(int Layers, int EmbeddingDim, int KeyValueDim, int InnerDim, bool GatedMlp, int HeadOutputs, bool Causal)
{
    /// <summary>A GPT with its LM head (training and scoring compute logits for every position).</summary>
    public static TransformerFlops Of(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        int c = config.EmbeddingDim, headSize = c / config.Heads;
        return new(config.Layers, c, (config.KvHeads ?? config.Heads) * headSize, config.InnerDim ?? 4 * c,
            config.FeedForward != FeedForwardType.Mlp, config.VocabSize, Causal: true);
    }

    /// <summary>A BERT encoder up to its hidden states (no pooler, no MLM head), bidirectional.</summary>
    public static TransformerFlops Of(BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new(config.Layers, config.HiddenSize, config.HiddenSize, config.IntermediateSize, GatedMlp: false, HeadOutputs: 0, Causal: false);
    }

    /// <summary>Weights each token is multiplied by: the blocks' projections and the LM head.</summary>
    public long MatmulParameters
    {
        get
        {
            long c = EmbeddingDim;
            long perLayer = 2 * c * c + 2 * c * KeyValueDim + (GatedMlp ? 3 : 2) * c * InnerDim;
            return Layers * perLayer + (long)HeadOutputs * c;
        }
    }

    /// <summary>Attention's FLOPs per token of a sequence of <paramref name="seqLen"/> (Q·Kᵀ and P·V).</summary>
    public double AttentionPerToken(int seqLen)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seqLen);
        double keys = Causal ? (seqLen + 1) / 2.0 : seqLen;
        return 4.0 * Layers * EmbeddingDim * keys;
    }

    /// <summary>FLOPs of one token's forward pass in a sequence of <paramref name="seqLen"/>.</summary>
    public double ForwardPerToken(int seqLen) => 2.0 * MatmulParameters + AttentionPerToken(seqLen);

    /// <summary>FLOPs of one token's training step (forward and backward; the optimizer's are per parameter, not counted).</summary>
    public double TrainingPerToken(int seqLen) => 3 * ForwardPerToken(seqLen);
}
