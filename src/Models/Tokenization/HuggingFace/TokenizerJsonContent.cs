namespace LlmForge.Tokenization;

/// <summary>What a tokenizer.json holds (<see cref="TokenizerJson.Probe"/>), which decides the reader that loads it.</summary>
internal enum TokenizerJsonContent
{
    /// <summary>Not a JSON object with a "model": LlmForge's old char tokenizer file (or invalid JSON, for its reader to report).</summary>
    NotTokenizersLibrary,

    /// <summary>The tokenizers library's file with a BPE model and its vocabulary: <see cref="TokenizerJson.Load"/> reads it.</summary>
    BpeWithVocabulary,

    /// <summary>The tokenizers library's file of another kind (WordPiece, a stub): <see cref="TokenizerJson.Load"/> says what is missing or unsupported.</summary>
    OtherTokenizersLibrary,
}
