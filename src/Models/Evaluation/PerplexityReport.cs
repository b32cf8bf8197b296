namespace LlmForge.Evaluation;

/// <summary>The tokens predicted at positions [<see cref="From"/>, <see cref="To"/>) of their segment.</summary>
/// <param name="From">First position of the bucket (0-based, in the segment).</param>
/// <param name="To">One past its last position.</param>
/// <param name="Tokens">Tokens scored there (position 0 has no prediction).</param>
/// <param name="MeanLoss">Their mean cross-entropy, in nats.</param>
public sealed record PerplexityBucket(int From, int To, int Tokens, double MeanLoss)
{
    /// <summary>exp(mean loss).</summary>
    public double Perplexity => Math.Exp(MeanLoss);
}

/// <summary>What <see cref="LongTextPerplexity.Evaluate"/> measured: perplexity by position and over all, and the speed.</summary>
/// <param name="Buckets">By position in the segment, in order.</param>
/// <param name="Tokens">Tokens scored in all.</param>
/// <param name="MeanLoss">Their mean cross-entropy, in nats.</param>
/// <param name="Elapsed">Time spent in the model.</param>
public sealed record PerplexityReport(IReadOnlyList<PerplexityBucket> Buckets, int Tokens, double MeanLoss, TimeSpan Elapsed)
{
    /// <summary>exp(mean loss) over every token scored.</summary>
    public double Perplexity => Math.Exp(MeanLoss);

    /// <summary>Tokens scored per second.</summary>
    public double TokensPerSecond => Tokens / Math.Max(Elapsed.TotalSeconds, 1e-9);
}
