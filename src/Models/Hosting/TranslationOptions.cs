namespace LlmForge.Hosting;

/// <summary>
/// <c>LlmForge:Translation</c>: what training an encoder-decoder variant on translation pairs adds to the Training
/// section, e.g. <c>"Translation": { "LabelSmoothing": 0.1, "MaxLength": 64, "EvalSentences": 200 }</c>
/// (<see cref="Training.TranslationTrainingRun"/>).
/// </summary>
public sealed class TranslationOptions
{
    /// <summary>ε of the training loss's label smoothing (torch's CrossEntropyLoss(label_smoothing)), in [0, 1); evaluation losses are unsmoothed.</summary>
    public float LabelSmoothing { get; set; } = 0.1f;

    /// <summary>The longest source or target in tokens (eos included); longer ones are cut, keeping the eos.</summary>
    public int MaxLength { get; set; } = 64;

    /// <summary>Validation sentences each evaluation translates (greedy) for BLEU and chrF; 0: the whole validation split.</summary>
    public int EvalSentences { get; set; } = 200;

    /// <summary>Every problem, each naming its key under <paramref name="key"/> ("LlmForge:Translation"); empty when valid.</summary>
    public IReadOnlyList<string> Problems(string key)
    {
        var errors = new List<string>();
        SettingRange.Check(errors, $"{key}:{nameof(LabelSmoothing)}", LabelSmoothing, 0, 1, maxOpen: true);
        SettingRange.Check(errors, $"{key}:{nameof(MaxLength)}", MaxLength, 2, 4096, "one token and the eos at least");
        SettingRange.Check(errors, $"{key}:{nameof(EvalSentences)}", EvalSentences, 0, 1_000_000, "0: the whole validation split");
        return errors;
    }
}
