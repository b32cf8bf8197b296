using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// Decodes tokens one at a time during generation and returns only complete characters: a GPT-2
/// token can end in the middle of a multi-byte UTF-8 character (an emoji is often 2–3 tokens), so
/// printing each token's own decoding would show U+FFFD garbage. The pending bytes are held until
/// the character completes.
/// </summary>
/// <example>
/// <code>
/// var stream = new TokenStreamDecoder(tokenizer);
/// foreach (int id in generated) Console.Write(stream.Append(id));
/// Console.Write(stream.Flush());
/// </code>
/// </example>
public sealed class TokenStreamDecoder
{
    private readonly ITokenizer _tokenizer;
    // System.Text.Decoder keeps an incomplete UTF-8 sequence between calls (flush: false).
    private readonly Decoder _utf8 = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false).GetDecoder();
    private readonly int[] _one = new int[1];
    private char[] _chars = new char[64];

    /// <summary>A decoder of <paramref name="tokenizer"/>'s ids, with no bytes pending.</summary>
    public TokenStreamDecoder(ITokenizer tokenizer)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        _tokenizer = tokenizer;
    }

    /// <summary>Adds one token; returns the characters it completes (possibly empty).</summary>
    public string Append(int id)
    {
        _one[0] = id;
        return Decode(_tokenizer.DecodeBytes(_one), flush: false);
    }

    /// <summary>Returns what is still pending (an incomplete character becomes U+FFFD) and resets.</summary>
    public string Flush() => Decode([], flush: true);

    private string Decode(byte[] bytes, bool flush)
    {
        int needed = _utf8.GetCharCount(bytes, flush: false) + 4; // +4: pending bytes flushed as U+FFFD
        if (_chars.Length < needed) _chars = new char[Math.Max(needed, _chars.Length * 2)];
        int n = _utf8.GetChars(bytes, 0, bytes.Length, _chars, 0, flush);
        return new string(_chars, 0, n);
    }
}
