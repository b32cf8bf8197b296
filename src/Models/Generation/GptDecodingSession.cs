using LlmForge.Autograd;
using LlmForge.Gpt;
using LlmForge.Layers;

namespace LlmForge.Generation;

/// <summary>
/// A <see cref="GptModel"/>'s incremental decoding: <see cref="GptModel.ForwardIncremental"/> against a
/// <see cref="GptKvCache"/> made under a <see cref="KvCachePolicy"/> (dense unless given).
/// </summary>
public sealed class GptDecodingSession : IDecodingSession
{
    private readonly GptModel _model;

    /// <summary>A dense session: the cache <see cref="GptModel.CreateKvCache(int)"/> makes.</summary>
    public GptDecodingSession(GptModel model, int batch) : this(model, batch, KvCachePolicy.Dense)
    {
    }

    /// <summary>A session whose cache keeps what <paramref name="policy"/> says (<see cref="GptModel.CreateKvCache(int, KvCachePolicy)"/>).</summary>
    /// <exception cref="ArgumentException">The policy does not fit the model (named key).</exception>
    public GptDecodingSession(GptModel model, int batch, KvCachePolicy policy)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        Cache = model.CreateKvCache(batch, policy);
    }

    /// <summary>The caches of every block.</summary>
    public GptKvCache Cache { get; }

    /// <inheritdoc/>
    public int Batch => Cache.Batch;

    /// <inheritdoc/>
    public int Length => Cache.Length;

    /// <inheritdoc/>
    public int Remaining => Cache.Remaining;

    /// <inheritdoc/>
    /// <remarks>
    /// Under a window or sink policy a prompt longer than the cache's S + W slots is fed as a prefill of its first
    /// S + W tokens (less the slot a learned sink token takes: <see cref="GptKvCache.PrefillSpan"/>), then one token at a time (what the policy sees of it is then exactly what it would have seen
    /// had the prompt been generated); such a prompt cannot be padded.
    /// </remarks>
    public Tensor Append(int[] ids, int seq, int[]? attentionMask = null)
    {
        ArgumentNullException.ThrowIfNull(ids);
        int span = Cache.PrefillSpan;
        if (Cache.Length > 0 || seq <= span) return Forward(ids, seq, attentionMask);
        if (attentionMask is not null)
            throw new ArgumentException(
                $"GptDecodingSession: a padded prompt must fit the cache's {span} slots ({Cache.Policy.KindName}); got {seq} tokens per row.", nameof(attentionMask));
        if (ids.Length != (long)Batch * seq)
            throw new ArgumentException($"GptDecodingSession: {ids.Length} token ids do not fill batch {Batch} × seq {seq}.", nameof(ids));
        var logits = Forward(Columns(ids, seq, 0, span), span, null);
        for (int t = span; t < seq; t++)
            logits = Forward(Columns(ids, seq, t, 1), 1, null);
        return logits;
    }

    /// <inheritdoc/>
    public void Reset() => Cache.Reset();

    private Tensor Forward(int[] ids, int seq, int[]? attentionMask)
    {
        var logits = _model.ForwardIncremental(ids, Batch, seq, Cache, attentionMask, lastTokenOnly: true); // (B, 1, vocab)
        return logits.Reshape(Batch, logits.Shape[2]);                                                     // (B, vocab)
    }

    /// <summary>Tokens [from, from + count) of every row of ids [B · seq]: [B · count].</summary>
    private int[] Columns(int[] ids, int seq, int from, int count)
    {
        var part = new int[Batch * count];
        for (int b = 0; b < Batch; b++) Array.Copy(ids, b * seq + from, part, b * count, count);
        return part;
    }
}
