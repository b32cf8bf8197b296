using System.Text;

namespace LlmForge.Data;

/// <summary>Reads a training corpus from a UTF-8 text file, with errors that name the file.</summary>
public static class TextFile
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The whole file as text (a UTF-8 or UTF-16 byte-order mark is honoured and dropped).</summary>
    /// <exception cref="FileNotFoundException">The path does not exist or is a directory.</exception>
    /// <exception cref="InvalidDataException">The file is empty, blank, or not valid UTF-8.</exception>
    public static string Read(string path)
    {
        if (string.IsNullOrWhiteSpace(path))
            throw new ArgumentException("No corpus file given (the path is empty).", nameof(path));
        string full = Path.GetFullPath(path);
        if (Directory.Exists(full))
            throw new FileNotFoundException($"Corpus file '{path}' is a directory, not a text file ({full}).", full);
        if (!File.Exists(full))
            throw new FileNotFoundException($"Corpus file '{path}' does not exist ({full}).", full);

        string text;
        try
        {
            using var reader = new StreamReader(full, StrictUtf8, detectEncodingFromByteOrderMarks: true);
            text = reader.ReadToEnd();
        }
        catch (DecoderFallbackException e)
        {
            throw new InvalidDataException($"Corpus file '{path}' is not valid UTF-8 text ({full}): {e.Message}", e);
        }
        if (string.IsNullOrWhiteSpace(text))
            throw new InvalidDataException(
                $"Corpus file '{path}' is {(text.Length == 0 ? "empty" : "blank (whitespace only)")} ({full}); a corpus needs text to train on.");
        return text;
    }
}
