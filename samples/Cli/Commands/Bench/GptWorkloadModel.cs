using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Gpt;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>The <see cref="GptModel"/> a workload's "model" object describes, with random (seeded) weights.</summary>
internal static class GptWorkloadModel
{
    public const int Seed = 1234;

    /// <summary>GPT-2's architecture (learned positions, pre-LN, tanh GELU, MLP 4·C) at the workload's sizes.</summary>
    public static GptConfig Config(WorkloadModel model) => new()
    {
        VocabSize = model.VocabSize,
        ContextLength = model.ContextLength,
        EmbeddingDim = model.EmbeddingDim,
        Heads = model.Heads,
        Layers = model.Layers,
        EmbeddingDropRate = model.DropRate,
        AttentionDropRate = model.DropRate,
        ResidualDropRate = model.DropRate,
        QkvBias = model.QkvBias,
        TieWeights = model.TieWeights,
    };

    public static GptModel Create(WorkloadModel model, ITensorBackend backend) => new(Config(model), backend, Seed);

    /// <summary>Random token ids in [0, vocab), seeded, for inputs and targets.</summary>
    public static int[] RandomIds(Random rng, int count, int vocab)
    {
        var ids = new int[count];
        for (int i = 0; i < ids.Length; i++) ids[i] = rng.Next(vocab);
        return ids;
    }
}
