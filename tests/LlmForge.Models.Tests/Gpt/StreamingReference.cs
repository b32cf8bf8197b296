using LlmForge.Autograd;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Layers;

namespace LlmForge.Tests.Gpt;

/// <summary>
/// The window and sink policies computed without any cache, for checking <see cref="SinkKvCache"/>: one pass over
/// the whole sequence, block by block from the model's own layers, with the attention written out here. Query t
/// sees key j when j ≤ t and (j &lt; S or j &gt; t − W): the first S tokens and the last W. Distances are counted
/// in the cache: a window key's is t − j; a sink's is c(t) − j, c(t) = min(t, S + W − 1) being the query's slot
/// among the keys it sees. So a sink's score takes the query turned at c(t), a window key's the query turned at t
/// (the keys at their own positions), which is how rotary expresses those distances. Grouped-query attention reads
/// kv head h / (nh / n_kv) for query head h. A model with a learned sink token reads it first: it is token 0 of the
/// stream the policy keeps (a sink when S ≥ 1, evicted by a plain window), and the logits are those of the text's positions.
/// </summary>
internal static class StreamingReference
{
    /// <summary>Logits (1, N, vocab) of every position of <paramref name="ids"/> under S sinks + window W (the sink token counted).</summary>
    public static Tensor Logits(GptModel model, int[] ids, int sinks, int window)
    {
        using var noGrad = GradMode.NoGrad();
        var rotary = (RotaryPositionalEncoding)model.Positions;
        int prefix = model.Config.PrefixLength, n = prefix + ids.Length, c = model.Config.EmbeddingDim;
        var x = model.TokenEmbedding.Forward(ids, 1, ids.Length); // (1, N, C); rotary adds nothing to the embeddings
        if (model.SinkEmbedding is { } sink) x = F.Concat(1, sink.Forward([0], 1, 1), x); // the sink token first: (1, 1 + N, C)
        var absolute = TokenPositions.Uniform(1, n, 0);
        var cachePositions = new TokenPositions(1, n, [.. Enumerable.Range(0, n).Select(t => Math.Min(t, sinks + window - 1))]);
        foreach (var block in model.Blocks)
        {
            var attention = (MultiHeadAttention)block.Attention;
            int heads = attention.Heads, kvHeads = attention.KeyValueHeads, hs = attention.HeadDim;
            var h = block.Norm1.Forward(x);
            Tensor Heads(Tensor projected, int count) => projected.Reshape(1, n, count, hs).Permute(0, 2, 1, 3); // (1, count, N, hs)
            float[] qAbsolute = rotary.EncodeQueryKey(Heads(attention.Query.Forward(h), heads), absolute).Data;
            float[] qCache = rotary.EncodeQueryKey(Heads(attention.Query.Forward(h), heads), cachePositions).Data;
            float[] k = rotary.EncodeQueryKey(Heads(attention.Key.Forward(h), kvHeads), absolute).Data; // (1, n_kv, N, hs)
            float[] v = Heads(attention.Value.Forward(h), kvHeads).Data;

            var merged = new float[n * c]; // (1, N, nh · hs)
            var scores = new double[n];
            for (int head = 0; head < heads; head++)
                for (int t = 0; t < n; t++)
                {
                    int kv = head / (heads / kvHeads);   // grouped-query: the kv head this query head reads
                    double max = double.NegativeInfinity;
                    for (int j = 0; j <= t; j++)
                    {
                        if (!(j < sinks || j > t - window)) { scores[j] = double.NegativeInfinity; continue; }
                        float[] q = j < sinks ? qCache : qAbsolute;
                        double dot = 0;
                        for (int d = 0; d < hs; d++) dot += q[(head * n + t) * hs + d] * k[(kv * n + j) * hs + d];
                        scores[j] = dot / Math.Sqrt(hs);
                        max = Math.Max(max, scores[j]);
                    }
                    double sum = 0;
                    for (int j = 0; j <= t; j++) sum += scores[j] = Math.Exp(scores[j] - max);
                    for (int j = 0; j <= t; j++)
                        for (int d = 0; d < hs; d++)
                            merged[t * c + head * hs + d] += (float)(scores[j] / sum * v[(kv * n + j) * hs + d]);
                }
            x = x + attention.OutProjection.Forward(Tensor.FromArray(model.Backend, merged, 1, n, c));
            x = x + block.FeedForward.Forward(block.Norm2.Forward(x));
        }
        return model.OutHead.Forward(model.FinalNorm.Forward(x.Narrow(1, prefix, ids.Length))); // (1, N, vocab)
    }
}
