using LlmForge.Backends;
using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Components;
using LlmForge.Gpt;
using LlmForge.Hosting;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>The <see cref="GptModel"/> a workload's "model" object describes, with random (seeded) weights.</summary>
internal static class GptWorkloadModel
{
    public const int Seed = 1234;

    /// <summary>
    /// The workload's model as a variant of the built-in kinds — GPT-2's architecture (learned positions, pre-LN,
    /// tanh GELU, MLP 4·C), or for "llama" Llama's (rotary, pre-RMSNorm, SwiGLU, grouped-query attention, as the
    /// llama variants of appsettings.json) at its sizes — so that it maps to a <see cref="Checkpoints.GptConfig"/> the
    /// one way every configured variant does (<see cref="ModelVariant.ToGptConfig"/>).
    /// </summary>
    public static ModelVariant Variant(WorkloadModel model)
    {
        bool llama = model.Architecture == "llama";
        var options = new ModelVariantOptions
        {
            Architecture = llama ? ModelArchitectures.Llama : ModelArchitectures.Gpt,
            VocabSize = model.VocabSize,
            ContextLength = model.ContextLength,
            EmbeddingDim = model.EmbeddingDim,
            Heads = model.Heads,
            Layers = model.Layers,
            Dropout = model.DropRate,
            QkvBias = model.QkvBias,
            TieWeights = model.TieWeights,
        };
        if (llama)
        {
            options.KvHeads = model.KvHeads;
            options.InnerDim = model.InnerDim;
            options.Activation = "swiglu";
            options.PositionalEncoding = new PositionalEncodingOptions { Kind = "rotary", Theta = model.RopeTheta };
            options.Normalization = new NormalizationOptions { Kind = "rmsnorm", Epsilon = 1e-5f };
        }
        return ModelVariant.Resolve("bench", "model", options, BuiltInComponents.Kinds);
    }

    public static GptModel Create(WorkloadModel model, ITensorBackend backend) => Variant(model).CreateGpt(backend, seed: Seed);

    /// <summary>Random token ids in [0, vocab), seeded, for inputs and targets.</summary>
    public static int[] RandomIds(Random rng, int count, int vocab)
    {
        var ids = new int[count];
        for (int i = 0; i < ids.Length; i++) ids[i] = rng.Next(vocab);
        return ids;
    }
}
