namespace LlmForge.Training;

/// <summary>What an instruction-tuning run (<see cref="InstructionTuningRun.Create"/>) needs.</summary>
public sealed record InstructionTuningSettings
{
    /// <summary>The instruction data: a .jsonl file or a JSON array of {instruction, input, output} objects.</summary>
    public required string DataPath { get; init; }

    /// <summary>The model directory (GPT-2 or Llama family) whose weights and tokenizer a new run starts from.</summary>
    public string? InitFrom { get; init; }

    /// <summary>LoRA adapters to train instead of the whole model (<see cref="Lora.LoraTraining"/>); null: full fine-tuning.</summary>
    public Lora.LoraOptions? Lora { get; init; }

    /// <summary>A checkpoint of an instruction-tuning run to continue exactly; null starts a new run from <see cref="InitFrom"/>.</summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>The prompt template's name (<see cref="PromptTemplates.Get"/>; default "alpaca").</summary>
    public string Template { get; init; } = AlpacaPromptTemplate.TemplateName;

    /// <summary>
    /// Steps, batch size, schedule, evaluation and checkpoint cadence, seed; ValidationFraction is the share of examples
    /// held out (a seeded shuffle, <see cref="Data.ShuffledSplit"/>).
    /// </summary>
    public TrainingOptions Training { get; init; } = new();
}
