namespace LlmForge.Tokenization;

/// <summary>
/// Learns a byte-level BPE vocabulary from a corpus, GPT-2 style: pre-tokenize with GPT-2's
/// pattern, start from the 256 byte tokens (ids in GPT-2's order, see
/// <see cref="ByteLevelAlphabet.BytesInCharOrder"/>), then repeatedly merge the most frequent
/// adjacent pair into a new token. The result is a <see cref="Gpt2Tokenizer"/> whose merges rank in
/// learning order, saved as <c>vocab.json</c> + <c>merges.txt</c> like GPT-2's own.
/// </summary>
/// <remarks>
/// Deterministic: among pairs of equal count the one with the smaller (left id, right id) wins.
/// Pair counts are kept up to date incrementally: a merge only revisits the distinct words that
/// contain the merged pair (an index pair → words), and a max-heap with lazy deletion finds the next
/// best pair (an entry whose count is out of date is re-queued with its current count when popped;
/// counts of old pairs only fall, new pairs are queued when created).
/// </remarks>
public static class BpeTrainer
{
    /// <summary>Learns a vocabulary from one text, as <see cref="Train(IEnumerable{string}, BpeTrainerOptions)"/>
    /// from a single document.</summary>
    public static Gpt2Tokenizer Train(string corpus, BpeTrainerOptions options) => Train([corpus], options);

    /// <summary>
    /// Learns a vocabulary from <paramref name="documents"/>, each pre-tokenized on its own (no pre-token crosses a
    /// document boundary), with the settings of <paramref name="options"/>.
    /// </summary>
    public static Gpt2Tokenizer Train(IEnumerable<string> documents, BpeTrainerOptions options) => Train(documents, [], options);

    /// <summary>
    /// Learns from raw bytes (a corpus file read as bytes): valid UTF-8 runs are pre-tokenized as text, each run of
    /// bytes that are not UTF-8 is one more word, as <see cref="Gpt2Tokenizer.EncodeBytes"/> splits them. A valid
    /// UTF-8 corpus learns exactly what <see cref="Train(string, BpeTrainerOptions)"/> learns from its text.
    /// </summary>
    public static Gpt2Tokenizer Train(ReadOnlySpan<byte> corpus, BpeTrainerOptions options)
    {
        var texts = new List<string>();
        var raw = new List<byte[]>();
        foreach (var run in Utf8Runs.Split(corpus))
        {
            var piece = corpus.Slice(run.Start, run.Length);
            if (run.IsText) texts.Add(System.Text.Encoding.UTF8.GetString(piece));
            else raw.Add(piece.ToArray());
        }
        return Train(texts, raw, options);
    }

    private static Gpt2Tokenizer Train(IEnumerable<string> documents, IReadOnlyList<byte[]> rawWords, BpeTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(options);
        var specials = options.SpecialTokens.ToArray();
        if (specials.Any(string.IsNullOrEmpty) || specials.Distinct().Count() != specials.Length)
            throw new ArgumentException("BpeTrainerOptions.SpecialTokens must be distinct, non-empty strings.", nameof(options));
        if (options.VocabSize < 256 + specials.Length)
            throw new ArgumentOutOfRangeException(nameof(options), options.VocabSize,
                $"BpeTrainerOptions.VocabSize must be at least 256 byte tokens + {specials.Length} special tokens = {256 + specials.Length}.");
        if (options.MinPairCount < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MinPairCount, "BpeTrainerOptions.MinPairCount must be at least 1.");

        // Token strings by id: the 256 bytes first, in GPT-2's order.
        var tokens = new List<string>();
        var idOfByte = new int[256];
        foreach (byte b in ByteLevelAlphabet.BytesInCharOrder())
        {
            idOfByte[b] = tokens.Count;
            tokens.Add(ByteLevelAlphabet.ToChar(b).ToString());
        }
        var idOfToken = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++) idOfToken[tokens[i]] = i;

        var words = BpeWordCounts.Count(documents, rawWords, specials, idOfByte);
        var pairs = new BpePairIndex(words);
        var merges = new List<(string Left, string Right)>();

        while (tokens.Count + specials.Length < options.VocabSize && pairs.TryTakeBest(options.MinPairCount, out int left, out int right))
        {
            string merged = tokens[left] + tokens[right];
            if (!idOfToken.TryGetValue(merged, out int newId)) // two pairs can spell the same string: reuse its id
            {
                newId = tokens.Count;
                tokens.Add(merged);
                idOfToken[merged] = newId;
            }
            merges.Add((tokens[left], tokens[right]));
            pairs.Merge(left, right, newId);
        }

        foreach (string s in specials)
        {
            if (idOfToken.ContainsKey(s))
                throw new ArgumentException($"Special token '{s}' collides with a learned token of the same text.", nameof(options));
            idOfToken[s] = idOfToken.Count;
        }
        return new Gpt2Tokenizer(idOfToken, merges, specials);
    }
}
