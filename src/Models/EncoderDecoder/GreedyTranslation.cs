using LlmForge.Autograd;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// Greedy decoding of an <see cref="EncoderDecoderModel"/>, as transformers' generate() with num_beams 1 runs it for an
/// opus-mt config: every row starts with decoder_start_token_id, the pad token is never chosen (their bad_words_ids
/// [[pad]]), each step appends the argmax, a row that has produced eos continues with pad, and decoding stops when
/// every row has finished or after <c>maxNewTokens</c>. The source is encoded once; with the KV cache each step runs
/// the decoder on its one new token (the cross-attention's keys and values projected once per input), without it the
/// decoder reruns over the whole target so far — the same tokens either way.
/// </summary>
public static class GreedyTranslation
{
    /// <summary>
    /// The output ids, one row per source: decoder_start_token_id, then up to <paramref name="maxNewTokens"/> tokens
    /// (eos included; pad after it while other rows go on).
    /// </summary>
    /// <param name="model">The translator.</param>
    /// <param name="inputIds">input_ids (B, S), row-major.</param>
    /// <param name="batch">B.</param>
    /// <param name="sourceLength">S.</param>
    /// <param name="attentionMask">attention_mask (B, S), nonzero for real tokens; null: no padding.</param>
    /// <param name="maxNewTokens">The most tokens to generate per row.</param>
    /// <param name="useCache">Whether to decode with a KV cache (the default) or rerun the decoder over the prefix.</param>
    /// <exception cref="ArgumentException">Inputs that do not fit the model, or more tokens than max_position_embeddings.</exception>
    public static int[][] Generate(EncoderDecoderModel model, int[] inputIds, int batch, int sourceLength, int[]? attentionMask,
        int maxNewTokens, bool useCache = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNewTokens);
        var config = model.Config;
        if (maxNewTokens + 1 > config.MaxPositions)
            throw new ArgumentException(
                $"GreedyTranslation: {maxNewTokens} new tokens after the start token exceed max_position_embeddings {config.MaxPositions}.",
                nameof(maxNewTokens));
        var source = new Seq2SeqInput(inputIds, batch, sourceLength, Enumerable.Repeat(config.DecoderStartTokenId, batch).ToArray(), 1, attentionMask);
        source.Validate(config);

        var rows = new List<int>[batch];
        for (int b = 0; b < batch; b++) rows[b] = [config.DecoderStartTokenId];
        var finished = new bool[batch];
        using var noGrad = GradMode.NoGrad();
        var memory = model.Encode(inputIds, batch, sourceLength, source.SourceKeyValid(), cacheProjections: true); // (B, S, C), once
        var cache = useCache ? model.CreateDecoderCache() : null;
        for (int step = 0; step < maxNewTokens && !finished.All(f => f); step++)
        {
            // with the cache only the last token goes in; without it, the whole prefix again
            int length = useCache ? 1 : step + 1;
            var ids = new int[batch * length];
            for (int b = 0; b < batch; b++) rows[b].CopyTo(rows[b].Count - length, ids, b * length, length);
            var logits = model.Decode(ids, batch, length, memory, cache).ToArray(); // (B, length, V)
            int v = config.VocabSize;
            for (int b = 0; b < batch; b++)
            {
                int next = finished[b] ? config.PadTokenId : ArgMaxExcept(logits.AsSpan(((b + 1) * length - 1) * v, v), config.PadTokenId);
                rows[b].Add(next);
                finished[b] |= next == config.EosTokenId;
            }
        }
        return [.. rows.Select(r => r.ToArray())];
    }

    /// <summary>The index of the largest logit other than <paramref name="excluded"/> (the first on ties, as torch's argmax).</summary>
    private static int ArgMaxExcept(ReadOnlySpan<float> logits, int excluded)
    {
        int best = -1;
        for (int i = 0; i < logits.Length; i++)
            if (i != excluded && (best < 0 || logits[i] > logits[best])) best = i;
        return best;
    }
}
