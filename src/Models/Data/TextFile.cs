using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace LlmForge.Data;

/// <summary>
/// Reads a text file (a training corpus, a file to tokenize) with errors that name the file: as text, strictly
/// (bytes that are not UTF-8 are an error naming their offset, never a silent U+FFFD), or as bytes for a byte-level
/// tokenizer, which encodes any bytes.
/// </summary>
public static class TextFile
{
    /// <summary>How messages name a corpus; <see cref="Read(string, string, bool)"/> takes another role.</summary>
    public const string CorpusRole = "Corpus file";

    /// <summary>The whole file as text (a UTF-8 or UTF-16 byte-order mark is honoured and dropped).</summary>
    /// <exception cref="FileNotFoundException">The path does not exist or is a directory.</exception>
    /// <exception cref="InvalidDataException">The file is empty, blank, or not valid UTF-8 (the message gives the byte offset and line).</exception>
    public static string Read(string path) => Read(path, CorpusRole, allowEmpty: false);

    /// <summary>
    /// The whole file as text, strictly; <paramref name="role"/> names it in messages ("Corpus file", "Text file");
    /// with <paramref name="allowEmpty"/> an empty or blank file is its text rather than an error.
    /// </summary>
    public static string Read(string path, string role, bool allowEmpty)
    {
        var (bytes, offset) = ReadUtf8(path, role, allowEmpty);
        string text;
        try
        {
            text = Utf8Strict.GetString(bytes, offset, bytes.Length - offset);
        }
        catch (DecoderFallbackException)
        {
            throw NotUtf8(path, role, bytes, offset);
        }
        return text;
    }

    /// <summary>
    /// The file's UTF-8 bytes as they are, invalid sequences included, for a byte-level tokenizer
    /// (<see cref="Tokenization.IByteLevelTokenizer"/>): a UTF-8 byte-order mark is dropped as <see cref="Read(string)"/>
    /// drops it, and a UTF-16 or UTF-32 file (byte-order mark) is decoded and re-encoded as UTF-8.
    /// </summary>
    public static byte[] ReadBytes(string path, string role = CorpusRole, bool allowEmpty = false)
    {
        var (bytes, offset) = ReadUtf8(path, role, allowEmpty);
        return offset == 0 ? bytes : bytes[offset..];
    }

    private static readonly UTF8Encoding Utf8Strict = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // The file's bytes as UTF-8 and where its content starts (after a UTF-8 byte-order mark).
    private static (byte[] Bytes, int Offset) ReadUtf8(string path, string role, bool allowEmpty)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException($"No {role.ToLowerInvariant()} given (the path is empty).", nameof(path));
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new FileNotFoundException($"{role} '{path}' is a directory, not a text file ({full}).", full);
        if (!File.Exists(full))
            throw new FileNotFoundException($"{role} '{path}' does not exist ({full}).", full);

        byte[] bytes = File.ReadAllBytes(full);
        int offset = bytes.AsSpan().StartsWith(Utf8Bom) ? Utf8Bom.Length : 0;
        if (OtherUnicode(bytes) is { } encoding)
        {
            try
            {
                bytes = Encoding.UTF8.GetBytes(encoding.GetString(bytes, encoding.Preamble.Length, bytes.Length - encoding.Preamble.Length));
            }
            catch (DecoderFallbackException e)
            {
                throw new InvalidDataException($"{role} '{path}' is not valid {encoding.EncodingName} text ({full}): {e.Message}", e);
            }
        }
        if (!allowEmpty && Blank(bytes.AsSpan(offset)))
            throw new InvalidDataException(
                $"{role} '{path}' is {(bytes.Length == offset ? "empty" : "blank (whitespace only)")} ({full}); a corpus needs text to train on.");
        return (bytes, offset);
    }

    // A UTF-32 or UTF-16 byte-order mark (UTF-32 LE first: it starts like UTF-16 LE's), read strictly.
    private static Encoding? OtherUnicode(ReadOnlySpan<byte> bytes) =>
        bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0, 0]) ? new UTF32Encoding(bigEndian: false, byteOrderMark: true, throwOnInvalidCharacters: true)
        : bytes.StartsWith((ReadOnlySpan<byte>)[0, 0, 0xFE, 0xFF]) ? new UTF32Encoding(bigEndian: true, byteOrderMark: true, throwOnInvalidCharacters: true)
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]) ? new UnicodeEncoding(bigEndian: false, byteOrderMark: true, throwOnInvalidBytes: true)
        : bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]) ? new UnicodeEncoding(bigEndian: true, byteOrderMark: true, throwOnInvalidBytes: true)
        : null;

    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    // Empty, or only white space; bytes that are not UTF-8 count as content.
    private static bool Blank(ReadOnlySpan<byte> bytes)
    {
        while (!bytes.IsEmpty)
        {
            if (Rune.DecodeFromUtf8(bytes, out Rune rune, out int length) != OperationStatus.Done || !Rune.IsWhiteSpace(rune)) return false;
            bytes = bytes[length..];
        }
        return true;
    }

    // Where the first invalid sequence is (file offset, line, its bytes), for a message that lets the user find it.
    private static InvalidDataException NotUtf8(string path, string role, byte[] bytes, int start)
    {
        char[] scratch = ArrayPool<char>.Shared.Rent(4096);
        int at = start;
        try
        {
            while (Utf8.ToUtf16(bytes.AsSpan(at), scratch, out int read, out _, replaceInvalidSequences: false) == OperationStatus.DestinationTooSmall)
                at += read;
            Utf8.ToUtf16(bytes.AsSpan(at), scratch, out int last, out _, replaceInvalidSequences: false);
            at += last;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(scratch);
        }
        Rune.DecodeFromUtf8(bytes.AsSpan(at), out _, out int length);
        int line = 1 + bytes.AsSpan(0, at).Count((byte)'\n');
        string hex = string.Join(" ", bytes.AsSpan(at, Math.Max(1, length)).ToArray().Select(b => $"0x{b:X2}"));
        return new InvalidDataException(
            $"{role} '{path}' is not valid UTF-8 text: byte offset {at} (line {line}) holds {hex}, which is not a UTF-8 character " +
            $"({Path.GetFullPath(path)}).");
    }
}
