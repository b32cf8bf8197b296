using LlmForge.Tokenization;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// Texts in, translations out: each source encoded by the translator's tokenizer (cut to <c>maxSourceLength</c> tokens,
/// eos kept), the sources grouped by length into padded batches, decoded greedily (<see cref="GreedyTranslation"/>,
/// with the KV cache) and decoded back to text, in the order given.
/// </summary>
public static class TextTranslation
{
    /// <summary>The greedy translation of every text of <paramref name="sources"/>, in order.</summary>
    /// <param name="model">The translator.</param>
    /// <param name="tokenizer">Its tokenizer (same vocabulary).</param>
    /// <param name="sources">Source-language texts.</param>
    /// <param name="batchSize">Sources decoded at once.</param>
    /// <param name="maxSourceLength">Longest source in tokens (eos included); null: max_position_embeddings.</param>
    /// <param name="maxNewTokens">Most tokens generated per text; null: twice its source's tokens plus 10, within max_position_embeddings.</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    /// <exception cref="ArgumentException">A tokenizer of another vocabulary size than the model's.</exception>
    public static IReadOnlyList<string> Greedy(EncoderDecoderModel model, ITranslationTokenizer tokenizer, IReadOnlyList<string> sources,
        int batchSize = 32, int? maxSourceLength = null, int? maxNewTokens = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(sources);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        var config = model.Config;
        if (tokenizer.VocabSize > config.VocabSize)
            throw new ArgumentException($"TextTranslation: the tokenizer has {tokenizer.VocabSize} ids, the model's vocab_size is {config.VocabSize}.", nameof(tokenizer));
        int limit = Math.Min(maxSourceLength ?? config.MaxPositions, config.MaxPositions);
        var encoded = sources.Select(s => Cut(tokenizer.EncodeSource(s), limit)).ToArray();
        int[] order = [.. Enumerable.Range(0, encoded.Length).OrderBy(i => encoded[i].Length)]; // little padding per batch
        var translations = new string[sources.Count];
        for (int start = 0; start < order.Length; start += batchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = order.AsSpan(start, Math.Min(batchSize, order.Length - start)).ToArray();
            int length = rows.Max(r => encoded[r].Length);
            var ids = new int[rows.Length * length];
            var mask = new int[rows.Length * length];
            Array.Fill(ids, config.PadTokenId);
            for (int b = 0; b < rows.Length; b++)
            {
                encoded[rows[b]].CopyTo(ids, b * length);
                mask.AsSpan(b * length, encoded[rows[b]].Length).Fill(1);
            }
            int newTokens = Math.Min(maxNewTokens ?? 2 * length + 10, config.MaxPositions - 1);
            var outputs = GreedyTranslation.Generate(model, ids, rows.Length, length, mask, newTokens);
            for (int b = 0; b < rows.Length; b++)
                translations[rows[b]] = tokenizer.DecodeTarget(outputs[b].Skip(1)); // without the start token
        }
        return translations;
    }

    /// <summary>At most <paramref name="max"/> ids, the last (eos) kept.</summary>
    private static int[] Cut(IReadOnlyList<int> ids, int max)
    {
        if (ids.Count <= max) return [.. ids];
        return [.. ids.Take(max - 1), ids[^1]];
    }
}
