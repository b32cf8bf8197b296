using LlmForge.Data;
using LlmForge.EncoderDecoder;
using LlmForge.Tokenization;

namespace LlmForge.Evaluation;

/// <summary>A translator's scores on a set of pairs: corpus BLEU (sacreBLEU 13a) and chrF, with the translations scored.</summary>
/// <param name="Bleu">Corpus BLEU and its statistics.</param>
/// <param name="ChrF">Corpus chrF (character 6-grams, β = 2), 0–100.</param>
/// <param name="Translations">The greedy translation of each pair's source, in the pairs' order.</param>
public sealed record TranslationScores(BleuScore Bleu, double ChrF, IReadOnlyList<string> Translations);

/// <summary>
/// Scores a translator on held-out pairs: every source translated greedily (<see cref="TextTranslation.Greedy"/>),
/// then BLEU and chrF of the translations against the pairs' targets.
/// </summary>
public static class TranslationEvaluation
{
    /// <summary>The scores of <paramref name="model"/> on <paramref name="pairs"/>.</summary>
    /// <param name="model">The translator (called without a graph; set eval mode first to turn dropout off).</param>
    /// <param name="tokenizer">Its tokenizer.</param>
    /// <param name="pairs">The pairs scored (at least one).</param>
    /// <param name="batchSize">Sources decoded at once.</param>
    /// <param name="maxSourceLength">Longest source in tokens; null: max_position_embeddings.</param>
    /// <param name="cancellationToken">Checked before each batch.</param>
    public static TranslationScores Score(EncoderDecoderModel model, ITranslationTokenizer tokenizer, IReadOnlyList<TranslationPair> pairs,
        int batchSize = 32, int? maxSourceLength = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (pairs.Count == 0) throw new ArgumentException("TranslationEvaluation: no pairs to score.", nameof(pairs));
        var translations = TextTranslation.Greedy(model, tokenizer, [.. pairs.Select(p => p.Source)], batchSize, maxSourceLength,
            cancellationToken: cancellationToken);
        string[] references = [.. pairs.Select(p => p.Target)];
        return new(Evaluation.Bleu.Corpus(translations, references), Evaluation.ChrF.Corpus(translations, references), translations);
    }

    /// <summary>
    /// <paramref name="count"/> pairs spread evenly over <paramref name="pairs"/> (every ⌊N/count⌋-th, from the first),
    /// or all of them when <paramref name="count"/> is 0 or not below N: the same subset at every evaluation.
    /// </summary>
    public static IReadOnlyList<TranslationPair> Subset(IReadOnlyList<TranslationPair> pairs, int count)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0 || count >= pairs.Count) return pairs;
        return [.. Enumerable.Range(0, count).Select(i => pairs[(int)((long)i * pairs.Count / count)])];
    }
}
