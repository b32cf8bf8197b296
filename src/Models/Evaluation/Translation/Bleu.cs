namespace LlmForge.Evaluation;

/// <summary>
/// Corpus BLEU with sacreBLEU's defaults (signature <c>case:mixed|eff:no|tok:13a|smooth:exp</c>): <see cref="Tokenizer13a"/>
/// tokens, n-grams of order 1 to 4 whose counts are clipped by the largest count in any reference, n-gram statistics and
/// lengths summed over the corpus before the score (not an average of sentence scores), the closest reference length per
/// sentence (a tie goes to the shorter), the brevity penalty, and the 'exp' smoothing: the k-th order without any match
/// counts as 100 / (2^k · total) percent. Without effective order, an order with no n-gram at all (hypotheses of fewer
/// than four words) makes the score 0.
/// </summary>
public static class Bleu
{
    /// <summary>Highest n-gram order.</summary>
    public const int MaxOrder = 4;

    /// <summary>BLEU of <paramref name="hypotheses"/> against one reference each.</summary>
    /// <exception cref="ArgumentException">Not as many references as hypotheses.</exception>
    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<string> references) =>
        Corpus(hypotheses, [references]);

    /// <summary>
    /// BLEU of <paramref name="hypotheses"/> against several reference streams (sacreBLEU's <c>refs</c>: stream k holds the
    /// k-th reference of every sentence).
    /// </summary>
    /// <exception cref="ArgumentException">No stream, or a stream whose length is not the number of hypotheses.</exception>
    public static BleuScore Corpus(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> referenceStreams)
    {
        MetricInputs.Check(hypotheses, referenceStreams);
        var matches = new long[MaxOrder];
        var totals = new long[MaxOrder];
        long hypothesisLength = 0, referenceLength = 0;
        for (int i = 0; i < hypotheses.Count; i++)
        {
            string[] hypothesis = Tokenizer13a.Words(hypotheses[i]);
            string[][] references = [.. referenceStreams.Select(stream => Tokenizer13a.Words(stream[i]))];
            hypothesisLength += hypothesis.Length;
            referenceLength += ClosestLength(hypothesis.Length, references);
            for (int n = 1; n <= MaxOrder; n++)
            {
                var maxInReference = new Dictionary<string, int>(StringComparer.Ordinal);
                foreach (var reference in references)
                    foreach (var (gram, count) in NGrams.Count(reference, n))
                        maxInReference[gram] = Math.Max(count, maxInReference.GetValueOrDefault(gram));
                foreach (var (gram, count) in NGrams.Count(hypothesis, n))
                {
                    totals[n - 1] += count;
                    matches[n - 1] += Math.Min(count, maxInReference.GetValueOrDefault(gram));
                }
            }
        }
        return Score(matches, totals, hypothesisLength, referenceLength);
    }

    /// <summary>The score of summed statistics (what <see cref="Corpus(IReadOnlyList{string}, IReadOnlyList{IReadOnlyList{string}})"/> computes last).</summary>
    internal static BleuScore Score(long[] matches, long[] totals, long hypothesisLength, long referenceLength)
    {
        var precisions = new double[MaxOrder];
        double smoothing = 1;
        for (int n = 0; n < MaxOrder; n++)
        {
            if (totals[n] == 0) break; // this order and the higher ones stay 0: the score is 0
            if (matches[n] == 0)
            {
                smoothing *= 2;
                precisions[n] = 100.0 / (smoothing * totals[n]);
            }
            else precisions[n] = 100.0 * matches[n] / totals[n];
        }
        double brevity = hypothesisLength >= referenceLength ? 1
            : hypothesisLength > 0 ? Math.Exp(1 - (double)referenceLength / hypothesisLength) : 0;
        double score = precisions.Any(p => !(p > 0)) ? 0 : brevity * Math.Exp(precisions.Sum(Math.Log) / MaxOrder);
        return new BleuScore(score, precisions, matches, totals, brevity, hypothesisLength, referenceLength);
    }

    private static int ClosestLength(int hypothesisLength, string[][] references)
    {
        int best = references[0].Length;
        foreach (var reference in references)
        {
            int length = reference.Length, distance = Math.Abs(length - hypothesisLength), bestDistance = Math.Abs(best - hypothesisLength);
            if (distance < bestDistance || (distance == bestDistance && length < best)) best = length;
        }
        return best;
    }
}
