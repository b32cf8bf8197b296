using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// A training corpus as a tokenizer needs it: its text (char tokenizer, WordPiece; read strictly) or its raw bytes
/// (a byte-level BPE, which encodes any bytes, so nothing becomes U+FFFD on the way).
/// </summary>
public sealed class TokenizerCorpus
{
    private TokenizerCorpus(string? text, byte[]? bytes) => (Text, Bytes) = (text, bytes);

    /// <summary>A corpus read as text.</summary>
    public static TokenizerCorpus FromText(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), null);

    /// <summary>A corpus read as bytes (for a byte-level tokenizer; not necessarily valid UTF-8).</summary>
    public static TokenizerCorpus FromBytes(byte[] bytes) => new(null, bytes ?? throw new ArgumentNullException(nameof(bytes)));

    /// <summary>The text, when it was read as text.</summary>
    public string? Text { get; }

    /// <summary>The bytes, when they were read as bytes.</summary>
    public byte[]? Bytes { get; }

    /// <summary>The corpus as UTF-8 bytes: the bytes read, or the text encoded.</summary>
    public byte[] Utf8Bytes => Bytes ?? Encoding.UTF8.GetBytes(Text!);

    /// <summary>Token ids: bytes through a byte-level tokenizer's byte path, text through <see cref="ITokenizer.Encode(string)"/>.</summary>
    /// <exception cref="InvalidOperationException">A text tokenizer and a corpus read as bytes.</exception>
    public IReadOnlyList<int> Encode(ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        return tokenizer is IByteLevelTokenizer byteLevel ? byteLevel.EncodeBytes(Utf8Bytes)
            : tokenizer.Encode(Text ?? throw new InvalidOperationException($"The {tokenizer.GetType().Name} encodes text; the corpus was read as bytes."));
    }
}
