using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>
/// What a <see cref="Trainer"/>'s checkpoints hold besides optimizer.safetensors and trainer_state.json, and what the
/// run is: how the model's own directory is written and read back (a GPT's or a BERT's Hugging Face layout with its
/// tokenizer's files), and the variant, tokenizer kind and corpus trainer_state.json records and a resume checks.
/// </summary>
/// <param name="Variant">The model variant's name ("gpt-char", "bert-mini").</param>
/// <param name="TokenizerKind">"char", "gpt2", "bpe" or "wordpiece".</param>
/// <param name="Corpus">The corpus the run trains on.</param>
/// <param name="SaveModel">Writes the model directory's files (config.json, model.safetensors, tokenizer files) into the folder it is given.</param>
/// <param name="LoadModel">Reads a checkpoint directory's weights into the run's model, checking its architecture.</param>
public sealed record CheckpointFiles(string Variant, string TokenizerKind, CorpusFingerprint Corpus, Action<string> SaveModel, Action<string> LoadModel)
{
    /// <summary>The model directory the run's weights started from (trainer_state.json's "init_from"); null: random initialization.</summary>
    public string? InitializedFrom { get; init; }

    /// <summary>The tokenizer kind a BERT's WordPiece vocabulary is recorded as.</summary>
    public const string WordPiece = "wordpiece";

    /// <summary>
    /// A GPT run's checkpoint: the model's Hugging Face directory (<see cref="Gpt2Checkpoint"/>) with
    /// <paramref name="tokenizer"/>'s files, read back into <paramref name="model"/> by a resume.
    /// </summary>
    /// <param name="model">The GPT being trained.</param>
    /// <param name="tokenizer">Its tokenizer, saved beside it.</param>
    /// <param name="variant">The variant's name, recorded and checked by a resume.</param>
    /// <param name="tokenizerKind">"char", "gpt2" or "bpe".</param>
    /// <param name="corpus">The corpus trained on (<see cref="CorpusFingerprint.Of"/>).</param>
    public static CheckpointFiles ForGpt(GptModel model, ITokenizer tokenizer, string variant, string tokenizerKind, CorpusFingerprint corpus)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new(variant, tokenizerKind, corpus,
            directory => { Gpt2Checkpoint.Save(model, directory); tokenizer.Save(directory); },
            directory => Gpt2Checkpoint.Load(model, directory));
    }

    /// <summary>
    /// A BERT run's checkpoint: the model's Hugging Face directory (<see cref="BertCheckpoint"/>: config.json,
    /// model.safetensors) with vocab.txt and tokenizer_config.json, read back into <paramref name="model"/> by a resume.
    /// </summary>
    /// <param name="model">The BERT being trained.</param>
    /// <param name="tokenizer">Its WordPiece tokenizer, saved beside it.</param>
    /// <param name="variant">The variant's name, recorded and checked by a resume.</param>
    /// <param name="corpus">The corpus trained on (<see cref="CorpusFingerprint.Of"/>).</param>
    public static CheckpointFiles ForBert(BertModel model, WordPieceTokenizer tokenizer, string variant, CorpusFingerprint corpus)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        return new(variant, WordPiece, corpus,
            directory => { BertCheckpoint.Save(model, directory); tokenizer.Save(directory); },
            directory => BertCheckpoint.Load(model, directory));
    }
}
