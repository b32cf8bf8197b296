using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// Learns a WordPiece vocabulary from a corpus: the words of the <see cref="BasicTokenizer"/> start as
/// characters — the first as itself, the others in their "##" continuation form ("hug" → h ##u ##g) — and the
/// best adjacent pair is merged into a new token ("h" + "##u" → "hu", "##u" + "##g" → "##ug") until the
/// vocabulary has <see cref="WordPieceTrainerOptions.VocabSize"/> tokens. The vocabulary lists the special
/// tokens first, then the characters (sorted), then the merged tokens in the order they were learned.
/// </summary>
/// <remarks>
/// <para>The best pair is by <see cref="WordPieceTrainerOptions.Score"/>: by default the most frequent one, as
/// Hugging Face's tokenizers library does under the name WordPieceTrainer (BPE merges with the "##" prefix);
/// <see cref="WordPieceMergeScore.Likelihood"/> uses WordPiece's likelihood score count(ab) / (count(a)·count(b)),
/// which prefers pairs whose parts seldom occur apart and, for small vocabularies, spends the vocabulary on rare
/// words. Either way the result is used with greedy longest-match-first encoding, not by replaying merges.</para>
/// <para>Deterministic: words are visited in ordinal order and ties go to the higher count, then the smaller
/// (left id, right id). Pair counts and symbol counts are updated incrementally per merge (only the words holding
/// the pair are revisited); the best pair is found by a scan of the live pairs, because a merge changes
/// count(a) and count(b) and with them the score of every pair that holds a or b.</para>
/// </remarks>
public static class WordPieceTrainer
{
    /// <summary>Learns a vocabulary from one text, as
    /// <see cref="Train(IEnumerable{string}, WordPieceTrainerOptions)"/> from a single document.</summary>
    public static WordPieceTokenizer Train(string corpus, WordPieceTrainerOptions options) => Train([corpus], options);

    /// <summary>Learns a vocabulary of up to <see cref="WordPieceTrainerOptions.VocabSize"/> tokens from
    /// <paramref name="documents"/>, basic-tokenized as the resulting tokenizer will.</summary>
    /// <exception cref="ArgumentException">Special tokens that are not five distinct, non-empty strings.</exception>
    /// <exception cref="ArgumentOutOfRangeException">MinPairCount or MaxInputCharsPerWord below 1.</exception>
    public static WordPieceTokenizer Train(IEnumerable<string> documents, WordPieceTrainerOptions options)
    {
        ArgumentNullException.ThrowIfNull(documents);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.SpecialTokens);
        var specials = options.SpecialTokens.All;
        if (specials.Any(string.IsNullOrEmpty) || specials.Distinct().Count() != specials.Count)
            throw new ArgumentException("WordPieceTrainerOptions.SpecialTokens must be five distinct, non-empty strings.", nameof(options));
        if (options.MinPairCount < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MinPairCount, "WordPieceTrainerOptions.MinPairCount must be at least 1.");
        if (options.MaxInputCharsPerWord < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxInputCharsPerWord, "WordPieceTrainerOptions.MaxInputCharsPerWord must be at least 1.");

        var basic = new BasicTokenizer(options.LowerCase, options.StripAccents, neverSplit: specials);
        var wordCounts = CountWords(documents, basic, specials, options.MaxInputCharsPerWord);

        // Vocabulary: specials, then every character form seen, sorted ordinally.
        var tokens = new List<string>(specials);
        var alphabet = new SortedSet<string>(StringComparer.Ordinal);
        var spelled = new List<(string[] Symbols, long Count)>(wordCounts.Count);
        foreach (var (word, count) in wordCounts)
        {
            var runes = word.EnumerateRunes().Select(r => r.ToString()).ToArray();
            for (int i = 1; i < runes.Length; i++) runes[i] = WordPieceTokenizer.ContinuationPrefix + runes[i];
            alphabet.UnionWith(runes);
            spelled.Add((runes, count));
        }
        var idOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < tokens.Count; i++) idOf[tokens[i]] = i;
        foreach (string symbol in alphabet)
        {
            if (idOf.ContainsKey(symbol)) continue; // a character that is also a special token's text
            idOf[symbol] = tokens.Count;
            tokens.Add(symbol);
        }
        if (options.VocabSize < tokens.Count)
            throw new ArgumentOutOfRangeException(nameof(options), options.VocabSize,
                $"WordPieceTrainerOptions.VocabSize {options.VocabSize} is below the {specials.Count} special tokens + " +
                $"{tokens.Count - specials.Count} character forms of the corpus = {tokens.Count}.");

        var words = new WordPiecePairIndex(
            [.. spelled.Select(w => Array.ConvertAll(w.Symbols, s => idOf[s]))], [.. spelled.Select(w => w.Count)], tokens.Count);
        while (tokens.Count < options.VocabSize && words.TryFindBest(options.Score, options.MinPairCount, out int left, out int right))
        {
            string merged = tokens[left] + (tokens[right].StartsWith(WordPieceTokenizer.ContinuationPrefix, StringComparison.Ordinal)
                ? tokens[right][WordPieceTokenizer.ContinuationPrefix.Length..] : tokens[right]);
            if (!idOf.TryGetValue(merged, out int id)) // two pairs can spell the same token: reuse it
            {
                id = tokens.Count;
                idOf[merged] = id;
                tokens.Add(merged);
            }
            words.Merge(left, right, id);
        }
        return new WordPieceTokenizer(tokens, options.LowerCase, options.StripAccents, tokenizeChineseChars: true,
            options.SpecialTokens, options.MaxInputCharsPerWord);
    }

    // Basic-tokenized words with their counts, in ordinal order; special tokens and over-long words left out.
    private static List<(string Word, long Count)> CountWords(IEnumerable<string> documents, BasicTokenizer basic,
        IReadOnlyList<string> specials, int maxChars)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var special = specials.ToHashSet(StringComparer.Ordinal);
        foreach (string document in documents)
        {
            ArgumentNullException.ThrowIfNull(document, nameof(documents));
            foreach (string line in document.Split('\n')) // bounded pieces: Tokenize builds a few strings per call
            {
                foreach (string word in basic.Tokenize(line))
                {
                    if (special.Contains(word) || CodePoints(word) > maxChars) continue;
                    counts[word] = counts.GetValueOrDefault(word) + 1;
                }
            }
        }
        return [.. counts.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value))];
    }

    private static int CodePoints(string word)
    {
        int n = 0;
        foreach (Rune _ in word.EnumerateRunes()) n++;
        return n;
    }
}
