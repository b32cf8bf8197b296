using LlmForge.Tokenization;

namespace LlmForge.Data;

/// <summary>A translation pair as ids: source and target each end with the tokenizer's <c>&lt;/s&gt;</c>.</summary>
/// <param name="SourceIds">Encoder input ids, eos last.</param>
/// <param name="TargetIds">The labels, eos last.</param>
public sealed record Seq2SeqExample(int[] SourceIds, int[] TargetIds)
{
    /// <summary>
    /// Encodes <paramref name="pair"/> with <paramref name="tokenizer"/>; a side longer than its limit is cut to it,
    /// keeping the eos as its last id (as transformers truncates before adding special tokens).
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">A limit below 2 (one token and the eos).</exception>
    public static Seq2SeqExample Encode(TranslationPair pair, ITranslationTokenizer tokenizer, int maxSourceLength, int maxTargetLength)
    {
        ArgumentNullException.ThrowIfNull(pair);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new(Truncate(tokenizer.EncodeSource(pair.Source), maxSourceLength, nameof(maxSourceLength)),
                   Truncate(tokenizer.EncodeTarget(pair.Target), maxTargetLength, nameof(maxTargetLength)));
    }

    private static int[] Truncate(IReadOnlyList<int> ids, int max, string name)
    {
        if (max < 2) throw new ArgumentOutOfRangeException(name, max, "must be at least 2 (one token and the eos)");
        if (ids.Count <= max) return [.. ids];
        var cut = new int[max];
        for (int i = 0; i < max - 1; i++) cut[i] = ids[i];
        cut[^1] = ids[^1];
        return cut;
    }
}
