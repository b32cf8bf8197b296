namespace LlmForge.Tokenization;

/// <summary>
/// GPT-2's <c>bytes_to_unicode()</c>: a bijection from the 256 byte values to 256 printable
/// characters, so byte-level BPE tokens can be stored as ordinary strings in <c>encoder.json</c> /
/// <c>merges.txt</c>. Printable Latin-1 bytes ('!'..'~', '¡'..'¬', '®'..'ÿ') map to themselves; the
/// other 68 (controls, space, 0x7F–0xA0, 0xAD) map to U+0100 upwards in byte order, so a space is
/// 'Ġ' (U+0120) and a newline 'Ċ' (U+010A).
/// </summary>
public static class ByteLevelAlphabet
{
    private static readonly char[] CharOfByte = BuildCharOfByte();
    private static readonly short[] ByteOfChar = BuildByteOfChar(); // indexed by char, -1 if not in the alphabet

    /// <summary>The character standing for <paramref name="b"/>.</summary>
    public static char ToChar(byte b) => CharOfByte[b];

    /// <summary>The byte <paramref name="c"/> stands for; false if <paramref name="c"/> is not one of the 256 characters.</summary>
    public static bool TryToByte(char c, out byte b)
    {
        short v = c < ByteOfChar.Length ? ByteOfChar[c] : (short)-1;
        b = (byte)v;
        return v >= 0;
    }

    /// <summary>Encodes raw bytes as a token string ("Ġthe" for " the").</summary>
    public static string ToTokenString(ReadOnlySpan<byte> bytes)
    {
        Span<char> chars = bytes.Length <= 256 ? stackalloc char[bytes.Length] : new char[bytes.Length];
        for (int i = 0; i < bytes.Length; i++) chars[i] = CharOfByte[bytes[i]];
        return new string(chars);
    }

    /// <summary>Decodes a token string back to its bytes; null if a character is outside the alphabet.</summary>
    public static byte[]? ToBytes(string token)
    {
        var bytes = new byte[token.Length];
        for (int i = 0; i < token.Length; i++)
            if (!TryToByte(token[i], out bytes[i])) return null;
        return bytes;
    }

    /// <summary>
    /// The 256 byte values ordered by their character's code point: GPT-2's ids 0..255 follow this
    /// order ('!' = 0 … 'ÿ' = 187, 'Ā' (byte 0) = 188 …), and <see cref="BpeTrainer"/> keeps it.
    /// </summary>
    public static byte[] BytesInCharOrder()
    {
        var order = new byte[256];
        for (int b = 0; b < 256; b++) order[b] = (byte)b;
        Array.Sort(order, (x, y) => CharOfByte[x].CompareTo(CharOfByte[y]));
        return order;
    }

    private static char[] BuildCharOfByte()
    {
        var map = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++)
        {
            bool printable = (b >= '!' && b <= '~') || (b >= '¡' && b <= '¬') || (b >= '®' && b <= 'ÿ');
            map[b] = printable ? (char)b : (char)next++;
        }
        return map;
    }

    private static short[] BuildByteOfChar()
    {
        var inverse = new short[256 + 68];
        Array.Fill(inverse, (short)-1);
        for (int b = 0; b < 256; b++) inverse[CharOfByte[b]] = (short)b;
        return inverse;
    }
}
