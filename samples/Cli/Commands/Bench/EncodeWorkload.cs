using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Layers;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// An "encode" workload: one forward pass of a BERT encoder (embeddings + the blocks, no pooler or heads) over
/// (B, T) random ids, one segment, no padding, under <see cref="GradMode.NoGrad"/> in evaluation mode.
/// </summary>
internal static class EncodeWorkload
{
    public const int Seed = 1234;

    /// <summary>BERT's architecture (learned positions, post-LN, erf GELU, MLP 4·C) at the workload's sizes.</summary>
    public static BertConfig Config(WorkloadModel model) => new()
    {
        VocabSize = model.VocabSize,
        HiddenSize = model.EmbeddingDim,
        Layers = model.Layers,
        Heads = model.Heads,
        IntermediateSize = 4 * model.EmbeddingDim,
        MaxPositions = model.ContextLength,
        TypeVocabSize = model.TypeVocabSize,
        HiddenDropRate = model.DropRate,
        AttentionDropRate = model.DropRate,
    };

    public static Action Prepare(Workload workload, ITensorBackend backend, WeightFormat weights, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(progress);
        if (!workload.Model.QkvBias)
            throw new NotSupportedException($"workload '{workload.Name}': LlmForge's BERT always has q/k/v biases (qkv_bias true)");
        var model = new BertModel(Config(workload.Model), backend, new BertHeads(Pooler: false, MaskedLM: false), Seed);
        model.Eval();
        progress($"bert encoder with {model.ParameterCount():N0} parameters");
        WorkloadBenchmark.UseWeights(model, weights, progress);
        int batch = workload.BatchSize, seq = workload.SeqLen;
        var ids = GptWorkloadModel.RandomIds(new Random(Seed), batch * seq, workload.Model.VocabSize);
        var input = new BertInput(ids, batch, seq);
        // Activations reuse the previous run's buffers: after warm-up an encoding allocates ~nothing.
        var memory = new TensorArena();
        return () =>
        {
            using (memory.Step())
            using (GradMode.NoGrad())
            {
                var hidden = model.Encode(input); // (B, T, C)
                if (hidden.Shape[0] != batch || hidden.Shape[1] != seq)
                    throw new InvalidOperationException($"{workload.Name}: the encoder returned [{string.Join(", ", hidden.Shape)}]");
            }
        };
    }
}
