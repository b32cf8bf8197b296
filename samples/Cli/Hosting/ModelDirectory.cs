using LlmForge.Checkpoints;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// A model directory in Hugging Face's layout: config.json, model.safetensors and the tokenizer's files
/// (vocab.json + merges.txt, encoder.json + vocab.bpe, LlmForge's char llmforge_char_tokenizer.json or older tokenizer.json, or BERT's vocab.txt).
/// </summary>
public static class ModelDirectory
{
    /// <summary>The directory given by <c>--<paramref name="flag"/></c>, which is required and must exist.</summary>
    public static string Require(string command, string flag, string? directory)
    {
        if (directory is null) throw new CliException($"{command}: --{flag} is required");
        if (!Directory.Exists(directory))
            throw new CliException(File.Exists(directory)
                ? $"{command}: --{flag} '{directory}' is a file; give the model directory (config.json, model.safetensors, tokenizer files)"
                : $"{command}: --{flag} '{directory}': no such directory");
        return directory;
    }

    public static string ConfigPath(string directory) => Path.Combine(directory, GptConfigJson.FileName);

    /// <summary>config.json of <paramref name="directory"/>; a missing file or a bad key is one error naming it.</summary>
    public static GptConfig LoadConfig(string directory)
    {
        string path = ConfigPath(directory);
        if (!File.Exists(path))
            throw new FileNotFoundException($"{path}: no {GptConfigJson.FileName} in the model directory.", path);
        return GptConfigJson.Load(path);
    }

    /// <summary>True if the directory holds any tokenizer file (a broken pair is reported by <see cref="LoadTokenizer"/>).</summary>
    public static bool HasTokenizer(string directory) =>
        TokenizerFileNames.Any(name => File.Exists(Path.Combine(directory, name)));

    /// <summary>The files <see cref="TokenizerFiles.Load"/> looks for.</summary>
    private static readonly string[] TokenizerFileNames =
        [TokenizerFiles.CharTokenizerFile, TokenizerFiles.LegacyCharTokenizerFile, "vocab.json", "merges.txt", "encoder.json", "vocab.bpe", WordPieceTokenizerFiles.VocabFile];

    /// <summary>The tokenizer files present in <paramref name="directory"/> (to name them in a message).</summary>
    public static IEnumerable<string> TokenizerFilesIn(string directory) =>
        TokenizerFileNames.Where(name => File.Exists(Path.Combine(directory, name)));

    /// <summary>The directory's tokenizer, or null when it has none.</summary>
    public static ITokenizer? LoadTokenizer(string directory) => HasTokenizer(directory) ? TokenizerFiles.Load(directory) : null;
}
