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
