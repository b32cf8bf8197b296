namespace LlmForge.Tokenization;

/// <summary>
/// The files of a Hugging Face MarianMT tokenizer, as opus-mt ships them: <c>source.spm</c>, <c>target.spm</c> (SentencePiece
/// models), <c>vocab.json</c> (the shared piece → id map) and optionally <c>tokenizer_config.json</c>.
/// </summary>
public static class MarianTokenizerFiles
{
    /// <summary>The source-language SentencePiece model.</summary>
    public const string SourceModel = "source.spm";

    /// <summary>The target-language SentencePiece model.</summary>
    public const string TargetModel = "target.spm";

    /// <summary>The shared vocabulary.</summary>
    public const string Vocabulary = "vocab.json";

    /// <summary>transformers' tokenizer settings (languages, special tokens); copied as it is.</summary>
    public const string Config = "tokenizer_config.json";

    /// <summary>True when <paramref name="directory"/> holds a <see cref="SourceModel"/> (a Marian tokenizer, complete or not).</summary>
    public static bool Present(string directory) => File.Exists(Path.Combine(directory, SourceModel));

    /// <summary>Reads the tokenizer of an opus-mt directory.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">One of the three files is missing (the message names it).</exception>
    /// <exception cref="InvalidDataException">A file that does not parse, or a vocabulary without the special tokens.</exception>
    public static MarianTokenizer Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer directory '{directory}' does not exist.");
        foreach (string name in (string[])[SourceModel, TargetModel, Vocabulary])
        {
            string path = Path.Combine(directory, name);
            if (!File.Exists(path))
                throw new FileNotFoundException($"Marian tokenizer in '{directory}' lacks {name} (expected {SourceModel}, {TargetModel} and {Vocabulary}).", path);
        }
        var source = SentencePieceModel.Load(Path.Combine(directory, SourceModel));
        var target = SentencePieceModel.Load(Path.Combine(directory, TargetModel));
        var vocabulary = Gpt2TokenizerFiles.ReadVocabulary(Path.Combine(directory, Vocabulary));
        try
        {
            return new MarianTokenizer(source, target, vocabulary, directory);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException(e.Message, e);
        }
    }

    /// <summary>Copies the tokenizer's files from <paramref name="from"/> into <paramref name="to"/> (created if missing).</summary>
    internal static void Save(string from, string to)
    {
        ArgumentNullException.ThrowIfNull(to);
        Directory.CreateDirectory(to);
        if (Path.GetFullPath(from) == Path.GetFullPath(to)) return;
        foreach (string name in (string[])[SourceModel, TargetModel, Vocabulary, Config])
        {
            string path = Path.Combine(from, name);
            if (File.Exists(path)) Checkpoints.AtomicFile.WriteAllBytes(Path.Combine(to, name), File.ReadAllBytes(path));
        }
    }
}
