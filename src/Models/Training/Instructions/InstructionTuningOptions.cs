namespace LlmForge.Training;

/// <summary>How <see cref="InstructionTuning"/> turns examples into batches.</summary>
public sealed record InstructionTuningOptions
{
    /// <summary>Examples per batch (default 8, Raschka's chapter 7).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>Seed of the epochs' shuffling and batch order.</summary>
    public int Seed { get; init; }

    /// <summary>How an example becomes prompt and response text (default <see cref="PromptTemplates.Alpaca"/>).</summary>
    public IPromptTemplate Template { get; init; } = PromptTemplates.Alpaca;

    /// <summary>Longest (inputs, targets) row in tokens; null: the model's context length (a larger value is cut to it).</summary>
    public int? MaxLength { get; init; }

    /// <summary>The id that ends each response (and pads the batches); null: the tokenizer's end-of-text token.</summary>
    public int? EndOfTextId { get; init; }
}
