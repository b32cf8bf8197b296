namespace LlmForge.Tokenization;

/// <summary>
/// Loads the tokenizer of a translation model directory: an opus-mt one (<c>source.spm</c>, <c>target.spm</c>,
/// <c>vocab.json</c>) as a <see cref="MarianTokenizer"/>, or one learned from pairs (<c>vocab.json</c> +
/// <c>merges.txt</c>) as a <see cref="SharedBpeTranslationTokenizer"/>.
/// </summary>
public static class TranslationTokenizerFiles
{
    /// <summary>The translation tokenizer saved in <paramref name="directory"/>, whichever kind.</summary>
    /// <exception cref="DirectoryNotFoundException">No such directory.</exception>
    /// <exception cref="FileNotFoundException">Neither kind's files (the message lists both).</exception>
    public static ITranslationTokenizer Load(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"Tokenizer directory '{directory}' does not exist.");
        if (MarianTokenizerFiles.Present(directory)) return MarianTokenizerFiles.Load(directory);
        if (File.Exists(Path.Combine(directory, Gpt2TokenizerFiles.HfMerges))) return SharedBpeTranslationTokenizer.Load(directory);
        throw new FileNotFoundException(
            $"No translation tokenizer in '{directory}': expected {MarianTokenizerFiles.SourceModel} + {MarianTokenizerFiles.TargetModel} + " +
            $"{MarianTokenizerFiles.Vocabulary} (opus-mt) or {Gpt2TokenizerFiles.HfVocab} + {Gpt2TokenizerFiles.HfMerges} (a BPE learned from pairs).");
    }
}
