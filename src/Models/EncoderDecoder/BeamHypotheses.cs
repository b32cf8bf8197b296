namespace LlmForge.EncoderDecoder;

/// <summary>
/// The K best finished translations of one input during a beam search (transformers' BeamHypotheses): each scored
/// sum_logprobs / generated_length^length_penalty, the worst dropped when a better one arrives, and the test of whether
/// any running beam could still beat them.
/// </summary>
internal sealed class BeamHypotheses(int numBeams, double lengthPenalty, BeamEarlyStopping earlyStopping, int maxNewTokens)
{
    private readonly List<(double Score, int[] Tokens)> beams = [];
    private double worstScore = 1e9;

    /// <summary>The hypotheses kept, in the order they were added (the worst removed).</summary>
    public IReadOnlyList<(double Score, int[] Tokens)> Beams => beams;

    /// <summary>
    /// Offers <paramref name="tokens"/> (decoder start + generated, no eos) whose log-probabilities sum to
    /// <paramref name="sumLogProbs"/> over <paramref name="generatedLength"/> generated tokens (an eos included).
    /// </summary>
    public void Add(int[] tokens, double sumLogProbs, int generatedLength)
    {
        double score = sumLogProbs / Math.Pow(generatedLength, lengthPenalty);
        if (beams.Count < numBeams || score > worstScore)
        {
            beams.Add((score, tokens));
            if (beams.Count > numBeams)
            {
                // drop the worst (the first of equal scores, as Python's sorted over (score, index)), the next is the new worst
                var ranked = beams.Select((b, i) => (b.Score, Index: i)).OrderBy(b => b.Score).ThenBy(b => b.Index).ToArray();
                beams.RemoveAt(ranked[0].Index);
                worstScore = ranked[1].Score;
            }
            else
            {
                worstScore = Math.Min(score, worstScore);
            }
        }
    }

    /// <summary>
    /// Whether the input is done: K hypotheses and, unless <see cref="BeamEarlyStopping.OnceFull"/>, none of the running
    /// beams (the best of which sums <paramref name="bestSumLogProbs"/> after <paramref name="generatedLength"/> tokens)
    /// can still score higher than the worst of them.
    /// </summary>
    public bool IsDone(double bestSumLogProbs, int generatedLength)
    {
        if (beams.Count < numBeams) return false;
        if (earlyStopping == BeamEarlyStopping.OnceFull) return true;
        int length = earlyStopping == BeamEarlyStopping.Never && lengthPenalty > 0 ? maxNewTokens : generatedLength;
        return worstScore >= bestSumLogProbs / Math.Pow(length, lengthPenalty);
    }

    /// <summary>The best hypothesis: the highest score, the last added of equal ones (transformers' sorted(...).pop()).</summary>
    public (double Score, int[] Tokens) Best()
    {
        var best = beams[0];
        foreach (var b in beams.Skip(1))
            if (b.Score >= best.Score) best = b;
        return best;
    }
}
