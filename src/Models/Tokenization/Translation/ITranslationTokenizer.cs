namespace LlmForge.Tokenization;

/// <summary>
/// The tokenizer of an encoder-decoder translator: one id space shared by source and target (the shared embedding
/// table), source and target text encoded each with its own rules and ended by <see cref="EosId"/>, and target ids
/// decoded back to text without the special tokens. Implementations: <see cref="MarianTokenizer"/> (an opus-mt
/// directory's source.spm, target.spm and vocab.json) and <see cref="SharedBpeTranslationTokenizer"/> (a byte-level BPE
/// learned from the training pairs).
/// </summary>
public interface ITranslationTokenizer
{
    /// <summary>Number of ids: every id is in [0, VocabSize); the model's shared embedding has this many rows.</summary>
    int VocabSize { get; }

    /// <summary>Id of <c>&lt;/s&gt;</c>, appended to every encoded source and target, and the decoder's stop token.</summary>
    int EosId { get; }

    /// <summary>Id of <c>&lt;pad&gt;</c>: padding in batches, and (as in Marian) the decoder's start token.</summary>
    int PadId { get; }

    /// <summary>The first decoder input of every target: <see cref="PadId"/> (Marian's <c>decoder_start_token_id</c>).</summary>
    int DecoderStartId { get; }

    /// <summary>Source-language text → ids, <see cref="EosId"/> last.</summary>
    IReadOnlyList<int> EncodeSource(string text);

    /// <summary>Target-language text → ids, <see cref="EosId"/> last (the labels of a training pair).</summary>
    IReadOnlyList<int> EncodeTarget(string text);

    /// <summary>Target ids → text, special tokens (eos, pad, unknown) skipped: what a translation prints.</summary>
    string DecodeTarget(IEnumerable<int> ids);

    /// <summary>Writes the tokenizer's files into <paramref name="directory"/> (created if missing); <see cref="TranslationTokenizerFiles.Load"/> reads them back.</summary>
    void Save(string directory);
}
