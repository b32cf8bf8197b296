namespace LlmForge.Autograd;

/// <summary>
/// Which attention scores <see cref="F.Softmax"/> masks out: a storable description of the backend's
/// <see cref="Backends.SoftmaxMask"/> (a ref struct, which a backward closure cannot keep). The scores are
/// read as [.., Tq, Tk]; query row i sits at absolute position QueryOffset + i.
/// </summary>
public sealed record AttentionMaskSpec
{
    /// <summary>Key j is hidden from query position p when j &gt; p (GPT).</summary>
    public bool Causal { get; init; }

    /// <summary>Sliding window: key j is hidden when j ≤ p − Window (Mistral); 0 means none.</summary>
    public int Window { get; init; }

    /// <summary>Absolute position of the first query (keys before it come from a KV cache).</summary>
    public int QueryOffset { get; init; }

    /// <summary>Padding mask [batch, Tk]: nonzero where the key is a real token (BERT's attention_mask).</summary>
    public byte[]? KeyValid { get; init; }

    /// <summary>Softmax rows per batch item (heads · Tq); 0 infers it from the scores and KeyValid.</summary>
    public int RowsPerBatch { get; init; }

    /// <summary>No mask: every query sees every key.</summary>
    public static AttentionMaskSpec None { get; } = new();

    /// <summary>A causal mask (GPT) whose first query sits at <paramref name="queryOffset"/>, limited to the last <paramref name="window"/> keys when <paramref name="window"/> &gt; 0.</summary>
    public static AttentionMaskSpec CausalMask(int queryOffset = 0, int window = 0) =>
        queryOffset == 0 && window == 0 ? Causal0 : new() { Causal = true, QueryOffset = queryOffset, Window = window };

    private static readonly AttentionMaskSpec Causal0 = new() { Causal = true }; // the common one, made once

    /// <summary>A bidirectional padding mask (BERT): <paramref name="keyValid"/> [batch, Tk] is nonzero where the key is a real token.</summary>
    public static AttentionMaskSpec Padding(byte[] keyValid) => new() { KeyValid = keyValid };
}
