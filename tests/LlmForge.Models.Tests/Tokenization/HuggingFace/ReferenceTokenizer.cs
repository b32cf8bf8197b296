namespace LlmForge.Tests.Tokenization.HuggingFace;

/// <summary>
/// The reference: Hugging Face's own tokenizers library (Rust), through its .NET wrapper Tokenizers.DotNet, loading the
/// same tokenizer.json. Its Encode gives the ids with the post-processor applied (none in these fixtures).
/// </summary>
internal static class ReferenceTokenizer
{
    public static int[] Encode(string tokenizerJson, string text)
    {
        using var reference = new Tokenizers.DotNet.Tokenizer(tokenizerJson);
        return [.. reference.Encode(text).Select(id => checked((int)id))];
    }

    /// <summary>The library's decoding of <paramref name="ids"/> through the file's decoder.</summary>
    public static string Decode(string tokenizerJson, IEnumerable<int> ids)
    {
        using var reference = new Tokenizers.DotNet.Tokenizer(tokenizerJson);
        return reference.Decode([.. ids.Select(id => checked((uint)id))]);
    }
}
