using System.Globalization;
using LlmForge.Data;

namespace LlmForge.Tokenization;

/// <summary>
/// A translation tokenizer learned from the training pairs: one byte-level BPE (<see cref="BpeTrainer"/>) shared by
/// source and target, so the model's source, target and output embeddings are one table, with <c>&lt;/s&gt;</c> and
/// <c>&lt;pad&gt;</c> as its two special tokens (a byte-level BPE has no unknown token). Saved as vocab.json + merges.txt,
/// which <see cref="TokenizerFiles.Load"/> also reads (as a <see cref="Gpt2Tokenizer"/>).
/// </summary>
/// <remarks>
/// Not a SentencePiece model: neither Microsoft.ML.Tokenizers nor a maintained NuGet package trains one, and the
/// library's own byte-level BPE trainer covers every character of any pair (no unknowns) at the same vocabulary size.
/// </remarks>
public sealed class SharedBpeTranslationTokenizer : ITranslationTokenizer
{
    /// <summary>The vocabulary size learned when none is given.</summary>
    public const int DefaultVocabSize = 8000;

    /// <summary>The two special tokens, in id order after the merges.</summary>
    public static IReadOnlyList<string> SpecialTokenNames { get; } = [MarianTokenizer.EosToken, MarianTokenizer.PadToken];

    /// <summary>Wraps a byte-level BPE whose vocabulary holds <c>&lt;/s&gt;</c> and <c>&lt;pad&gt;</c>.</summary>
    /// <exception cref="ArgumentException">One of the two tokens is missing from the vocabulary.</exception>
    public SharedBpeTranslationTokenizer(Gpt2Tokenizer bpe)
    {
        ArgumentNullException.ThrowIfNull(bpe);
        // Rebuilt so that both names are special tokens (a vocab.json + merges.txt read back knows only <|endoftext|>).
        foreach (string name in SpecialTokenNames)
            if (!bpe.Vocabulary.ContainsKey(name))
                throw new ArgumentException($"The BPE vocabulary lacks {name}; a translation tokenizer needs {string.Join(" and ", SpecialTokenNames)}.", nameof(bpe));
        Bpe = new Gpt2Tokenizer(bpe.Vocabulary, bpe.Merges, SpecialTokenNames);
        EosId = Bpe.Vocabulary[MarianTokenizer.EosToken];
        PadId = Bpe.Vocabulary[MarianTokenizer.PadToken];
    }

    /// <summary>The byte-level BPE.</summary>
    public Gpt2Tokenizer Bpe { get; }

    /// <inheritdoc/>
    public int VocabSize => Bpe.VocabSize;

    /// <inheritdoc/>
    public int EosId { get; }

    /// <inheritdoc/>
    public int PadId { get; }

    /// <inheritdoc/>
    public int DecoderStartId => PadId;

    /// <summary>
    /// Learns a shared BPE of <paramref name="vocabSize"/> ids from the sources and targets of <paramref name="pairs"/>
    /// (each text pre-tokenized on its own).
    /// </summary>
    /// <param name="pairs">The training pairs (never the validation ones).</param>
    /// <param name="vocabSize">256 byte tokens + merges + 2 special tokens; fewer when pairs run out of repeated pairs.</param>
    /// <param name="log">Receives one line saying what was learned; null = none.</param>
    /// <exception cref="ArgumentOutOfRangeException">A vocabulary size below 258.</exception>
    public static SharedBpeTranslationTokenizer Learn(IEnumerable<TranslationPair> pairs, int vocabSize = DefaultVocabSize, TextWriter? log = null)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        var documents = pairs.SelectMany(p => (string[])[p.Source, p.Target]);
        var bpe = BpeTrainer.Train(documents, new BpeTrainerOptions { VocabSize = vocabSize, SpecialTokens = [.. SpecialTokenNames] });
        log?.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"tokenizer bpe: {bpe.VocabSize:N0} ids shared by source and target ({bpe.Merges.Count:N0} merges learned from the pairs, {vocabSize:N0} asked)"));
        return new SharedBpeTranslationTokenizer(bpe);
    }

    /// <summary>Reads the vocab.json + merges.txt that <see cref="Save"/> wrote.</summary>
    /// <exception cref="InvalidDataException">The files are not a BPE with <c>&lt;/s&gt;</c> and <c>&lt;pad&gt;</c>.</exception>
    public static SharedBpeTranslationTokenizer Load(string directory)
    {
        var bpe = Gpt2TokenizerFiles.Load(directory);
        try
        {
            return new SharedBpeTranslationTokenizer(bpe);
        }
        catch (ArgumentException e)
        {
            throw new InvalidDataException($"Tokenizer in '{directory}': {e.Message}", e);
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<int> EncodeSource(string text) => EncodeWithEos(text);

    /// <inheritdoc/>
    public IReadOnlyList<int> EncodeTarget(string text) => EncodeWithEos(text);

    /// <inheritdoc/>
    public string DecodeTarget(IEnumerable<int> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        return Bpe.Decode(ids.Where(id => id != EosId && id != PadId));
    }

    /// <inheritdoc/>
    public void Save(string directory) => Bpe.Save(directory);

    private int[] EncodeWithEos(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        // "</s>" typed in a sentence is text, not the end: user text must not forge a special token.
        return [.. Bpe.Encode(text, allowSpecialTokens: false), EosId];
    }
}
