using System.Text;

namespace LlmForge.Tokenization;

/// <summary>
/// The byte-level tokenizers' shared halves (<see cref="Gpt2Tokenizer"/>, <see cref="HuggingFaceBpeTokenizer"/>):
/// raw bytes → ids (text runs as text, the rest as merged byte tokens) and ids → their bytes.
/// </summary>
internal static class ByteLevelIds
{
    /// <summary>The ids <paramref name="encodeText"/> appends for <paramref name="text"/>.</summary>
    public static List<int> EncodeText(string text, Action<string, List<int>> encodeText)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>(text.Length / 3 + 4);
        encodeText(text, ids);
        return ids;
    }

    /// <summary>
    /// Encodes <paramref name="bytes"/>: each valid UTF-8 run through <paramref name="encodeText"/> (exact round trip),
    /// each run of bytes that are not UTF-8 as one pre-token of byte tokens merged by <paramref name="merger"/>'s ranks.
    /// </summary>
    public static List<int> EncodeBytes(ReadOnlySpan<byte> bytes, Action<string, List<int>> encodeText, Gpt2Tokenizer merger)
    {
        var ids = new List<int>(bytes.Length / 3 + 4);
        foreach (var run in Utf8Runs.Split(bytes))
        {
            var piece = bytes.Slice(run.Start, run.Length);
            if (run.IsText) encodeText(Encoding.UTF8.GetString(piece), ids);
            else ids.AddRange(merger.MergeBytes(piece));
        }
        return ids;
    }

    /// <summary>The bytes of <paramref name="ids"/> concatenated; <paramref name="bytesOfId"/>[id] is null for an id not in the vocabulary.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An id not in the vocabulary.</exception>
    public static byte[] Concat(IEnumerable<int> ids, byte[]?[] bytesOfId)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var bytes = new List<byte>();
        foreach (int id in ids)
        {
            byte[]? b = (uint)id < (uint)bytesOfId.Length ? bytesOfId[id] : null;
            if (b is null)
                throw new ArgumentOutOfRangeException(nameof(ids), id,
                    $"Token id {id} is not in the vocabulary (ids are in [0, {bytesOfId.Length})).");
            bytes.AddRange(b);
        }
        return [.. bytes];
    }
}
