namespace LlmForge.Tokenization;

/// <summary>
/// A tokenizer over bytes rather than text (GPT-2's byte-level BPE, and the BPE <see cref="BpeTrainer"/> learns): it
/// encodes any byte sequence, valid UTF-8 or not, and <see cref="ITokenizer.DecodeBytes"/> gives the bytes back,
/// <c>DecodeBytes(EncodeBytes(x)) == x</c> for every <c>x</c>. Read files as bytes for it
/// (<see cref="Data.TextFile.ReadBytes"/>): decoding them to a string first would replace invalid bytes by U+FFFD.
/// </summary>
public interface IByteLevelTokenizer : ITokenizer
{
    /// <summary>
    /// Encodes <paramref name="bytes"/>: runs of valid UTF-8 exactly as <see cref="ITokenizer.Encode(string, bool)"/>
    /// encodes their text, other bytes as byte tokens (merged as one pre-token per run).
    /// </summary>
    IReadOnlyList<int> EncodeBytes(ReadOnlySpan<byte> bytes, bool allowSpecialTokens = true);
}
