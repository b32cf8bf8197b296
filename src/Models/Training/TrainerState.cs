namespace LlmForge.Training;

/// <summary>
/// Everything a training run (<see cref="Trainer"/>) needs beyond its weights, tokenizer and optimizer moments to
/// continue exactly where it stopped: the step, the seed, its data streams' positions, each dropout layer's mask
/// counter, and what the run was (objective, variant, tokenizer kind, optimizer, corpus). Saved as <c>trainer_state.json</c>, the commit record of a
/// checkpoint, which also lists the size and SHA-256 of every other checkpoint file (<see cref="Files"/>).
/// </summary>
public sealed record TrainerState
{
    /// <summary>
    /// The trainer_state.json layout this build writes: 2 adds "state_sha256", the file's digest of its own content.
    /// Format 1 (no digest, written before it existed) is still read, so older runs can be resumed.
    /// </summary>
    public const int CurrentFormatVersion = 2;

    /// <summary>The layout the file was written in (1 or <see cref="CurrentFormatVersion"/>).</summary>
    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>
    /// The objective trained (<see cref="ITrainingObjective.Kind"/>); "causal-lm", a GPT's, is the default and is not
    /// written, so a GPT checkpoint's file is what it always was.
    /// </summary>
    public string Objective { get; init; } = CausalLanguageModeling.ObjectiveKind;

    /// <summary>Optimizer steps taken (the optimizer's step count and the schedule's position).</summary>
    public required int Step { get; init; }

    /// <summary>The run's MaxSteps when it was saved (a resume may raise it).</summary>
    public required int MaxSteps { get; init; }

    /// <summary>Seed of initialization, data order and dropout.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The model variant's name in configuration ("gpt-char", "bert-mini").</summary>
    public required string Variant { get; init; }

    /// <summary>"char", "gpt2" or "bpe" (see <see cref="Tokenization.TokenizerKinds"/>), or "wordpiece" for a BERT.</summary>
    public required string Tokenizer { get; init; }

    /// <summary>"adamw" or "sgd": the keys optimizer.safetensors holds.</summary>
    public required string Optimizer { get; init; }

    /// <summary>The corpus the run trains on, to refuse resuming on another text.</summary>
    public required CorpusFingerprint Corpus { get; init; }

    /// <summary>
    /// Where each data stream is ("samplers" in the file): the training batches, the train-loss evaluation's (its own
    /// stream, so evaluating never changes the training batches) and the validation batches.
    /// </summary>
    public required IReadOnlyDictionary<TrainingStream, TrainingStreamState> Streams { get; init; }

    /// <summary>Every dropout module by its dotted name ("trf_blocks.0.att.dropout").</summary>
    public required IReadOnlyDictionary<string, DropoutState> Dropout { get; init; }

    /// <summary>
    /// The model directory whose weights the run started from (train --init-from; a full path), or null for a run that
    /// started from the variant's random initialization. A resume keeps it.
    /// </summary>
    public string? InitializedFrom { get; init; }

    /// <summary>The last evaluation's validation loss; null before the first evaluation.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>The checkpoint's other files by name, as written (filled in by the checkpoint writer).</summary>
    public IReadOnlyDictionary<string, CheckpointFileRecord> Files { get; init; } = new Dictionary<string, CheckpointFileRecord>();
}

/// <summary>A dropout layer's seed and the number of masks it has drawn (<see cref="Layers.Dropout.Calls"/>).</summary>
public sealed record DropoutState(ulong Seed, long Calls);

/// <summary>Which corpus a run trains on: its path (null = the default corpus), token count and the SHA-256 of its token ids.</summary>
/// <param name="Path">The corpus file's full path; null for a built-in text.</param>
/// <param name="Tokens">The corpus's token count.</param>
/// <param name="Sha256">SHA-256 (lower-case hex) of its token ids as little-endian int32s.</param>
public sealed record CorpusFingerprint(string? Path, long Tokens, string Sha256)
{
    /// <summary>The fingerprint of <paramref name="tokenIds"/>, the whole corpus as the run's tokenizer encodes it.</summary>
    /// <param name="path">The corpus file (made a full path), or null for a built-in text.</param>
    /// <param name="tokenIds">Every token of the corpus.</param>
    public static CorpusFingerprint Of(string? path, ReadOnlySpan<int> tokenIds) =>
        new(path is null ? null : System.IO.Path.GetFullPath(path), tokenIds.Length,
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Runtime.InteropServices.MemoryMarshal.AsBytes(tokenIds))));
}

/// <summary>A checkpoint file's length in bytes and SHA-256 (lower-case hex), to detect a half-written or mixed checkpoint.</summary>
public sealed record CheckpointFileRecord(long Bytes, string Sha256);
