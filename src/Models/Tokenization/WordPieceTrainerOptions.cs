namespace LlmForge.Tokenization;

/// <summary>How <see cref="WordPieceTrainer"/> ranks the pair to merge next.</summary>
public enum WordPieceMergeScore
{
    /// <summary>count(ab): the most frequent pair, as BPE (what the Hugging Face tokenizers WordPieceTrainer does).</summary>
    Frequency,

    /// <summary>
    /// count(ab) / (count(a) · count(b)): the pair whose parts occur together most often relative to how often
    /// they occur at all (the likelihood gain Google's WordPiece uses, as the Hugging Face course describes it).
    /// </summary>
    /// <remarks>
    /// It favours pairs of rare symbols, so a small vocabulary fills with fragments of rare words: on
    /// tinyshakespeare with 4000 tokens it spends 2.24 tokens per word where <see cref="Frequency"/> spends 1.11.
    /// </remarks>
    Likelihood,
}

/// <summary>Settings of <see cref="WordPieceTrainer"/>.</summary>
public sealed class WordPieceTrainerOptions
{
    /// <summary>Target vocabulary size: special tokens + the corpus's characters (initial and "##" forms) + merges.</summary>
    public int VocabSize { get; set; } = 8000;

    /// <summary>A pair seen fewer times than this is never merged; training then stops below <see cref="VocabSize"/>.</summary>
    public int MinPairCount { get; set; } = 2;

    /// <summary>How the next pair to merge is chosen: by count (default) or WordPiece's likelihood score.</summary>
    public WordPieceMergeScore Score { get; set; } = WordPieceMergeScore.Frequency;

    /// <summary>do_lower_case of the basic tokenizer used for training and saved with the result.</summary>
    public bool LowerCase { get; set; } = true;

    /// <summary>strip_accents (null: follows <see cref="LowerCase"/>).</summary>
    public bool? StripAccents { get; set; }

    /// <summary>The special tokens, listed first in the vocabulary ([PAD] [UNK] [CLS] [SEP] [MASK] → ids 0–4).</summary>
    public WordPieceSpecialTokens SpecialTokens { get; set; } = WordPieceSpecialTokens.Default;

    /// <summary>Words longer than this (in code points) are [UNK] for the tokenizer, so training skips them.</summary>
    public int MaxInputCharsPerWord { get; set; } = 100;
}
