namespace LlmForge.Tokenization;

// Model inputs: [CLS] A [SEP] (B [SEP]) with token types, truncation and padding, as Hugging Face's
// tokenizer(text, text_pair, max_length=…, truncation=True, padding=…) builds them.
public sealed partial class WordPieceTokenizer
{
    /// <summary>
    /// <c>[CLS] A [SEP]</c>, or <c>[CLS] A [SEP] B [SEP]</c> for a pair, with token_type_ids (0 for the first
    /// segment with its [CLS] and [SEP], 1 for the second) and attention_mask (1 for every token). With
    /// <paramref name="maxLength"/>, the longer segment loses its last token until the whole fits (HF's
    /// "longest_first"; on a tie the second segment); with <paramref name="padToMaxLength"/> the row is then
    /// filled with [PAD] (token type 0, mask 0) up to <paramref name="maxLength"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><paramref name="maxLength"/> leaves no room besides the special tokens.</exception>
    public BertEncoding EncodeForModel(string text, string? textPair = null, int? maxLength = null, bool padToMaxLength = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        var a = new List<int>(Encode(text));
        var b = textPair is null ? null : new List<int>(Encode(textPair));
        int specials = b is null ? 2 : 3;
        if (padToMaxLength && maxLength is null)
            throw new ArgumentException("EncodeForModel: padToMaxLength needs maxLength.", nameof(padToMaxLength));
        if (maxLength is int max)
        {
            if (max < specials + 1)
                throw new ArgumentOutOfRangeException(nameof(maxLength), max,
                    $"EncodeForModel: maxLength {max} leaves no room for text besides {specials} special tokens.");
            while (a.Count + (b?.Count ?? 0) + specials > max)
            {
                if (b is null || a.Count > b.Count) a.RemoveAt(a.Count - 1);
                else b.RemoveAt(b.Count - 1);
            }
        }

        int length = a.Count + (b?.Count ?? 0) + specials;
        int total = padToMaxLength ? maxLength!.Value : length;
        var ids = new int[total];
        var types = new int[total];
        var mask = new int[total];
        int t = 0;
        ids[t++] = ClassificationId;
        foreach (int id in a) ids[t++] = id;
        ids[t++] = SeparatorId;
        if (b is not null)
        {
            int second = t;
            foreach (int id in b) ids[t++] = id;
            ids[t++] = SeparatorId;
            types.AsSpan(second, t - second).Fill(1);
        }
        mask.AsSpan(0, t).Fill(1);
        ids.AsSpan(t).Fill(PaddingId);
        return new BertEncoding(ids, types, mask);
    }

    /// <summary>
    /// Encodes every text (paired with <paramref name="textPairs"/>[i] if given) by <see cref="EncodeForModel"/>
    /// and pads the rows to the longest one, or to <paramref name="maxLength"/> with <paramref name="padToMaxLength"/>.
    /// </summary>
    public BertEncodedBatch EncodeBatch(IReadOnlyList<string> texts, IReadOnlyList<string>? textPairs = null,
        int? maxLength = null, bool padToMaxLength = false)
    {
        ArgumentNullException.ThrowIfNull(texts);
        if (texts.Count == 0) throw new ArgumentException("EncodeBatch: no texts.", nameof(texts));
        if (textPairs is not null && textPairs.Count != texts.Count)
            throw new ArgumentException($"EncodeBatch: {textPairs.Count} text pairs for {texts.Count} texts.", nameof(textPairs));
        var rows = new BertEncoding[texts.Count];
        for (int i = 0; i < rows.Length; i++)
            rows[i] = EncodeForModel(texts[i], textPairs?[i], maxLength, padToMaxLength);
        int longest = rows.Max(r => r.Length);
        for (int i = 0; i < rows.Length; i++)
            rows[i] = Pad(rows[i], longest);
        return BertEncodedBatch.Stack(rows);
    }

    /// <summary><paramref name="row"/> filled with [PAD] (type 0, mask 0) up to <paramref name="length"/>.</summary>
    public BertEncoding Pad(BertEncoding row, int length)
    {
        ArgumentNullException.ThrowIfNull(row);
        if (row.Length == length) return row;
        if (row.Length > length)
            throw new ArgumentException($"Pad: the row has {row.Length} tokens, more than {length}.", nameof(length));
        var ids = new int[length];
        var types = new int[length];
        var mask = new int[length];
        row.InputIds.CopyTo(ids, 0);
        row.TokenTypeIds.CopyTo(types, 0);
        row.AttentionMask.CopyTo(mask, 0);
        ids.AsSpan(row.Length).Fill(PaddingId);
        return new BertEncoding(ids, types, mask);
    }
}
