using LlmForge.Cli.Commands.Bench.Workloads;
using LlmForge.Performance;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>FLOPs per token of the train and encode workloads, from the model's shape (<see cref="TransformerFlops"/>).</summary>
internal static class WorkloadFlops
{
    /// <summary>A training step's FLOPs per token (3 × forward with the LM head), an encoding's (forward), or null for the other kinds.</summary>
    public static double? PerToken(Workload workload) => workload.Kind switch
    {
        WorkloadKind.Train => TransformerFlops.Of(GptWorkloadModel.Variant(workload.Model).ToGptConfig()).TrainingPerToken(workload.SeqLen),
        WorkloadKind.Encode => TransformerFlops.Of(EncodeWorkload.Config(workload.Model)).ForwardPerToken(workload.SeqLen),
        _ => null,
    };
}
