using System.Diagnostics;
using LlmForge.Autograd;
using LlmForge.Gpt;
using LlmForge.Layers;

namespace LlmForge.Evaluation;

/// <summary>
/// Perplexity over texts longer than the context, under a <see cref="KvCachePolicy"/>, by position: each token of
/// a segment is predicted from what the policy keeps of the tokens before it, and the losses are averaged per
/// bucket of positions, showing what decoding past the context costs.
/// <list type="bullet">
/// <item>dense: every earlier token of the segment, at its own position (past the context only rotary positions
/// have one: they extrapolate);</item>
/// <item>recompute: a fresh forward over the last window tokens, moving by <see cref="Stride"/> (stride 1: each
/// token sees the window − 1 before it; a larger stride scores stride tokens per forward, each seeing at least
/// window − stride);</item>
/// <item>window, sink: streamed one token at a time through the rolling cache (constant time per token).</item>
/// </list>
/// A model with a learned sink token (<see cref="Checkpoints.GptConfig.SinkToken"/>) reads it before each segment:
/// dense keeps it at position 0, recompute puts it before every window it re-encodes, sink keeps it as the first of
/// its S sinks, and window evicts it like any other token once it leaves the window.
/// </summary>
public sealed class LongTextPerplexity
{
    private readonly GptModel _model;

    /// <param name="model">A GPT; window and sink need rotary positions and full attention.</param>
    /// <param name="policy">What each prediction sees.</param>
    /// <exception cref="ArgumentException">The policy does not fit the model (named key).</exception>
    public LongTextPerplexity(GptModel model, KvCachePolicy policy)
    {
        _model = model ?? throw new ArgumentNullException(nameof(model));
        model.CheckPolicy(policy);
        Policy = policy;
    }

    /// <summary>What each prediction sees.</summary>
    public KvCachePolicy Policy { get; }

    /// <summary>Recompute only: how far the window moves per forward (default 1: exact, one forward per token).</summary>
    public int Stride { get; init; } = 1;

    /// <summary>Positions per bucket; 0 (the default) = the model's context length.</summary>
    public int BucketSize { get; init; }

    /// <summary>Tokens per segment, each evaluated from a fresh state; 0 (the default) = the whole text as one segment.</summary>
    public int SegmentLength { get; init; }

    /// <summary>Scores every token of <paramref name="ids"/> but each segment's first.</summary>
    /// <exception cref="ArgumentException">Fewer than 2 tokens, a setting out of range, or dense past the context on absolute positions.</exception>
    public PerplexityReport Evaluate(IReadOnlyList<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(Stride, nameof(Stride));
        ArgumentOutOfRangeException.ThrowIfNegative(BucketSize, nameof(BucketSize));
        ArgumentOutOfRangeException.ThrowIfNegative(SegmentLength, nameof(SegmentLength));
        if (ids.Count < 2) throw new ArgumentException($"LongTextPerplexity: {ids.Count} tokens; at least 2 are needed (one predicts the next).", nameof(ids));
        int segment = SegmentLength == 0 ? ids.Count : SegmentLength, bucket = BucketSize == 0 ? _model.Config.ContextLength : BucketSize;
        int buckets = (Math.Min(segment, ids.Count) + bucket - 1) / bucket;
        var loss = new double[buckets];
        var count = new int[buckets];

        bool wasTraining = _model.IsTraining;
        _model.Train(false);
        var clock = Stopwatch.StartNew();
        try
        {
            using var noGrad = GradMode.NoGrad();
            GptKvCache? cache = null;
            for (int start = 0; start + 1 < ids.Count; start += segment)
            {
                int[] part = [.. ids.Skip(start).Take(segment)];
                if (part.Length < 2) break;
                void Score(int position, ReadOnlySpan<float> logits)
                {
                    loss[position / bucket] += CrossEntropy(logits, part[position]);
                    count[position / bucket]++;
                }
                if (Policy.Kind == KvCacheKind.Recompute) Recompute(part, Score);
                else Stream(part, ref cache, Score);
            }
        }
        finally
        {
            _model.Train(wasTraining);
        }
        clock.Stop();

        var rows = new List<PerplexityBucket>(buckets);
        for (int k = 0; k < buckets; k++)
            if (count[k] > 0) rows.Add(new PerplexityBucket(k * bucket, Math.Min((k + 1) * bucket, segment), count[k], loss[k] / count[k]));
        int tokens = count.Sum();
        return new PerplexityReport(rows, tokens, loss.Sum() / tokens, clock.Elapsed);
    }

    private delegate void Scorer(int position, ReadOnlySpan<float> logits);

    /// <summary>Dense, window, sink: a prefill of what the policy sees whole, then one token at a time.</summary>
    private void Stream(int[] part, ref GptKvCache? cache, Scorer score)
    {
        int context = _model.Config.ContextLength;
        if (cache is null || (!Policy.IsStreaming && cache.ContextLength < part.Length))
            cache = Policy.IsStreaming ? _model.CreateKvCache(1, Policy)
                : part.Length <= context ? _model.CreateKvCache(1)
                : _model.CreateUnboundedDenseKvCache(1, part.Length);
        cache.Reset();
        int prefill = Math.Min(part.Length, Policy.IsStreaming ? cache.PrefillSpan : context);
        var logits = _model.ForwardIncremental(part[..prefill], 1, prefill, cache); // (1, T, vocab): row t predicts t + 1
        int vocab = logits.Shape[2];
        for (int t = 0; t + 1 < Math.Min(prefill + 1, part.Length); t++) score(t + 1, logits.Data.AsSpan(t * vocab, vocab));
        var memory = new TensorArena();
        for (int t = prefill; t + 1 < part.Length; t++) // feed token t, score t + 1
        {
            using (memory.Step())
                score(t + 1, _model.ForwardIncremental([part[t]], 1, 1, cache, lastTokenOnly: true).Data.AsSpan(0, vocab));
        }
    }

    /// <summary>Recompute: forwards over the last window tokens, each scoring the targets the window newly reaches.</summary>
    private void Recompute(int[] part, Scorer score)
    {
        int window = Policy.WindowFor(_model.Config.ContextLength);
        int scored = 0; // targets 1 … scored are done
        var memory = new TensorArena();
        while (scored < part.Length - 1)
        {
            int end = scored == 0 ? Math.Min(window, part.Length - 1) : Math.Min(scored + Stride, part.Length - 1); // last target
            int from = Math.Max(0, end - window), length = end - from;                                                 // inputs [from, end)
            using (memory.Step())
            {
                var logits = _model.Forward(part[from..end], 1, length); // (1, T, vocab): row i predicts from + i + 1
                int vocab = logits.Shape[2];
                for (int target = scored + 1; target <= end; target++)
                    score(target, logits.Data.AsSpan((target - 1 - from) * vocab, vocab));
            }
            scored = end;
        }
    }

    /// <summary>−log softmax(logits)[target], in double.</summary>
    private static double CrossEntropy(ReadOnlySpan<float> logits, int target)
    {
        float max = float.NegativeInfinity;
        foreach (float v in logits) max = Math.Max(max, v);
        double sum = 0;
        foreach (float v in logits) sum += Math.Exp(v - max);
        return Math.Log(sum) + max - logits[target];
    }
}
