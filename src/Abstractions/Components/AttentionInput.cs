using LlmForge.Autograd;

namespace LlmForge.Components;

/// <summary>
/// What one attention layer is given (typed, so every implementation reads the same things):
/// </summary>
/// <param name="Hidden">The normalized hidden states, (B, T, C).</param>
/// <param name="Mask">
/// Which keys each query sees: <see cref="AttentionMaskSpec.CausalMask"/> for a decoder, bidirectional with
/// <see cref="AttentionMaskSpec.KeyValid"/> padding for an encoder. Its QueryOffset is the absolute position of the
/// first query (non-zero when earlier keys come from a KV cache); a sliding-window attention adds its own window.
/// </param>
/// <param name="Positions">
/// The model's positional encoding, applied to q and k of every head through
/// <see cref="IPositionalEncoding.EncodeQueryKey(Tensor, TokenPositions)"/> (rotary); an encoding that acts on the embeddings leaves them
/// unchanged, and null means none.
/// </param>
public sealed record AttentionInput(Tensor Hidden, AttentionMaskSpec Mask, IPositionalEncoding? Positions = null)
{
    /// <summary>Absolute position of the first query (and of the first new key) when <see cref="Tokens"/> is null.</summary>
    public int StartPosition => Mask.QueryOffset;

    /// <summary>
    /// Per-token positions when the rows of the batch are not all at <see cref="StartPosition"/> (padded prompts, a
    /// decoding step of such a batch); null: every row runs StartPosition … StartPosition + T − 1.
    /// </summary>
    public TokenPositions? Tokens { get; init; }

    /// <summary>
    /// This layer's KV cache for incremental decoding: the new keys and values are appended to it and the queries
    /// attend over everything it holds (<see cref="IKvCache.Append"/>). Null: attend over the new tokens only.
    /// </summary>
    public IKvCache? Cache { get; init; }

    /// <summary>
    /// When set (Hugging Face's <c>output_attentions</c>), the layer also computes its attention probabilities
    /// softmax(q·kᵀ/√hs + mask), (B, nh, T, Tk), by the unfused path (scores then softmax, without dropout) and hands
    /// them to this callback; its output is computed as without it. Null (the default): no (T, Tk) tensor is made.
    /// The tensor handed over may live in a layer's scratch memory: copy what you keep before returning. An attention
    /// that cannot report its weights never calls it.
    /// </summary>
    public Action<Tensor>? ReportWeights { get; init; }

    /// <summary>
    /// A cross-attention's key/value source (the encoder states and their padding): the keys and values are projected
    /// from it instead of from <see cref="Hidden"/>, every query sees every real source token (Tk = the source length,
    /// ≠ T in general), and no positional encoding turns q or k. Null (the default): a self-attention.
    /// </summary>
    public AttentionMemory? Memory { get; init; }

    /// <summary>The positions of the new tokens, (B, T) for hidden states (B, T, C).</summary>
    public TokenPositions TokenPositions() =>
        Tokens ?? Components.TokenPositions.Uniform(Hidden.Shape[0], Hidden.Shape[1], StartPosition);

    /// <summary>
    /// A cross-attention's input: queries from <paramref name="hidden"/> (B, T, C), keys and values from
    /// <paramref name="memory"/> (B, Tk, C) under its padding mask.
    /// </summary>
    public static AttentionInput Cross(Tensor hidden, AttentionMemory memory) =>
        new(hidden, (memory ?? throw new ArgumentNullException(nameof(memory))).Mask) { Memory = memory };

    /// <summary>A decoder's input: every query sees itself and earlier keys only.</summary>
    public static AttentionInput Causal(Tensor hidden, IPositionalEncoding? positions = null, int startPosition = 0) =>
        new(hidden, AttentionMaskSpec.CausalMask(startPosition), positions);

    /// <summary>
    /// An encoder's input: every query sees every key, except padding when <paramref name="keyValid"/> [B, T]
    /// (BERT's attention_mask, nonzero for real tokens) is given.
    /// </summary>
    public static AttentionInput Bidirectional(Tensor hidden, byte[]? keyValid = null, IPositionalEncoding? positions = null) =>
        new(hidden, keyValid is null ? new AttentionMaskSpec() : AttentionMaskSpec.Padding(keyValid), positions);
}
