using System.Text;

namespace LlmForge.Evaluation;

/// <summary>
/// Corpus chrF with sacreBLEU's defaults (chrF2: character n-grams of order 1 to 6, no word n-grams, β = 2, case kept,
/// whitespace removed before the n-grams are taken). Per sentence, the n-gram statistics of the reference whose own
/// chrF is best are kept; statistics are summed over the corpus; precision and recall are averaged over the orders
/// present in both hypothesis and reference, then combined as F-β = (1 + β²)·P·R / (β²·P + R), in percent.
/// </summary>
public static class ChrF
{
    /// <summary>Highest character n-gram order.</summary>
    public const int CharOrder = 6;

    /// <summary>Weight of recall over precision.</summary>
    public const double Beta = 2;

    /// <summary>chrF of <paramref name="hypotheses"/> against one reference each, in [0, 100].</summary>
    /// <exception cref="ArgumentException">Not as many references as hypotheses.</exception>
    public static double Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references) =>
        Corpus(hypotheses, [references]);

    /// <summary>chrF of <paramref name="hypotheses"/> against several reference streams (stream k holds the k-th reference of every sentence).</summary>
    /// <exception cref="ArgumentException">No stream, or a stream whose length is not the number of hypotheses.</exception>
    public static double Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> referenceStreams)
    {
        MetricInputs.Check(hypotheses, referenceStreams);
        var total = new long[3 * CharOrder];
        for (int i = 0; i < hypotheses.Count; i++)
        {
            string[] hypothesis = Characters(hypotheses[i]);
            long[]? best = null;
            double bestScore = -1;
            foreach (var stream in referenceStreams)
            {
                var stats = Statistics(hypothesis, Characters(stream[i]));
                double score = FScore(stats);
                if (score > bestScore) (best, bestScore) = (stats, score);
            }
            for (int k = 0; k < total.Length; k++) total[k] += best![k];
        }
        return FScore(total);
    }

    /// <summary>chrF of one sentence against one reference.</summary>
    public static double Sentence(string hypothesis, string reference) => Corpus([hypothesis], [reference]);

    /// <summary>For each order n = 1..6: hypothesis n-grams, reference n-grams, and matches (the smaller count of each n-gram).</summary>
    private static long[] Statistics(string[] hypothesis, string[] reference)
    {
        var stats = new long[3 * CharOrder];
        for (int n = 1; n <= CharOrder; n++)
        {
            var hypothesisGrams = NGrams.Count(hypothesis, n);
            var referenceGrams = NGrams.Count(reference, n);
            long matches = 0;
            foreach (var (gram, count) in hypothesisGrams)
                matches += Math.Min(count, referenceGrams.GetValueOrDefault(gram));
            stats[3 * (n - 1)] = Math.Max(0, hypothesis.Length - n + 1);
            stats[3 * (n - 1) + 1] = Math.Max(0, reference.Length - n + 1);
            stats[3 * (n - 1) + 2] = matches;
        }
        return stats;
    }

    private static double FScore(long[] stats)
    {
        double precision = 0, recall = 0;
        int effectiveOrder = 0;
        for (int n = 0; n < CharOrder; n++)
        {
            long hyp = stats[3 * n], reference = stats[3 * n + 1], matches = stats[3 * n + 2];
            precision += hyp > 0 ? (double)matches / hyp : 0;
            recall += reference > 0 ? (double)matches / reference : 0;
            if (hyp > 0 && reference > 0) effectiveOrder++;
        }
        if (effectiveOrder == 0) return 0;
        precision /= effectiveOrder;
        recall /= effectiveOrder;
        if (precision + recall == 0) return 0;
        const double factor = Beta * Beta;
        return 100 * (1 + factor) * precision * recall / (factor * precision + recall);
    }

    /// <summary>The characters of <paramref name="text"/> without its whitespace, one string per code point (as Python
    /// counts characters: an emoji outside the Basic Multilingual Plane is one character, not two UTF-16 units).</summary>
    private static string[] Characters(string text) =>
        [.. text.EnumerateRunes().Where(r => !Rune.IsWhiteSpace(r)).Select(r => r.ToString())];
}
