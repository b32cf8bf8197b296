using System.Text;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands;

/// <summary>
/// The corpus of a <c>llmforge train</c> run as the tokenizer needs it: its text (char tokenizer, WordPiece; read
/// strictly) or its raw bytes (a byte-level BPE, which encodes any bytes, so nothing becomes U+FFFD on the way).
/// </summary>
internal sealed class CorpusText
{
    /// <summary>The text, when it was read as text.</summary>
    public string? Text { get; set; }

    /// <summary>The bytes, when they were read as bytes.</summary>
    public byte[]? Bytes { get; set; }

    /// <summary>The corpus as UTF-8 bytes: the bytes read, or the text encoded.</summary>
    public byte[] Utf8Bytes => Bytes ?? Encoding.UTF8.GetBytes(Text!);

    /// <summary>Token ids: bytes through a byte-level tokenizer's byte path, text through <see cref="ITokenizer.Encode(string)"/>.</summary>
    public IReadOnlyList<int> Encode(ITokenizer tokenizer) =>
        tokenizer is IByteLevelTokenizer byteLevel ? byteLevel.EncodeBytes(Utf8Bytes)
        : tokenizer.Encode(Text ?? throw new InvalidOperationException($"The {tokenizer.GetType().Name} encodes text; the corpus was read as bytes."));
}
