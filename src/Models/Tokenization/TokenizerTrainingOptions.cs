using System.Globalization;

namespace LlmForge.Tokenization;

/// <summary>
/// Which tokenizer a fresh GPT training run gets (<see cref="TokenizerTraining.Create"/>): a <see cref="TokenizerKinds"/>
/// name, the directory of GPT-2's files (gpt2 only) and the vocabulary size to learn (bpe only). The *Setting
/// properties are what the user set each value with (a command-line flag or a configuration key), so a message names it.
/// </summary>
public sealed record TokenizerTrainingOptions
{
    /// <summary>The byte-level BPE vocabulary size when <see cref="VocabSize"/> is not given.</summary>
    public const int DefaultBpeVocabSize = 512;

    /// <summary><c>char</c> (the corpus's characters, the default), <c>gpt2</c> (GPT-2's BPE read from <see cref="Directory"/>) or <c>bpe</c> (learned from the corpus).</summary>
    public string Kind { get; init; } = TokenizerKinds.Char;

    /// <summary>For gpt2: a directory holding encoder.json + vocab.bpe or vocab.json + merges.txt.</summary>
    public string? Directory { get; init; }

    /// <summary>For bpe: the ids to learn (256 byte tokens + &lt;|endoftext|&gt; at least); null = <see cref="DefaultBpeVocabSize"/>.</summary>
    public int? VocabSize { get; init; }

    /// <summary>The name of <see cref="Kind"/>'s setting in messages.</summary>
    public string KindSetting { get; init; } = nameof(Kind);

    /// <summary>The name of <see cref="Directory"/>'s setting in messages.</summary>
    public string DirectorySetting { get; init; } = nameof(Directory);

    /// <summary>The name of <see cref="VocabSize"/>'s setting in messages.</summary>
    public string VocabSizeSetting { get; init; } = nameof(VocabSize);

    /// <summary>The BPE vocabulary asked for: <see cref="VocabSize"/> or the default.</summary>
    internal BpeTrainerOptions BpeOptions => new() { VocabSize = VocabSize ?? DefaultBpeVocabSize };

    /// <summary>One line naming the first setting that is wrong (a value that does not go with the kind, a missing directory, a too small vocabulary); null when all are right.</summary>
    public string? FindError()
    {
        if (!TokenizerKinds.All.Contains(Kind))
            return $"{KindSetting} '{Kind}' is not valid; valid values: {string.Join(", ", TokenizerKinds.All)}";
        if (Directory is not null && Kind != TokenizerKinds.Gpt2)
            return $"{DirectorySetting} goes with {KindSetting} {TokenizerKinds.Gpt2} (the tokenizer is '{Kind}')";
        if (VocabSize is not null && Kind != TokenizerKinds.Bpe)
            return $"{VocabSizeSetting} goes with {KindSetting} {TokenizerKinds.Bpe} (the tokenizer is '{Kind}')";
        if (Kind == TokenizerKinds.Gpt2)
        {
            if (Directory is null)
                return $"{KindSetting} {TokenizerKinds.Gpt2} needs {DirectorySetting} DIR holding encoder.json + vocab.bpe or vocab.json + merges.txt (tools/fetch-gpt2-vocab.sh fetches GPT-2's)";
            if (!System.IO.Directory.Exists(Directory))
                return $"{DirectorySetting} '{Directory}': no such directory";
        }
        if (Kind == TokenizerKinds.Bpe)
        {
            var bpe = BpeOptions;
            int least = 256 + bpe.SpecialTokens.Count;
            if (bpe.VocabSize < least)
                return string.Create(CultureInfo.InvariantCulture,
                    $"{VocabSizeSetting} must be at least {least} (256 byte tokens + {Gpt2Tokenizer.EndOfText}), got {bpe.VocabSize}");
        }
        return null;
    }
}
