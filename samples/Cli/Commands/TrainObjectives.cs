namespace LlmForge.Cli.Commands;

/// <summary>The values of train's <c>--objective</c>.</summary>
public static class TrainObjectives
{
    /// <summary>Next-token training on a corpus (GPT variants, and a causal LM given by --init-from).</summary>
    public const string CausalLm = "causal-lm";

    /// <summary>Instruction fine-tuning on --data (<see cref="Training.InstructionTuning"/>).</summary>
    public const string Instruct = "instruct";

    /// <summary>Every value.</summary>
    public static IReadOnlyList<string> All { get; } = [CausalLm, Instruct];
}
