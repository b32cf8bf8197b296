using LlmForge.Backends;
using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Data;
using LlmForge.Training;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// A "train" workload: one step is the library <see cref="Trainer"/>'s step — forward + cross-entropy + backward, the
/// gradient norm the NaN policy reads, the AdamW step and zero-grad, in a TensorArena step — on a fixed random batch
/// (B, T) with random next-token targets, at the workload's constant learning rate, unclipped. Weight decay as nanoGPT
/// groups it: matrices and embeddings decayed, biases and norm parameters not.
/// </summary>
internal static class TrainWorkload
{
    public static Action Prepare(Workload workload, ITensorBackend backend, Action<string> progress)
    {
        var optimizerSpec = workload.Optimizer
            ?? throw new ArgumentException($"workload '{workload.Name}' has no optimizer");
        var model = GptWorkloadModel.Create(workload.Model, backend);
        progress($"gpt with {model.ParameterCount():N0} parameters");

        int batch = workload.BatchSize, seq = workload.SeqLen;
        var rng = new Random(GptWorkloadModel.Seed);
        var fixedBatch = new TokenBatch(batch, seq);
        GptWorkloadModel.RandomIds(rng, batch * seq, workload.Model.VocabSize).CopyTo(fixedBatch.Inputs, 0);  // (B, T)
        GptWorkloadModel.RandomIds(rng, batch * seq, workload.Model.VocabSize).CopyTo(fixedBatch.Targets, 0); // (B, T)
        var source = new SameBatch(fixedBatch);
        var options = new TrainingOptions
        {
            BatchSize = batch, MaxSteps = TrainingOptionsValidator.MaxSteps, WarmupSteps = 0, GradientClip = 0,
            LearningRate = optimizerSpec.LearningRate, MinLearningRate = optimizerSpec.LearningRate, // constant
            Beta1 = optimizerSpec.Beta1, Beta2 = optimizerSpec.Beta2, WeightDecay = optimizerSpec.WeightDecay,
        };
        // Activations and gradients reuse the previous step's buffers: after warm-up a step allocates ~nothing.
        var trainer = new Trainer(new CausalLanguageModeling(model, source, source, source), options);
        return () => trainer.TrainStep();
    }

    /// <summary>The workload's one batch, every draw.</summary>
    private sealed class SameBatch(TokenBatch batch) : ITokenBatchSource
    {
        public TokenBatch NextBatch() => batch;
    }
}
