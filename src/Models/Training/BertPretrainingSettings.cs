using LlmForge.Bert;
using LlmForge.Checkpoints;

namespace LlmForge.Training;

/// <summary>
/// What one BERT masked-LM pretraining run (<see cref="BertPretraining.Run"/>) needs: the corpus, the output directory,
/// the tokenizer (a vocab.txt or a WordPiece vocabulary trained on the corpus), the encoder's shape and the training options.
/// </summary>
public sealed record BertPretrainingSettings
{
    /// <summary>The corpus file (UTF-8 text); it is read unless <see cref="CorpusText"/> is given, and named in messages.</summary>
    public required string Corpus { get; init; }

    /// <summary>The corpus itself when it is not read from <see cref="Corpus"/> (e.g. a built-in default corpus); Corpus then only names it.</summary>
    public string? CorpusText { get; init; }

    /// <summary>
    /// Where the checkpoints go: the Hugging Face BERT directory (config.json, model.safetensors, vocab.txt,
    /// tokenizer_config.json) plus optimizer.safetensors and trainer_state.json.
    /// </summary>
    public required string OutputDirectory { get; init; }

    /// <summary>A directory with a vocab.txt to use; null trains a WordPiece vocabulary of <see cref="VocabSize"/> on the corpus.</summary>
    public string? TokenizerDirectory { get; init; }

    /// <summary>The WordPiece vocabulary to train when <see cref="TokenizerDirectory"/> is null.</summary>
    public int VocabSize { get; init; } = 2000;

    /// <summary>Lowercase and strip accents (uncased BERT); false keeps case and accents.</summary>
    public bool LowerCase { get; init; } = true;

    /// <summary>The encoder's shape; VocabSize and MaxPositions are filled in from the tokenizer and <see cref="SequenceLength"/>.</summary>
    public BertConfig Model { get; init; } = new()
    {
        HiddenSize = 128, Layers = 4, Heads = 4, IntermediateSize = 512, HiddenDropRate = 0f, AttentionDropRate = 0f,
    };

    /// <summary>Tokens per row: [CLS] + T − 2 corpus tokens + [SEP].</summary>
    public int SequenceLength { get; init; } = 64;

    /// <summary>Steps, batch size, schedule, evaluation and checkpoint cadence, seed.</summary>
    public TrainingOptions Training { get; init; } = new();

    /// <summary>The kinds of the attention, positional encoding and norms (a configured variant's); null = those the config names.</summary>
    public BertComponents? Components { get; init; }

    /// <summary>
    /// A checkpoint directory of an earlier run of these settings to continue exactly (its vocab.txt is the tokenizer);
    /// null starts a new run.
    /// </summary>
    public string? ResumeDirectory { get; init; }

    /// <summary>
    /// A BERT directory with its masked-LM head (cls.predictions) whose weights, shape and WordPiece vocabulary a new run
    /// starts from, with a fresh optimizer and schedule (train --init-from); null: a new encoder of <see cref="Model"/>'s
    /// shape. <see cref="Model"/>, <see cref="Components"/>, <see cref="TokenizerDirectory"/> and <see cref="VocabSize"/>
    /// are then not used, and <see cref="SequenceLength"/> is capped at the directory's max_position_embeddings.
    /// </summary>
    public string? InitFrom { get; init; }

    /// <summary>The run's name in trainer_state.json ("variant"): the configured variant's, or "bert" for a shape given by flags.</summary>
    public string Variant { get; init; } = "bert";

    /// <summary>What the user set <see cref="SequenceLength"/> with, for messages: a command-line flag or a configuration key.</summary>
    public string SequenceLengthSetting { get; init; } = nameof(SequenceLength);

    /// <summary>What the user set the validation fraction with: a command-line flag or a configuration key.</summary>
    public string ValidationFractionSetting { get; init; } = nameof(TrainingOptions.ValidationFraction);
}
