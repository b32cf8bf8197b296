namespace LlmForge.Tokenization;

/// <summary>
/// The tokenizer kinds a GPT training run can use, by the name trainer_state.json records: <c>char</c>
/// (<see cref="CharTokenizer"/>, saved as llmforge_char_tokenizer.json), <c>gpt2</c> (GPT-2's own byte-level BPE, loaded from its
/// files) and <c>bpe</c> (a byte-level BPE learned from the corpus by <see cref="BpeTrainer"/>); both BPE kinds save
/// vocab.json + merges.txt, which <see cref="TokenizerFiles.Load"/> reads back as a <see cref="Gpt2Tokenizer"/>.
/// </summary>
public static class TokenizerKinds
{
    /// <summary>"char": one id per character of the corpus (<see cref="CharTokenizer"/>).</summary>
    public const string Char = "char";

    /// <summary>"gpt2": GPT-2's own 50,257-token byte-level BPE, loaded from its files.</summary>
    public const string Gpt2 = "gpt2";

    /// <summary>"bpe": a byte-level BPE learned from the corpus by <see cref="BpeTrainer"/>.</summary>
    public const string Bpe = "bpe";

    /// <summary>
    /// "pretrained": the tokenizer of a model directory a run started from (train --init-from) that is neither a char
    /// tokenizer nor a GPT-2 BPE (a Llama-family tokenizer.json, say), read back by <see cref="TokenizerFiles.Load"/>.
    /// Not a --tokenizer choice.
    /// </summary>
    public const string Pretrained = "pretrained";

    /// <summary>The kind a checkpoint records for <paramref name="tokenizer"/>: char, gpt2 (any GPT-2 BPE) or pretrained.</summary>
    public static string KindOf(ITokenizer tokenizer) => tokenizer switch
    {
        CharTokenizer => Char,
        Gpt2Tokenizer => Gpt2,
        _ => Pretrained,
    };

    /// <summary>Every kind name, for "valid values" messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Char, Gpt2, Bpe];

    /// <summary>Every file name a GPT tokenizer of any kind may leave in a model directory.</summary>
    public static IReadOnlyList<string> FileNames { get; } =
        [TokenizerFiles.CharTokenizerFile, TokenizerFiles.LegacyCharTokenizerFile, Gpt2TokenizerFiles.HfVocab, Gpt2TokenizerFiles.HfMerges, Gpt2TokenizerFiles.OpenAiVocab, Gpt2TokenizerFiles.OpenAiMerges];

    /// <summary>The kind's tokenizer as saved in <paramref name="directory"/> (a checkpoint of that kind).</summary>
    /// <exception cref="ArgumentException">An unknown kind.</exception>
    public static ITokenizer Load(string kind, string directory) => kind switch
    {
        Char => TokenizerFiles.LoadChar(TokenizerFiles.FindCharFile(directory) ?? Path.Combine(directory, TokenizerFiles.CharTokenizerFile)),
        Gpt2 or Bpe => Gpt2TokenizerFiles.Load(directory),
        Pretrained => TokenizerFiles.Load(directory),
        _ => throw new ArgumentException($"Unknown tokenizer kind '{kind}'; valid values: {string.Join(", ", All)}.", nameof(kind)),
    };
}
