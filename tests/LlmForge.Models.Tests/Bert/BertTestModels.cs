using LlmForge.Backends.Managed;
using LlmForge.Bert;
using LlmForge.Checkpoints;

namespace LlmForge.Tests.Bert;

/// <summary>Small BERT configurations for tests.</summary>
internal static class BertTestModels
{
    public static readonly ManagedBackend Backend = new();

    /// <summary>vocab 20, C 8, 2 layers, 2 heads, F 12, 10 positions, 3 labels; dropout off.</summary>
    public static readonly BertConfig Small = new()
    {
        VocabSize = 20, HiddenSize = 8, Layers = 2, Heads = 2, IntermediateSize = 12, MaxPositions = 10,
        HiddenDropRate = 0f, AttentionDropRate = 0f, Labels = ["a", "b", "c"],
    };

    /// <summary>Norm gains and biases away from 1 and 0, so a swapped scale/shift or bias cannot go unnoticed.</summary>
    public static BertModel Randomized(BertConfig config, BertHeads heads, int seed = 5)
    {
        var model = new BertModel(config, Backend, heads, seed);
        var rng = new Random(seed + 1);
        foreach (var (name, p) in model.NamedParameters())
            if (name.EndsWith(".scale") || name.EndsWith(".shift") || name.EndsWith("bias"))
                for (int i = 0; i < p.Data.Length; i++) p.Data[i] += (float)(rng.NextDouble() - 0.5);
        return model;
    }

    /// <summary>Two rows of 6: the first with two segments, the second with 2 padding positions.</summary>
    public static BertInput Input() => new(
        [2, 5, 6, 3, 7, 3, 2, 8, 9, 3, 0, 0], 2, 6,
        [0, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0],
        [1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0]);
}
