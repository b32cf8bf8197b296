using LlmForge.Autograd;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.Gpt;

// Incremental decoding with a KV cache: the same computation as Forward, one new token at a time.
public sealed partial class GptModel
{
    /// <summary>
    /// An empty decoding state for <paramref name="batch"/> rows: ring buffers bounded by the window when the model
    /// has rotary positions and sliding-window attention, growing caches bounded by the context length otherwise.
    /// </summary>
    public GptKvCache CreateKvCache(int batch = 1) => CreateKvCache(batch, KvCachePolicy.Dense);

    /// <summary>
    /// An empty decoding state for <paramref name="batch"/> rows under <paramref name="policy"/>: dense as
    /// <see cref="CreateKvCache(int)"/>; recompute: growing caches bounded by its window (a generator then re-encodes
    /// the last window for every token); window and sink: a <see cref="SinkKvCache"/> per block (S + W slots), for
    /// rotary positions and full attention only, decoding without end.
    /// </summary>
    /// <exception cref="ArgumentException">The policy is invalid or does not fit the model (the message names the key under <c>KvCache</c>).</exception>
    public GptKvCache CreateKvCache(int batch, KvCachePolicy policy)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        CheckPolicy(policy);
        int window = policy.WindowFor(Config.ContextLength), prefix = Config.PrefixLength; // a sink token takes a slot of its own
        var layers = new ISlotKvCache[Blocks.Count];
        for (int i = 0; i < layers.Length; i++)
        {
            layers[i] = policy.Kind switch
            {
                KvCacheKind.Window or KvCacheKind.Sink => new SinkKvCache(policy.Sinks, window, (RotaryPositionalEncoding)Positions),
                KvCacheKind.Recompute => KvCache.Growing(prefix + window),
                _ when Config.SlidingWindow is not null && Positions is RotaryPositionalEncoding => KvCache.Ring(Config.SlidingWindow.Value),
                _ => KvCache.Growing(prefix + Config.ContextLength),
            };
        }
        return new GptKvCache(batch, layers, prefix + (policy.Kind == KvCacheKind.Recompute ? window : Config.ContextLength), policy, prefix);
    }

    /// <summary>
    /// A dense decoding state that keeps every token up to <paramref name="maxLength"/>, past the context length:
    /// rotary positions extrapolate (the long-text evaluation's dense baseline). A sink token takes one slot more.
    /// </summary>
    internal GptKvCache CreateUnboundedDenseKvCache(int batch, int maxLength)
    {
        if (Positions is not RotaryPositionalEncoding || Config.SlidingWindow is not null)
            throw new ArgumentException(
                $"GptModel: dense attention past the context length ({Config.ContextLength}) needs rotary positions and full attention.");
        var layers = new ISlotKvCache[Blocks.Count];
        int slots = Config.PrefixLength + maxLength;
        for (int i = 0; i < layers.Length; i++) layers[i] = KvCache.Growing(slots);
        return new GptKvCache(batch, layers, slots, KvCachePolicy.Dense, Config.PrefixLength);
    }

    /// <summary>Throws naming the KvCache key when <paramref name="policy"/> is invalid or does not fit this model.</summary>
    public void CheckPolicy(KvCachePolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        policy.Validate();
        const string key = KvCachePolicy.SectionName;
        if (policy.IsStreaming && Positions is not RotaryPositionalEncoding)
            throw new ArgumentException(
                $"{key}:Kind: {policy.KindName} assigns positions inside the cache, which needs rotary positions; this model's are {Components.PositionalEncoding.Name}.");
        if (policy.IsStreaming && Config.SlidingWindow is not null)
            throw new ArgumentException(
                $"{key}:Kind: {policy.KindName} needs full attention; this model's sliding-window attention (window {Config.SlidingWindow}) keeps its own ring buffer (Kind dense).");
        if (policy.Kind == KvCacheKind.Recompute && policy.WindowFor(Config.ContextLength) > Config.ContextLength)
            throw new ArgumentException(
                $"{key}:Window: recompute re-encodes {policy.WindowFor(Config.ContextLength)} tokens, more than the context length {Config.ContextLength}.");
    }

    /// <summary>
    /// Runs the new tokens ids (B, T) through the model against <paramref name="cache"/> and appends them to it:
    /// logits (B, T, vocab), equal to those of <see cref="Forward(int[], int, int)"/> over the whole sequence so far.
    /// On an empty cache this is the prefill (the prompt, T ≤ context length); afterwards each call is one decoding
    /// step of one token per row (T = 1), each row at its own next position. Runs under <see cref="GradMode.NoGrad"/>.
    /// With a <see cref="Checkpoints.GptConfig.SinkToken"/> the prefill puts the sink token before the prompt (position 0, the
    /// cache's first slot, which a sink policy keeps as its first sink); the logits are the text's only.
    /// </summary>
    /// <param name="attentionMask">
    /// Prefill only: [B · T], nonzero for real tokens, 0 for padding — left or right padding, each row one run of
    /// real tokens; they take positions 0, 1, … whatever their slots. Null: no padding.
    /// </param>
    /// <param name="lastTokenOnly">Return the logits of each row's last real token only, (B, 1, vocab): all a generator needs.</param>
    /// <exception cref="ArgumentException">Wrong sizes, a malformed mask, or a step past the context length when the cache is bounded.</exception>
    /// <param name="ids">The new tokens, [B · T] row-major.</param>
    /// <param name="batch">B, the cache's batch size.</param>
    /// <param name="seq">T, the new tokens per row.</param>
    /// <param name="cache">The per-layer keys and values so far (<see cref="CreateKvCache(int, KvCachePolicy)"/>); the new ones are appended.</param>
    public Tensor ForwardIncremental(int[] ids, int batch, int seq, GptKvCache cache, int[]? attentionMask = null, bool lastTokenOnly = false)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seq);
        if (batch != cache.Batch || cache.Layers.Count != Blocks.Count)
            throw new ArgumentException(
                $"GptModel: the cache is for batch {cache.Batch} and {cache.Layers.Count} layers, not batch {batch} and {Blocks.Count} layers.", nameof(cache));
        if (ids.Length != (long)batch * seq)
            throw new ArgumentException($"GptModel: {ids.Length} token ids do not fill batch {batch} × seq {seq} = {(long)batch * seq}.", nameof(ids));
        bool prefill = cache.Length == 0;
        if (prefill && seq > Config.ContextLength)
            throw new ArgumentException(
                $"GptModel: a prompt of {seq} tokens exceeds the context length {Config.ContextLength}; crop it to the last ContextLength tokens.", nameof(seq));
        if (!prefill && seq != 1)
            throw new ArgumentException($"GptModel: after the prefill each step takes one token per row, got {seq}.", nameof(seq));
        if (!prefill && attentionMask is not null)
            throw new ArgumentException("GptModel: padding (attentionMask) belongs to the prefill; a step's tokens are all real.", nameof(attentionMask));
        if (!prefill && cache.Remaining < seq)
            throw new ArgumentException(
                $"GptModel: the cache holds {cache.Length} of {cache.ContextLength} positions (n_positions); " +
                "crop the context and start a new cache.", nameof(cache));

        int prefix = prefill ? Config.PrefixLength : 0;                         // the sink token, before the prompt
        var tokens = prefill ? PromptPositions(batch, seq, attentionMask, prefix) : StepPositions(cache);
        using var noGrad = GradMode.NoGrad();
        int before = cache.Length;
        var x = TokenEmbedding.Forward(ids, batch, seq);                        // (B, T, C)
        if (prefix > 0) x = WithSink(x);                                        // (B, 1 + T, C)
        x = EmbeddingDropout.Forward(Positions.EncodeEmbeddings(x, tokens));   // + wpe or sinusoids at each token's position
        var mask = TransformerBlock.IncrementalMask(tokens, before);           // one for all blocks: each cache holds `before` tokens
        for (int i = 0; i < Blocks.Count; i++)                                 // a block's intermediates serve the next
        {
            x = TensorArena.RunLayer((block: Blocks[i], x, mask, Positions, tokens, cache: cache.Layers[i]),
                static s => s.block.Forward(s.x, s.mask, s.Positions, s.tokens, s.cache)); // (B, T, C)
        }
        for (int i = 0; i < Blocks.Count; i++)
            if (cache.Layers[i].Length != before + prefix + seq)
                throw new InvalidOperationException(
                    $"GptModel: block {i}'s attention ({Components.Attention.Name}) did not use the KV cache it was given; it cannot decode incrementally.");
        if (lastTokenOnly) x = LastRealTokens(x, tokens);                      // (B, 1, C)
        else if (prefix > 0) x = x.Narrow(1, prefix, seq);                     // the text's tokens: (B, T, C)
        x = FinalNorm.Forward(x);
        var logits = OutHead.Forward(x);                                       // (B, T or 1, vocab)
        for (int b = 0; b < batch; b++)
        {
            int real = 0;
            for (int t = 0; t < prefix + seq; t++) if (tokens.IsValid(b, t)) real++;
            cache.Advance(b, real);
        }
        return logits;
    }

    /// <summary>
    /// The prompt's positions (B, prefix + T): the <paramref name="prefix"/> sink token at 0, then each row's real
    /// tokens at prefix, prefix + 1, …; padding at 0 (hidden as a key).
    /// </summary>
    private static TokenPositions PromptPositions(int batch, int seq, int[]? attentionMask, int prefix)
    {
        int width = prefix + seq;
        var positions = new int[batch * width];
        if (attentionMask is null)
            return TokenPositions.Uniform(batch, width, 0);
        if (attentionMask.Length != batch * seq)
            throw new ArgumentException($"GptModel: attentionMask has {attentionMask.Length} entries for ids ({batch}, {seq}).", nameof(attentionMask));
        var valid = new byte[positions.Length];
        for (int b = 0; b < batch; b++)
        {
            int real = 0, runs = 0;
            for (int t = 0; t < prefix; t++)
            {
                valid[b * width + t] = 1;
                positions[b * width + t] = real++;
            }
            for (int t = 0; t < seq; t++)
            {
                int i = b * seq + t;
                if (attentionMask[i] == 0) continue;
                if (t == 0 || attentionMask[i - 1] == 0) runs++;
                valid[b * width + prefix + t] = 1;
                positions[b * width + prefix + t] = real++;
            }
            if (runs != 1)
                throw new ArgumentException(
                    $"GptModel: row {b} of attentionMask has {runs} runs of real tokens; left or right padding leaves exactly one.", nameof(attentionMask));
        }
        return new TokenPositions(batch, width, positions, valid);
    }

    private static TokenPositions StepPositions(GptKvCache cache) =>
        new(cache.Batch, 1, [.. cache.NextPositions]);

    /// <summary>(B, T, C) → (B, 1, C): the hidden state of each row's last real token.</summary>
    private static Tensor LastRealTokens(Tensor x, TokenPositions tokens)
    {
        int b = x.Shape[0], t = x.Shape[1], c = x.Shape[2];
        var rows = new int[b];
        for (int i = 0; i < b; i++)
        {
            int last = t - 1;
            while (!tokens.IsValid(i, last)) last--;
            rows[i] = i * t + last;
        }
        return x.Reshape(b * t, c).Embedding(rows, b, 1); // a row gather: (B·T, C) → (B, 1, C)
    }
}
