namespace LlmForge.Tokenization;

/// <summary>
/// One pre-tokenizer of a tokenizer.json (<c>Split</c>, <c>Digits</c>, <c>ByteLevel</c>): refines a piece of text into
/// smaller pieces. A <c>Sequence</c> runs its steps in order, each on every piece the previous one left, so no later
/// split crosses an earlier boundary (as the tokenizers library's <c>PreTokenizedString.split</c>). Pieces are slices
/// of the text, not copies.
/// </summary>
internal interface IPreTokenizerStep
{
    /// <summary>Appends the pieces of <paramref name="piece"/> to <paramref name="output"/>, in order.</summary>
    void Split(ReadOnlyMemory<char> piece, List<ReadOnlyMemory<char>> output);
}

/// <summary>Runs a tokenizer.json's pre-tokenizer steps in order over one stretch of normalized text.</summary>
internal static class PreTokenizerSteps
{
    /// <summary>The pieces of <paramref name="text"/> after every step of <paramref name="steps"/>, in order.</summary>
    public static List<ReadOnlyMemory<char>> Split(string text, IReadOnlyList<IPreTokenizerStep> steps)
    {
        var pieces = new List<ReadOnlyMemory<char>> { text.AsMemory() };
        var next = new List<ReadOnlyMemory<char>>();
        foreach (var step in steps)
        {
            next.Clear();
            foreach (var p in pieces) step.Split(p, next);
            (pieces, next) = (next, pieces);
        }
        return pieces;
    }
}
