using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands;

/// <summary>
/// The tokenizer of a fresh <c>llmforge train</c> run, from <c>--tokenizer char|gpt2|bpe</c>: the corpus's characters
/// (char, the default), GPT-2's byte-level BPE read from <c>--tokenizer-dir</c> (gpt2), or a byte-level BPE learned
/// from the corpus to <c>--vocab-size</c> ids (bpe). A flag that does not go with the kind is an error naming it.
/// </summary>
internal static class TrainTokenizer
{
    /// <summary>The BPE vocabulary size when --vocab-size is not given.</summary>
    public const int DefaultBpeVocabSize = 512;

    public static ITokenizer Create(string command, string kind, CorpusText corpus, string? tokenizerDir, int? vocabSize, TextWriter log)
    {
        if (tokenizerDir is not null && kind != TokenizerKinds.Gpt2)
            throw new CliException($"{command}: --tokenizer-dir goes with --tokenizer gpt2 (the tokenizer is '{kind}')");
        if (vocabSize is not null && kind != TokenizerKinds.Bpe)
            throw new CliException($"{command}: --vocab-size goes with --tokenizer bpe (the tokenizer is '{kind}')");
        switch (kind)
        {
            case TokenizerKinds.Gpt2:
                if (tokenizerDir is null)
                    throw new CliException($"{command}: --tokenizer gpt2 needs --tokenizer-dir DIR holding encoder.json + vocab.bpe or vocab.json + merges.txt (tools/fetch-gpt2-vocab.sh fetches GPT-2's)");
                if (!Directory.Exists(tokenizerDir))
                    throw new CliException($"{command}: --tokenizer-dir '{tokenizerDir}': no such directory");
                var gpt2 = Gpt2Tokenizer.FromDirectory(tokenizerDir);
                log.WriteLine($"tokenizer gpt2: {gpt2.VocabSize:N0} ids from {tokenizerDir}");
                return gpt2;
            case TokenizerKinds.Bpe:
                var options = new BpeTrainerOptions { VocabSize = vocabSize ?? DefaultBpeVocabSize };
                int least = 256 + options.SpecialTokens.Count;
                if (options.VocabSize < least)
                    throw new CliException($"{command}: --vocab-size must be at least {least} (256 byte tokens + {Gpt2Tokenizer.EndOfText}), got {options.VocabSize}");
                var bpe = BpeTrainer.Train(corpus.Utf8Bytes, options); // the bytes as they are: invalid UTF-8 is learned too
                log.WriteLine($"tokenizer bpe: {bpe.VocabSize:N0} ids ({bpe.Merges.Count:N0} merges learned from the corpus, {options.VocabSize:N0} asked)");
                return bpe;
            default:
                return CharTokenizer.FromCorpus(corpus.Text ?? throw new InvalidOperationException("The char tokenizer is built from the corpus's text."));
        }
    }
}
