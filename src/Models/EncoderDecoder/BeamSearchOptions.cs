namespace LlmForge.EncoderDecoder;

/// <summary>When a beam search stops looking for better translations of an input (transformers' early_stopping).</summary>
public enum BeamEarlyStopping
{
    /// <summary>
    /// early_stopping=False (transformers' default): stop once the K finished hypotheses are all at least as good as the
    /// best running beam would be if it ended now (its sum of log-probabilities over the current length^penalty).
    /// </summary>
    Heuristic,

    /// <summary>early_stopping=True: stop as soon as K hypotheses have ended with eos.</summary>
    OnceFull,

    /// <summary>
    /// early_stopping="never": stop only when no running beam can beat the worst finished one — with a positive length
    /// penalty, bounded at the longest length (max new tokens); the canonical beam search.
    /// </summary>
    Never,
}

/// <summary>
/// The settings of <see cref="BeamSearch"/>, with transformers' generate() names in the comments. Checked by
/// <see cref="Validate"/> before any work; each message names the property.
/// </summary>
public sealed record BeamSearchOptions
{
    /// <summary>num_beams: K, the hypotheses kept per input at each step (≥ 2; 1 is greedy decoding, <see cref="GreedyTranslation"/>).</summary>
    public int NumBeams { get; init; } = 4;

    /// <summary>
    /// length_penalty: a finished hypothesis scores sum_logprobs / generated_length^LengthPenalty (the eos counted);
    /// above 0 favours longer translations, below 0 shorter ones.
    /// </summary>
    public float LengthPenalty { get; init; } = 1f;

    /// <summary>early_stopping.</summary>
    public BeamEarlyStopping EarlyStopping { get; init; } = BeamEarlyStopping.Heuristic;

    /// <summary>max_new_tokens: the most tokens generated per input after the decoder start token.</summary>
    public int MaxNewTokens { get; init; } = 256;

    /// <summary>use_cache: decode with a KV cache (one new token per beam per step) or rerun the decoder over each prefix (the same tokens).</summary>
    public bool UseCache { get; init; } = true;

    /// <summary>Every problem, one line per bad property; empty when the options are valid.</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (NumBeams < 2) problems.Add($"{nameof(NumBeams)} (num_beams) must be ≥ 2 for a beam search, got {NumBeams}; 1 is greedy decoding.");
        if (!float.IsFinite(LengthPenalty)) problems.Add($"{nameof(LengthPenalty)} (length_penalty) must be a finite number, got {LengthPenalty}.");
        if (!Enum.IsDefined(EarlyStopping)) problems.Add($"{nameof(EarlyStopping)} (early_stopping) {(int)EarlyStopping} is not one of {string.Join(", ", Enum.GetNames<BeamEarlyStopping>())}.");
        if (MaxNewTokens < 1) problems.Add($"{nameof(MaxNewTokens)} (max_new_tokens) must be ≥ 1, got {MaxNewTokens}.");
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
