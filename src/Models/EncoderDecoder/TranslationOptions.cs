namespace LlmForge.EncoderDecoder;

/// <summary>
/// How a <see cref="Translator"/> decodes: greedy (<see cref="NumBeams"/> 1) or beam search, and how many sources run
/// together. Checked by <see cref="Validate"/> before any work; each message names the property.
/// </summary>
public sealed record TranslationOptions
{
    /// <summary>The most new tokens when <see cref="MaxNewTokens"/> is not set (capped by max_position_embeddings − 1).</summary>
    public const int DefaultMaxNewTokens = 256;

    /// <summary>num_beams: 1 = greedy (<see cref="GreedyTranslation"/>), ≥ 2 = <see cref="BeamSearch"/>; opus-mt's generate uses 4.</summary>
    public int NumBeams { get; init; } = 4;

    /// <summary>length_penalty of the beam search (<see cref="BeamSearchOptions.LengthPenalty"/>).</summary>
    public float LengthPenalty { get; init; } = 1f;

    /// <summary>early_stopping of the beam search (<see cref="BeamSearchOptions.EarlyStopping"/>).</summary>
    public BeamEarlyStopping EarlyStopping { get; init; } = BeamEarlyStopping.Heuristic;

    /// <summary>max_new_tokens per source; null: <see cref="DefaultMaxNewTokens"/> or max_position_embeddings − 1, whichever is smaller.</summary>
    public int? MaxNewTokens { get; init; }

    /// <summary>Sources encoded and decoded together (padded to the longest of them).</summary>
    public int BatchSize { get; init; } = 8;

    /// <summary>use_cache: decode with the KV cache (the default) or rerun the decoder over each prefix (the same tokens, slower).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Every problem, one line per bad property; empty when the options are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (NumBeams < 1) problems.Add($"{nameof(NumBeams)} (num_beams) must be ≥ 1, got {NumBeams}.");
        if (!float.IsFinite(LengthPenalty)) problems.Add($"{nameof(LengthPenalty)} (length_penalty) must be a finite number, got {LengthPenalty}.");
        if (!Enum.IsDefined(EarlyStopping)) problems.Add($"{nameof(EarlyStopping)} (early_stopping) {(int)EarlyStopping} is not one of {string.Join(", ", Enum.GetNames<BeamEarlyStopping>())}.");
        if (MaxNewTokens < 1) problems.Add($"{nameof(MaxNewTokens)} (max_new_tokens) must be ≥ 1, got {MaxNewTokens}.");
        if (BatchSize < 1) problems.Add($"{nameof(BatchSize)} must be ≥ 1, got {BatchSize}.");
        return problems;
    }

    /// <summary>Throws when <see cref="Problems"/> finds any; the message has one line per bad property.</summary>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    public void Validate()
    {
        var problems = Problems();
        if (problems.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, problems));
    }
}
