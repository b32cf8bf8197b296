namespace LlmForge.Tokenization;

/// <summary>
/// The <c>ByteLevel</c> pre-tokenizer's splitting: with <c>add_prefix_space</c> a space is put before each piece that
/// does not start with one (as the tokenizers library does, piece by piece), and with <c>use_regex</c> the piece is
/// split by GPT-2's pattern (<see cref="Gpt2PreTokenizer"/>). Its other half, bytes → byte-level alphabet, is the
/// BPE model's input (<see cref="Gpt2Tokenizer"/>'s merge step works on UTF-8 bytes directly).
/// </summary>
internal sealed class ByteLevelStep(bool addPrefixSpace, bool useRegex) : IPreTokenizerStep
{
    public void Split(ReadOnlyMemory<char> piece, List<ReadOnlyMemory<char>> output)
    {
        if (addPrefixSpace && !piece.Span.StartsWith(' ')) piece = (" " + piece.Span.ToString()).AsMemory();
        if (!useRegex) { output.Add(piece); return; }
        for (int i = 0; i < piece.Length;)
        {
            int length = Gpt2PreTokenizer.NextLength(piece.Span, i);
            output.Add(piece.Slice(i, length));
            i += length;
        }
    }
}
