using LlmForge.Hosting;

namespace LlmForge.Training;

/// <summary>
/// What one translation training run (<see cref="TranslationTrainingRun.Create"/>) needs: the encoder-decoder variant,
/// the file of source&lt;TAB&gt;target pairs, the tokenizer's size (or the checkpoint to continue) and the options.
/// </summary>
public sealed record TranslationTrainingSettings
{
    /// <summary>The encoder-decoder variant to build (its shape, kinds and dropout).</summary>
    public required ModelVariant Variant { get; init; }

    /// <summary>The pairs file (<see cref="Data.TranslationPairsFile"/>), recorded in trainer_state.json.</summary>
    public required string PairsPath { get; init; }

    /// <summary>Ids of the BPE learned from the training pairs; null: the variant's VocabSize, else <see cref="Tokenization.SharedBpeTranslationTokenizer.DefaultVocabSize"/>.</summary>
    public int? VocabSize { get; init; }

    /// <summary>A checkpoint directory to continue exactly (its tokenizer, weights, optimizer and stream state); null starts a new run.</summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>Steps, batch size, schedule, evaluation and checkpoint cadence, seed; ValidationFraction sizes the held-out split.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>Label smoothing, the length limit and the sentences each evaluation translates.</summary>
    public TranslationOptions Translation { get; init; } = new();

    /// <summary>The configuration section's path, for the keys messages name.</summary>
    public string Section { get; init; } = LlmForgeOptions.SectionName;
}
