using System.Buffers;
using System.Text;
using System.Text.Unicode;

namespace LlmForge.Tokenization;

/// <summary>A run of bytes: valid UTF-8 text, or bytes that are not UTF-8 (<see cref="IsText"/> false).</summary>
public readonly record struct ByteRun(int Start, int Length, bool IsText);

/// <summary>
/// Splits bytes into maximal runs of valid UTF-8 and of bytes that are not (a stray 0xFF, a sequence cut short,
/// an overlong form, a surrogate's three-byte encoding). A byte-level tokenizer encodes the text runs as text and
/// the others byte by byte, so that any byte sequence round-trips; <see cref="Gpt2Tokenizer.EncodeBytes"/> and
/// <see cref="BpeTrainer"/> share this one split.
/// </summary>
public static class Utf8Runs
{
    /// <summary>
    /// The runs of <paramref name="bytes"/> in order, covering every byte once: text runs (valid UTF-8) and the runs
    /// of bytes between them that are not.
    /// </summary>
    public static List<ByteRun> Split(ReadOnlySpan<byte> bytes)
    {
        var runs = new List<ByteRun>();
        char[] scratch = ArrayPool<char>.Shared.Rent(4096);
        try
        {
            int at = 0;
            while (at < bytes.Length)
            {
                int valid = ValidPrefixLength(bytes[at..], scratch);
                if (valid > 0)
                {
                    runs.Add(new ByteRun(at, valid, IsText: true));
                    at += valid;
                    continue;
                }
                int invalid = 0; // consecutive invalid sequences, each as long as Rune.DecodeFromUtf8 says (≥ 1 byte)
                while (at + invalid < bytes.Length
                       && Rune.DecodeFromUtf8(bytes[(at + invalid)..], out _, out int length) != OperationStatus.Done)
                    invalid += length;
                runs.Add(new ByteRun(at, invalid, IsText: false));
                at += invalid;
            }
        }
        finally
        {
            ArrayPool<char>.Shared.Return(scratch);
        }
        return runs;
    }

    // Bytes of the longest valid UTF-8 prefix (decoding in chunks only to find where it ends).
    private static int ValidPrefixLength(ReadOnlySpan<byte> bytes, char[] scratch)
    {
        int total = 0;
        while (true)
        {
            var status = Utf8.ToUtf16(bytes[total..], scratch, out int read, out _, replaceInvalidSequences: false, isFinalBlock: true);
            total += read;
            if (status != OperationStatus.DestinationTooSmall) return total;
        }
    }
}
