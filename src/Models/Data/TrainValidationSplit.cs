namespace LlmForge.Data;

/// <summary>
/// Splits a corpus into a leading training part and a trailing validation part at one boundary,
/// like nanoGPT's <c>train_data = data[:int(n*0.9)]</c> and the book's
/// <c>split_idx = int(train_ratio * len(text_data))</c>. No shuffling: the validation text is
/// a contiguous passage the model never trains on.
/// </summary>
public static class TrainValidationSplit
{
    /// <summary>Splits token ids at floor(<paramref name="trainFraction"/> · N). Both parts are views, not copies.</summary>
    public static (ReadOnlyMemory<int> Train, ReadOnlyMemory<int> Validation) Split(ReadOnlyMemory<int> tokenIds, double trainFraction)
    {
        int at = SplitIndex(tokenIds.Length, trainFraction, "tokens");
        return (tokenIds[..at], tokenIds[at..]);
    }

    /// <summary>Splits text at floor(<paramref name="trainFraction"/> · length) characters (the book splits text before tokenising).</summary>
    public static (string Train, string Validation) SplitText(string text, double trainFraction)
    {
        ArgumentNullException.ThrowIfNull(text);
        int at = SplitIndex(text.Length, trainFraction, "characters");
        // Never cut a surrogate pair in two.
        if (at > 0 && at < text.Length && char.IsLowSurrogate(text[at]) && char.IsHighSurrogate(text[at - 1])) at--;
        return (text[..at], text[at..]);
    }

    /// <summary>floor(fraction · length), checked to leave both parts non-empty.</summary>
    public static int SplitIndex(int length, double trainFraction, string unit = "tokens")
    {
        if (!(trainFraction > 0 && trainFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(trainFraction), trainFraction,
                "The train fraction must be strictly between 0 and 1 (e.g. 0.9 for 90% train, 10% validation).");
        int at = (int)Math.Floor(trainFraction * length);
        if (at == 0 || at == length)
            throw new ArgumentException(
                $"Splitting {length} {unit} at train fraction {trainFraction} leaves {at} for training and " +
                $"{length - at} for validation; both parts need at least one. Use a longer corpus.", nameof(length));
        return at;
    }
}
