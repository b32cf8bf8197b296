using System.Globalization;

namespace LlmForge.Evaluation;

/// <summary>A corpus BLEU score with the statistics it was computed from (sacreBLEU prints the same).</summary>
/// <param name="Score">BLEU in [0, 100].</param>
/// <param name="Precisions">Smoothed n-gram precisions in percent, n = 1..4.</param>
/// <param name="Matches">Clipped n-gram matches, n = 1..4.</param>
/// <param name="Totals">Hypothesis n-grams, n = 1..4.</param>
/// <param name="BrevityPenalty">exp(1 − r/c) when the hypotheses are shorter than the references, else 1.</param>
/// <param name="HypothesisLength">c: 13a tokens in the hypotheses.</param>
/// <param name="ReferenceLength">r: 13a tokens in the closest reference of each sentence.</param>
public sealed record BleuScore(double Score, IReadOnlyList<double> Precisions, IReadOnlyList<long> Matches, IReadOnlyList<long> Totals,
    double BrevityPenalty, long HypothesisLength, long ReferenceLength)
{
    /// <summary>c / r.</summary>
    public double Ratio => ReferenceLength == 0 ? 0 : (double)HypothesisLength / ReferenceLength;

    /// <summary>sacreBLEU's line: <c>BLEU = 48.53 82.4/50.0/45.5/37.5 (BP = 0.943 ratio = 0.944 hyp_len = 17 ref_len = 18)</c>.</summary>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture,
        $"BLEU = {Score:F2} {string.Join('/', Precisions.Select(p => p.ToString("F1", CultureInfo.InvariantCulture)))} (BP = {BrevityPenalty:F3} ratio = {Ratio:F3} hyp_len = {HypothesisLength} ref_len = {ReferenceLength})");
}
