namespace LlmForge.Evaluation;

/// <summary>The argument checks BLEU and chrF share: one reference per hypothesis in every stream.</summary>
internal static class MetricInputs
{
    public static void Check(IReadOnlyList<string> hypotheses, IReadOnlyList<IReadOnlyList<string>> referenceStreams)
    {
        ArgumentNullException.ThrowIfNull(hypotheses);
        ArgumentNullException.ThrowIfNull(referenceStreams);
        if (referenceStreams.Count == 0) throw new ArgumentException("At least one reference stream is needed.", nameof(referenceStreams));
        for (int k = 0; k < referenceStreams.Count; k++)
            if (referenceStreams[k] is not { } stream || stream.Count != hypotheses.Count)
                throw new ArgumentException(
                    $"Reference stream {k} has {referenceStreams[k]?.Count ?? 0} sentences for {hypotheses.Count} hypotheses; each stream holds one reference per hypothesis.",
                    nameof(referenceStreams));
    }
}
