namespace LlmForge.Tokenization;

/// <summary>
/// The <c>Split</c> pre-tokenizer (and <c>Digits</c>, a split on numeric characters): finds the delimiters in a piece
/// and keeps, drops or attaches them by <see cref="SplitBehavior"/>.
/// </summary>
internal sealed class PatternSplitStep(Func<ReadOnlyMemory<char>, IEnumerable<(int Start, int Length)>> delimiters, SplitBehavior behavior) : IPreTokenizerStep
{
    public void Split(ReadOnlyMemory<char> piece, List<ReadOnlyMemory<char>> output)
    {
        // (start, length, isDelimiter) spans covering the piece, gaps and matches alternating.
        var spans = new List<(int Start, int Length, bool Match)>();
        int at = 0;
        foreach (var (start, length) in delimiters(piece))
        {
            if (length == 0) continue; // an empty match delimits nothing
            if (start > at) spans.Add((at, start - at, false));
            if (behavior == SplitBehavior.Contiguous && spans.Count > 0 && spans[^1].Match && spans[^1].Start + spans[^1].Length == start)
                spans[^1] = (spans[^1].Start, spans[^1].Length + length, true);
            else spans.Add((start, length, true));
            at = start + length;
        }
        if (at < piece.Length) spans.Add((at, piece.Length - at, false));

        int pending = -1; // MergedWithNext: start of a delimiter waiting for the gap after it
        for (int i = 0; i < spans.Count; i++)
        {
            var (start, length, match) = spans[i];
            switch (behavior)
            {
                case SplitBehavior.Removed when match:
                    continue;
                case SplitBehavior.MergedWithPrevious when match && i > 0 && !spans[i - 1].Match:
                    output[^1] = piece[(spans[i - 1].Start)..(start + length)]; // the gap before and this delimiter, adjacent
                    continue;
                case SplitBehavior.MergedWithNext when match && i + 1 < spans.Count && !spans[i + 1].Match:
                    pending = start;
                    continue;
            }
            if (pending >= 0) { output.Add(piece[pending..(start + length)]); pending = -1; }
            else output.Add(piece.Slice(start, length));
        }
    }

    /// <summary>The <c>Digits</c> pre-tokenizer: every numeric character alone (individual_digits) or numeric runs isolated.</summary>
    public static PatternSplitStep Digits(bool individual) => new(
        piece => NumericChars(piece),
        individual ? SplitBehavior.Isolated : SplitBehavior.Contiguous);

    private static List<(int, int)> NumericChars(ReadOnlyMemory<char> piece)
    {
        var found = new List<(int, int)>();
        var text = piece.Span;
        for (int i = 0; i < text.Length;)
        {
            System.Text.Rune.DecodeFromUtf16(text[i..], out var rune, out int width);
            if (System.Text.Rune.IsNumber(rune)) found.Add((i, width)); // Rust's char::is_numeric: Nd, Nl, No
            i += Math.Max(width, 1);
        }
        return found;
    }
}
