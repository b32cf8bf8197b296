using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;

namespace LlmForge.Tests.Lora;

/// <summary>Tiny decoders of both checkpoint layouts for the LoRA tests, without dropout.</summary>
internal static class LoraModels
{
    /// <summary>GPT-2 layout: Conv1D c_attn (q | k | v), c_proj, c_fc, c_proj.</summary>
    public static GptConfig Gpt2 { get; } = new()
    {
        VocabSize = 23, ContextLength = 8, EmbeddingDim = 16, Layers = 2, Heads = 2,
        EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
        InitializerRange = 0.25f, // a frozen head of N(0, 0.02²) could hardly move the loss, whatever the adapters learn
    };

    /// <summary>Llama layout: q_proj, k_proj, v_proj (grouped-query), o_proj, gate_proj, up_proj, down_proj.</summary>
    public static GptConfig Llama { get; } = Gpt2 with
    {
        ModelType = "llama", Normalization = NormalizationType.RmsNorm, PositionEmbedding = PositionEmbeddingType.Rotary,
        FeedForward = FeedForwardType.Gated, Activation = ActivationFunction.Silu, QkvBias = false, AttentionOutputBias = false,
        KvHeads = 1, InnerDim = 24, TieWeights = false,
    };

    public static GptModel Create(GptConfig config, int seed = 7) => new(config, new ManagedBackend(), seed);

    /// <summary>The ids 0..n-1 of a (2, 8) batch, and the next-token targets.</summary>
    public static (int[] Ids, int[] Targets) Batch(int vocab)
    {
        var ids = Enumerable.Range(0, 16).Select(i => (i * 5 + 3) % vocab).ToArray();
        var targets = ids.Select(i => (i * 3 + 1) % vocab).ToArray();
        return (ids, targets);
    }

    /// <summary>Copies of every parameter's values.</summary>
    public static Dictionary<string, float[]> Snapshot(Module module) =>
        module.NamedParameters().ToDictionary(p => p.Name, p => (float[])p.Parameter.Data.Clone());

    public static float MaxDifference(float[] a, float[] b)
    {
        if (a.Length != b.Length) return float.PositiveInfinity;
        float max = 0;
        for (int i = 0; i < a.Length; i++)
        {
            float d = Math.Abs(a[i] - b[i]);
            if (!(d <= max)) max = float.IsNaN(d) ? float.PositiveInfinity : d;
        }
        return max;
    }
}
