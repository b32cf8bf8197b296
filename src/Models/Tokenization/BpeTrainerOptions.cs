namespace LlmForge.Tokenization;

/// <summary>Settings of <see cref="BpeTrainer"/>.</summary>
public sealed class BpeTrainerOptions
{
    /// <summary>Target vocabulary size: 256 byte tokens + learned merges + <see cref="SpecialTokens"/>.</summary>
    public int VocabSize { get; set; } = 1024;

    /// <summary>
    /// Stop early when the most frequent pair occurs fewer times than this (a pair seen once
    /// compresses nothing); the vocabulary is then smaller than <see cref="VocabSize"/>.
    /// </summary>
    public int MinPairCount { get; set; } = 2;

    /// <summary>Special tokens appended after the merges (ids VocabSize − count …); corpus text is split on them before counting.</summary>
    public IList<string> SpecialTokens { get; set; } = [Gpt2Tokenizer.EndOfText];
}
