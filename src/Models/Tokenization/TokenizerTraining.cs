namespace LlmForge.Tokenization;

/// <summary>
/// The tokenizer of a fresh GPT training run: the corpus's characters (char), GPT-2's byte-level BPE read from a
/// directory (gpt2), or a byte-level BPE learned from the corpus (bpe). The library entry of <c>llmforge train
/// --tokenizer char|gpt2|bpe</c>.
/// </summary>
public static class TokenizerTraining
{
    /// <summary>Builds (or learns) the tokenizer <paramref name="options"/> names from <paramref name="corpus"/>.</summary>
    /// <param name="options">The kind and its directory or vocabulary size.</param>
    /// <param name="corpus">The training corpus: text for char, bytes or text for bpe; unused by gpt2.</param>
    /// <param name="log">Receives one line saying what was loaded or learned (gpt2, bpe); null = none.</param>
    /// <exception cref="ArgumentException">A wrong setting (<see cref="TokenizerTrainingOptions.FindError"/>'s line).</exception>
    public static ITokenizer Create(TokenizerTrainingOptions options, TokenizerCorpus corpus, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(corpus);
        if (options.FindError() is { } error) throw new ArgumentException(error, nameof(options));
        switch (options.Kind)
        {
            case TokenizerKinds.Gpt2:
                var gpt2 = Gpt2Tokenizer.FromDirectory(options.Directory!);
                log?.WriteLine($"tokenizer gpt2: {gpt2.VocabSize:N0} ids from {options.Directory}");
                return gpt2;
            case TokenizerKinds.Bpe:
                var bpeOptions = options.BpeOptions;
                var bpe = BpeTrainer.Train(corpus.Utf8Bytes, bpeOptions); // the bytes as they are: invalid UTF-8 is learned too
                log?.WriteLine($"tokenizer bpe: {bpe.VocabSize:N0} ids ({bpe.Merges.Count:N0} merges learned from the corpus, {bpeOptions.VocabSize:N0} asked)");
                return bpe;
            default:
                return CharTokenizer.FromCorpus(corpus.Text ?? throw new ArgumentException("The char tokenizer is built from the corpus's text; the corpus was read as bytes.", nameof(corpus)));
        }
    }
}
