using LlmForge.Autograd;
using LlmForge.Evaluation;
using LlmForge.Gpt;
using LlmForge.Layers;
using LlmForge.Tests.Gpt;
using Xunit;
using static LlmForge.Tests.Gpt.GptReference;

namespace LlmForge.Tests.Evaluation;

/// <summary>LongTextPerplexity against losses computed here from full forwards and the uncached policy reference.</summary>
public class LongTextPerplexityTests
{
    private const double Tolerance = 1e-4;

    private static KvCachePolicy Policy(KvCacheKind kind, int sinks = 0, int? window = null) => new() { Kind = kind, Sinks = sinks, Window = window };

    [Theory]
    [InlineData(KvCacheKind.Dense, 0, null)]
    [InlineData(KvCacheKind.Recompute, 0, null)]
    [InlineData(KvCacheKind.Window, 0, 16)]
    [InlineData(KvCacheKind.Sink, 4, 12)]
    public void Within_the_context_every_policy_gives_the_full_forward_loss(KvCacheKind kind, int sinks, int? window)
    {
        var model = Load("gpt-rope", "Managed");
        int[] ids = RandomIds(31, model.Config.ContextLength, model.Config.VocabSize);
        var report = new LongTextPerplexity(model, Policy(kind, sinks, window)).Evaluate(ids);

        double expected = MeanLoss(Forward(model, ids, 1, ids.Length), ids, 0, ids.Length);
        Assert.Equal(ids.Length - 1, report.Tokens);
        Assert.InRange(Math.Abs(report.MeanLoss - expected), 0, Tolerance);
        Assert.Equal(new PerplexityBucket(0, 16, 15, report.MeanLoss), Assert.Single(report.Buckets));
        Assert.True(report.TokensPerSecond > 0);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Sink_buckets_are_the_losses_of_the_policy_without_a_cache(string backend)
    {
        var model = Load("gpt-rope", backend);
        int[] ids = RandomIds(32, 48, model.Config.VocabSize);
        var report = new LongTextPerplexity(model, Policy(KvCacheKind.Sink, 2, 5)) { BucketSize = 16 }.Evaluate(ids);

        var reference = StreamingReference.Logits(model, ids, 2, 5);
        Assert.Equal([0, 16, 32], report.Buckets.Select(b => b.From));
        foreach (var bucket in report.Buckets)
            Assert.InRange(Math.Abs(bucket.MeanLoss - MeanLoss(reference, ids, Math.Max(bucket.From, 1), bucket.To)), 0, Tolerance);
    }

    [Theory]
    [InlineData(0, 8)]
    [InlineData(1, 7)]
    public void A_learned_sink_token_is_evicted_by_a_window_and_kept_by_one_sink(int sinks, int window)
    {
        var model = SinkTokenModels.WithSinkToken(Load("gpt-rope", "Managed"));
        int[] ids = RandomIds(48, 40, model.Config.VocabSize);
        var report = new LongTextPerplexity(model, Streaming(sinks, window)).Evaluate(ids);

        var reference = StreamingReference.Logits(model, ids, sinks, window); // the sink token is the stream's first
        Assert.Equal(ids.Length - 1, report.Tokens);
        Assert.InRange(Math.Abs(report.MeanLoss - MeanLoss(reference, ids, 1, ids.Length)), 0, Tolerance);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public void Recompute_scores_each_token_from_the_window_before_it(int stride)
    {
        var model = Load("gpt-rope", "Managed");
        const int window = 8;
        int[] ids = RandomIds(33, 40, model.Config.VocabSize);
        var report = new LongTextPerplexity(model, Policy(KvCacheKind.Recompute, window: window)) { Stride = stride }.Evaluate(ids);

        // Target t is predicted from the `window` tokens before it, or from as few as window − stride + 1 when
        // scored in the middle of a strided forward: rebuild the forwards here.
        double total = 0;
        int scored = 0;
        while (scored < ids.Length - 1)
        {
            int end = scored == 0 ? window : Math.Min(scored + stride, ids.Length - 1), from = Math.Max(0, end - window);
            var logits = Forward(model, ids[from..end], 1, end - from);
            for (int target = scored + 1; target <= end; target++)
                total += CrossEntropy(Row(logits, 0, target - 1 - from), ids[target]);
            scored = end;
        }
        Assert.InRange(Math.Abs(report.MeanLoss - total / (ids.Length - 1)), 0, Tolerance);
    }

    [Fact]
    public void Segments_start_afresh_and_are_bucketed_by_position_within_them()
    {
        var model = Load("gpt-rope", "Managed");
        int[] ids = RandomIds(34, 30, model.Config.VocabSize);
        var report = new LongTextPerplexity(model, KvCachePolicy.Dense) { SegmentLength = 12, BucketSize = 6 }.Evaluate(ids);

        Assert.Equal(11 + 11 + 5, report.Tokens);
        Assert.Equal([5 + 5 + 5, 6 + 6], report.Buckets.Select(b => b.Tokens)); // the last segment has 6 tokens
        Assert.Equal([(0, 6), (6, 12)], report.Buckets.Select(b => (b.From, b.To)));
        double first = 0;
        foreach (int start in new[] { 0, 12, 24 })
        {
            int[] part = ids[start..Math.Min(start + 12, ids.Length)];
            first += MeanLoss(Forward(model, part, 1, part.Length), part, 1, 6) * 5;
        }
        Assert.InRange(Math.Abs(report.Buckets[0].MeanLoss - first / 15), 0, Tolerance);
    }

    [Fact]
    public void Dense_past_the_context_on_rotary_positions_is_the_uncropped_forward()
    {
        var model = Load("gpt-rope", "Managed");
        int[] ids = RandomIds(36, 3 * model.Config.ContextLength, model.Config.VocabSize);
        var report = new LongTextPerplexity(model, KvCachePolicy.Dense).Evaluate(ids);
        var whole = Forward(WithContext(model, ids.Length), ids, 1, ids.Length);
        Assert.InRange(Math.Abs(report.MeanLoss - MeanLoss(whole, ids, 1, ids.Length)), 0, Tolerance);
        Assert.Equal(3, report.Buckets.Count);
    }

    [Fact]
    public void Dense_past_the_context_needs_rotary_positions()
    {
        var model = Load("gpt2-tiny", "Managed");
        int[] ids = RandomIds(35, model.Config.ContextLength + 1, model.Config.VocabSize);
        var e = Assert.Throws<ArgumentException>(() => new LongTextPerplexity(model, KvCachePolicy.Dense).Evaluate(ids));
        Assert.Contains("needs rotary positions", e.Message);
    }

    /// <summary>Mean cross-entropy of targets [from, to) of ids, each predicted by the logits row before it.</summary>
    private static double MeanLoss(Tensor logits, int[] ids, int from, int to)
    {
        double total = 0;
        for (int t = Math.Max(from, 1); t < to; t++) total += CrossEntropy(Row(logits, 0, t - 1), ids[t]);
        return total / (to - Math.Max(from, 1));
    }

    private static double CrossEntropy(float[] logits, int target)
    {
        double max = logits.Max(), sum = logits.Sum(v => Math.Exp(v - max));
        return Math.Log(sum) + max - logits[target];
    }
}
