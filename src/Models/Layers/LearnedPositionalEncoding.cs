using LlmForge.Autograd;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// GPT-2's learned absolute positions (wpe): a trained table [context_length, C] whose row t is added to the
/// token embedding at position t. Parameter: "weight" (so a GPT's is "pos_emb.weight"). Kind name "learned";
/// config.json position_embedding_type "absolute".
/// </summary>
public sealed class LearnedPositionalEncoding : Module, IPositionalEncoding
{
    /// <summary>A table of <paramref name="contextLength"/> rows of width <paramref name="embeddingDim"/>, drawn from
    /// N(0, std²) (std defaults to the init's).</summary>
    /// <exception cref="ArgumentOutOfRangeException">A size ≤ 0.</exception>
    public LearnedPositionalEncoding(ModuleInit init, int contextLength, int embeddingDim, float? std = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(contextLength);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(embeddingDim);
        Weight = RegisterParameter("weight", init.Normal(std, contextLength, embeddingDim));
    }

    /// <summary>wpe: [context_length, C].</summary>
    public Tensor Weight { get; }

    /// <summary>n_positions: rows of the table, the last position + 1 it can encode.</summary>
    public int ContextLength => Weight.Shape[0];

    /// <summary>(B, T, C) + wpe[start .. start+T) broadcast over B.</summary>
    public Tensor EncodeEmbeddings(Tensor embeddings, int startPosition)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        int t = embeddings.Shape[^2];
        if (startPosition < 0 || (long)startPosition + t > ContextLength)
            throw new ArgumentException(
                $"LearnedPositionalEncoding: positions [{startPosition}, {(long)startPosition + t}) run past the {ContextLength} learned positions (n_positions).",
                nameof(embeddings));
        var positions = new int[t];
        for (int i = 0; i < t; i++) positions[i] = startPosition + i;
        return embeddings + Weight.Embedding(positions, t); // (B, T, C) + (T, C)
    }

    /// <summary>(B, T, C) + wpe[positions[b, t]]: each row at its own positions (padding, batched decoding).</summary>
    public Tensor EncodeEmbeddings(Tensor embeddings, TokenPositions positions)
    {
        ArgumentNullException.ThrowIfNull(embeddings);
        ArgumentNullException.ThrowIfNull(positions);
        int b = embeddings.Shape[0], t = embeddings.Shape[^2];
        positions.Check(b, t, nameof(LearnedPositionalEncoding));
        foreach (int p in positions.Positions)
            if (p >= ContextLength)
                throw new ArgumentException(
                    $"LearnedPositionalEncoding: position {p} runs past the {ContextLength} learned positions (n_positions).", nameof(positions));
        return embeddings + Weight.Embedding(positions.Positions, b, t); // (B, T, C) + (B, T, C)
    }

    /// <summary>Learned positions act on the embeddings only.</summary>
    public Tensor EncodeQueryKey(Tensor queryOrKey, int startPosition) => queryOrKey;

    /// <summary>Learned positions act on the embeddings only: q or k is returned unchanged.</summary>
    public Tensor EncodeQueryKey(Tensor queryOrKey, TokenPositions positions) => queryOrKey;
}
