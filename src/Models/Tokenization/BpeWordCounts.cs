namespace LlmForge.Tokenization;

/// <summary>The distinct pre-tokens of a corpus as byte-token sequences, with how often each occurs.</summary>
internal sealed class BpeWordCounts
{
    public required List<int[]> Symbols { get; init; }  // word → current token ids (merged in place)
    public required List<int> Lengths { get; init; }    // word → live prefix length of Symbols
    public required List<long> Counts { get; init; }    // word → occurrences in the corpus

    /// <summary>
    /// Counts the pre-tokens of <paramref name="documents"/>, then the <paramref name="rawWords"/> (runs of bytes that
    /// are not UTF-8, each one word) after them, so a corpus without any keeps the words and order it always had.
    /// </summary>
    public static BpeWordCounts Count(IEnumerable<string> documents, IReadOnlyList<byte[]> rawWords, string[] specials, int[] idOfByte)
    {
        var counts = new Dictionary<string, long>(StringComparer.Ordinal);
        var bySpan = counts.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (string doc in documents)
        {
            ArgumentNullException.ThrowIfNull(doc, nameof(documents));
            foreach (var segment in SplitOnSpecials(doc, specials))
            {
                ReadOnlySpan<char> text = doc.AsSpan(segment);
                for (int i = 0; i < text.Length;)
                {
                    int n = Gpt2PreTokenizer.NextLength(text, i);
                    var piece = text.Slice(i, n);
                    bySpan[piece] = bySpan.TryGetValue(piece, out long c) ? c + 1 : 1;
                    i += n;
                }
            }
        }

        var result = new BpeWordCounts { Symbols = new(counts.Count), Lengths = new(counts.Count), Counts = new(counts.Count) };
        // Sorted so the word order (and so every later iteration) does not depend on hashing.
        foreach (var (word, count) in counts.OrderBy(kv => kv.Key, StringComparer.Ordinal))
        {
            byte[] bytes = System.Text.Encoding.UTF8.GetBytes(word);
            result.Symbols.Add(Array.ConvertAll(bytes, b => idOfByte[b]));
            result.Lengths.Add(bytes.Length);
            result.Counts.Add(count);
        }
        // Keyed by their byte-level spelling (one character per byte), which no two byte strings share.
        foreach (var group in rawWords.GroupBy(w => ByteLevelAlphabet.ToTokenString(w), StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            byte[] bytes = group.First();
            result.Symbols.Add(Array.ConvertAll(bytes, b => idOfByte[b]));
            result.Lengths.Add(bytes.Length);
            result.Counts.Add(group.LongCount());
        }
        return result;
    }

    // The ranges of doc between occurrences of special tokens (which are not trained on).
    private static IEnumerable<Range> SplitOnSpecials(string doc, string[] specials)
    {
        int start = 0;
        while (true)
        {
            int at = -1, length = 0;
            foreach (string s in specials)
            {
                int i = doc.IndexOf(s, start, StringComparison.Ordinal);
                if (i >= 0 && (at < 0 || i < at || (i == at && s.Length > length))) { at = i; length = s.Length; }
            }
            if (at < 0) { yield return start..doc.Length; yield break; }
            yield return start..at;
            start = at + length;
        }
    }
}
