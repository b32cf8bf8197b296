using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Training.Optimizers;
using LlmForge.Autograd;
using LlmForge.Backends;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// A "train" workload: one step is forward + cross-entropy + backward + AdamW step + zero-grad on a fixed random
/// batch (B, T) with random next-token targets. Weight decay as nanoGPT groups it: matrices and embeddings
/// decayed, biases and norm parameters not.
/// </summary>
internal static class TrainWorkload
{
    public static Action Prepare(Workload workload, ITensorBackend backend, Action<string> progress)
    {
        var optimizerSpec = workload.Optimizer
            ?? throw new ArgumentException($"workload '{workload.Name}' has no optimizer");
        var model = GptWorkloadModel.Create(workload.Model, backend);
        model.Train(true);
        progress($"gpt with {model.ParameterCount():N0} parameters");
        var parameters = model.NamedParameters().Select(p => new NamedParameter(p.Name, p.Parameter));
        var optimizer = new AdamW(ParameterGroup.ForWeightDecay(parameters, optimizerSpec.WeightDecay),
            optimizerSpec.Beta1, optimizerSpec.Beta2);

        int batch = workload.BatchSize, seq = workload.SeqLen;
        var rng = new Random(GptWorkloadModel.Seed);
        int[] ids = GptWorkloadModel.RandomIds(rng, batch * seq, workload.Model.VocabSize);     // (B, T)
        int[] targets = GptWorkloadModel.RandomIds(rng, batch * seq, workload.Model.VocabSize); // (B, T)
        // Activations and gradients reuse the previous step's buffers: after warm-up a step allocates ~nothing.
        var memory = new TensorArena();
        return () =>
        {
            using var step = memory.Step();
            var loss = model.Loss(ids, targets, batch, seq); // LM head + cross-entropy fused, in chunks of rows
            loss.Backward();
            optimizer.Step(optimizerSpec.LearningRate);
            optimizer.ZeroGrad();
        };
    }
}
