using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>
/// What one GPT training run over a corpus (<see cref="GptTrainingRun.Create"/>) needs: the configured variant, the
/// corpus, the tokenizer to build (or the checkpoint whose tokenizer and state to continue) and the training options.
/// </summary>
public sealed record GptTrainingSettings
{
    /// <summary>The variant of the model factory's configuration to build ("gpt-char").</summary>
    public required string Variant { get; init; }

    /// <summary>The corpus, as text or as bytes (a byte-level BPE reads every byte, valid UTF-8 or not).</summary>
    public required TokenizerCorpus Corpus { get; init; }

    /// <summary>The corpus file, recorded in trainer_state.json; null: a built-in text.</summary>
    public string? CorpusPath { get; init; }

    /// <summary>The tokenizer of a new run: its kind and its directory or vocabulary size, with the settings' names for messages.</summary>
    public TokenizerTrainingOptions Tokenizer { get; init; } = new();

    /// <summary>A checkpoint directory to continue exactly (its tokenizer, weights, optimizer and stream state); null starts a new run.</summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>
    /// A model directory (GPT-2 or Llama family) whose weights, shape and tokenizer a new run starts from, with a fresh
    /// optimizer and schedule; null: the variant's random initialization. <see cref="Variant"/> and <see cref="Tokenizer"/>
    /// are then not used.
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>LoRA adapters to train instead of the whole model (needs <see cref="InitFrom"/>; <see cref="Lora.LoraTraining"/>); null: full fine-tuning.</summary>
    public Lora.LoraOptions? Lora { get; init; }

    /// <summary>Steps, batch size, schedule, evaluation and checkpoint cadence, seed.</summary>
    public TrainingOptions Training { get; init; } = new();
}
