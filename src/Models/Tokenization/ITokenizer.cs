namespace LlmForge.Tokenization;

/// <summary>
/// Turns text into token ids and back. Implementations: <see cref="CharTokenizer"/> (one id per
/// character, nanoGPT's shakespeare_char), <see cref="Gpt2Tokenizer"/> (GPT-2's byte-level BPE,
/// also the format <see cref="BpeTrainer"/> produces), <see cref="HuggingFaceBpeTokenizer"/> (a Hugging Face
/// tokenizer.json's byte-level BPE: SmolLM2, Qwen2, Llama 3) and <see cref="WordPieceTokenizer"/> (BERT).
/// </summary>
/// <remarks>
/// Special tokens: <see cref="Encode(string)"/> encodes a special token's text (GPT-2's
/// <c>&lt;|endoftext|&gt;</c>) written in the input as its single special id, like tiktoken's
/// <c>allowed_special={"&lt;|endoftext|&gt;"}</c>, so a corpus with documents joined by
/// <c>&lt;|endoftext|&gt;</c> trains with real separators. <see cref="Encode(string, bool)"/> with
/// <c>allowSpecialTokens: false</c> encodes it as ordinary text instead, 7 tokens for GPT-2 (what
/// OpenAI's <c>encoder.py</c>, the npm <c>gpt-3-encoder</c> and tiktoken's
/// <c>encode(text, disallowed_special=())</c> do): use that for untrusted text, which must not forge a
/// document boundary.
/// </remarks>
public interface ITokenizer
{
    /// <summary>Number of ids: every id is in [0, VocabSize). The model's embedding table has this many rows.</summary>
    int VocabSize { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c> (document separator, generation stop), or null if the vocabulary has none.</summary>
    int? EndOfTextId { get; }

    /// <summary>Special tokens by text (for GPT-2: <c>{"&lt;|endoftext|&gt;": 50256}</c>); empty if none.</summary>
    IReadOnlyDictionary<string, int> SpecialTokens { get; }

    /// <summary>Encodes <paramref name="text"/>, special-token text included as special ids (see remarks).</summary>
    IReadOnlyList<int> Encode(string text);

    /// <summary>
    /// Encodes <paramref name="text"/>; with <paramref name="allowSpecialTokens"/> false, special-token
    /// text is encoded like any other text.
    /// </summary>
    IReadOnlyList<int> Encode(string text, bool allowSpecialTokens);

    /// <summary>
    /// Decodes ids to text. Byte sequences that are not valid UTF-8 (a token sequence cut inside a
    /// multi-byte character) decode to U+FFFD, like Python's <c>bytes.decode("utf-8", errors="replace")</c>.
    /// </summary>
    string Decode(IEnumerable<int> ids);

    /// <summary>
    /// The raw UTF-8 bytes of the ids, without any replacement: a single GPT-2 token may hold part of a
    /// multi-byte character. Streaming generation uses it through <see cref="TokenStreamDecoder"/>.
    /// </summary>
    byte[] DecodeBytes(IEnumerable<int> ids);

    /// <summary>Writes the tokenizer's files into <paramref name="directory"/> (created if missing); <see cref="TokenizerFiles.Load"/> reads them back.</summary>
    void Save(string directory);
}
