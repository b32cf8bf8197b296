namespace LlmForge.Tokenization;

/// <summary>
/// The <c>Metaspace</c> pre-tokenizer (SentencePiece-style tokenizer.json: TinyLlama, Mistral, Llama 2 since
/// transformers' non-legacy conversion): every space becomes <c>replacement</c> ("▁"), a "▁" is put before the piece
/// by <c>prepend_scheme</c> — "always" (each piece not already starting with one), "first" (only the text's first piece,
/// the one at offset 0, so text after a leading <c>&lt;s&gt;</c> gets none) or "never" — and with <c>split</c> the
/// piece is cut before each "▁" (the tokenizers library's MergedWithNext).
/// </summary>
internal sealed class MetaspaceStep(char replacement, MetaspacePrepend prepend, bool split)
{
    /// <summary>The character spaces become ("▁", U+2581).</summary>
    public char Replacement => replacement;

    /// <summary>When a "▁" is put first.</summary>
    public MetaspacePrepend Prepend => prepend;

    /// <summary>Appends the pieces of <paramref name="piece"/>; <paramref name="atTextStart"/>: it begins the input text (offset 0).</summary>
    public void Split(ReadOnlyMemory<char> piece, bool atTextStart, List<ReadOnlyMemory<char>> output)
    {
        string text = piece.Span.ToString().Replace(' ', replacement);
        bool prependHere = prepend == MetaspacePrepend.Always || (prepend == MetaspacePrepend.First && atTextStart);
        if (prependHere && !text.StartsWith(replacement)) text = replacement + text;
        if (!split)
        {
            output.Add(text.AsMemory());
            return;
        }
        int start = 0;
        for (int i = 1; i < text.Length; i++)
            if (text[i] == replacement)
            {
                output.Add(text.AsMemory(start, i - start));
                start = i;
            }
        if (text.Length > 0) output.Add(text.AsMemory(start));
    }
}

/// <summary>Metaspace's <c>prepend_scheme</c>: where a "▁" is put before the text.</summary>
internal enum MetaspacePrepend
{
    /// <summary>Before every piece that does not start with one (also the old <c>add_prefix_space: true</c>).</summary>
    Always,

    /// <summary>Only before the text's first piece.</summary>
    First,

    /// <summary>Nowhere.</summary>
    Never,
}
