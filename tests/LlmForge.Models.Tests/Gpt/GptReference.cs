using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;

namespace LlmForge.Tests.Gpt;

/// <summary>Reference computations the incremental (KV-cache) path is checked against: full forwards, no cache.</summary>
internal static class GptReference
{
    /// <summary>A fixture model in evaluation mode.</summary>
    public static GptModel Load(string fixture, string backend)
    {
        var model = Gpt2Checkpoint.Load(GptFixture.Load(fixture).Directory, TestBackends.Create(backend));
        model.Eval();
        return model;
    }

    /// <summary>
    /// The same weights in a model with a longer context: for rotary positions (no position parameters) it computes
    /// what the original would over a sequence longer than its context.
    /// </summary>
    public static GptModel WithContext(GptModel model, int contextLength)
    {
        var twin = new GptModel(model.Config with { ContextLength = contextLength }, model.Backend);
        var source = model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in twin.NamedParameters())
            source[name].Data.CopyTo(parameter.Data, 0);
        twin.Eval();
        return twin;
    }

    /// <summary>Full-forward logits (B, T, vocab) without a graph.</summary>
    public static Tensor Forward(GptModel model, int[] ids, int batch, int seq)
    {
        using (GradMode.NoGrad()) return model.Forward(ids, batch, seq);
    }

    /// <summary>The logits [vocab] at (b, t) of logits (B, T, vocab).</summary>
    public static float[] Row(Tensor logits, int b, int t)
    {
        int seq = logits.Shape[1], vocab = logits.Shape[2];
        return logits.Data.AsSpan((b * seq + t) * vocab, vocab).ToArray();
    }

    /// <summary>Seeded random ids in [0, vocab).</summary>
    public static int[] RandomIds(int seed, int count, int vocab)
    {
        var rng = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => rng.Next(vocab))];
    }

    /// <summary>A window policy without sinks, or sinks + window.</summary>
    public static KvCachePolicy Streaming(int sinks, int window) => sinks > 0
        ? new KvCachePolicy { Kind = KvCacheKind.Sink, Sinks = sinks, Window = window }
        : new KvCachePolicy { Kind = KvCacheKind.Window, Window = window };

    /// <summary>The index of the largest logit (the first of ties): a greedy pick.</summary>
    public static int ArgMax(float[] row)
    {
        int best = 0;
        for (int i = 1; i < row.Length; i++) if (row[i] > row[best]) best = i;
        return best;
    }

    /// <summary>
    /// A left-padded prompt batch [B · width] and its attention mask: the first prompts[b] tokens of rows[b], right-aligned.
    /// </summary>
    public static (int[] Ids, int[] Mask) LeftPadded(int[][] rows, int[] prompts, int width)
    {
        var ids = new int[rows.Length * width];
        var mask = new int[rows.Length * width];
        for (int b = 0; b < rows.Length; b++)
            for (int i = 0; i < prompts[b]; i++)
            {
                ids[b * width + width - prompts[b] + i] = rows[b][i];
                mask[b * width + width - prompts[b] + i] = 1;
            }
        return (ids, mask);
    }

    /// <summary>The largest |a − b| over two rows of logits.</summary>
    public static float MaxDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length != b.Length) throw new ArgumentException($"rows of {a.Length} and {b.Length} logits");
        float max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs(a[i] - b[i]));
        return max;
    }
}
