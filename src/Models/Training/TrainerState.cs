using LlmForge.Data;

namespace LlmForge.Training;

/// <summary>
/// Everything a GPT training run needs beyond its weights, tokenizer and optimizer moments to continue exactly
/// where it stopped: the step, the seed, the samplers' positions, each dropout layer's mask counter, and what the
/// run was (variant, tokenizer kind, optimizer, corpus). Saved as <c>trainer_state.json</c>, the commit record of a
/// checkpoint, which also lists the size and SHA-256 of every other checkpoint file (<see cref="Files"/>).
/// </summary>
public sealed record TrainerState
{
    /// <summary>
    /// The trainer_state.json layout this build writes: 2 adds "state_sha256", the file's digest of its own content.
    /// Format 1 (no digest, written before it existed) is still read, so older runs can be resumed.
    /// </summary>
    public const int CurrentFormatVersion = 2;

    public int FormatVersion { get; init; } = CurrentFormatVersion;

    /// <summary>Optimizer steps taken (the optimizer's step count and the schedule's position).</summary>
    public required int Step { get; init; }

    /// <summary>The run's MaxSteps when it was saved (a resume may raise it).</summary>
    public required int MaxSteps { get; init; }

    /// <summary>Seed of initialization, data order and dropout.</summary>
    public required ulong Seed { get; init; }

    /// <summary>The model variant's name in configuration ("gpt-char").</summary>
    public required string Variant { get; init; }

    /// <summary>"char", "gpt2" or "bpe" (see <see cref="Tokenization.TokenizerKinds"/>).</summary>
    public required string Tokenizer { get; init; }

    /// <summary>"adamw" or "sgd": the keys optimizer.safetensors holds.</summary>
    public required string Optimizer { get; init; }

    public required CorpusFingerprint Corpus { get; init; }

    /// <summary>The training batches' sampler.</summary>
    public required RandomWindowSamplerState TrainSampler { get; init; }

    /// <summary>The sampler of the train-loss evaluation (its own stream, so evaluating never changes the training batches).</summary>
    public required RandomWindowSamplerState TrainEvalSampler { get; init; }

    public required RandomWindowSamplerState ValidationSampler { get; init; }

    /// <summary>Every dropout module by its dotted name ("trf_blocks.0.att.dropout").</summary>
    public required IReadOnlyDictionary<string, DropoutState> Dropout { get; init; }

    /// <summary>The last evaluation's validation loss; null before the first evaluation.</summary>
    public double? ValidationLoss { get; init; }

    /// <summary>The checkpoint's other files by name, as written (filled in by the checkpoint writer).</summary>
    public IReadOnlyDictionary<string, CheckpointFileRecord> Files { get; init; } = new Dictionary<string, CheckpointFileRecord>();
}

/// <summary>A dropout layer's seed and the number of masks it has drawn (<see cref="Layers.Dropout.Calls"/>).</summary>
public sealed record DropoutState(ulong Seed, long Calls);

/// <summary>Which corpus a run trains on: its path (null = the default corpus), token count and the SHA-256 of its token ids.</summary>
public sealed record CorpusFingerprint(string? Path, long Tokens, string Sha256);

/// <summary>A checkpoint file's length in bytes and SHA-256 (lower-case hex), to detect a half-written or mixed checkpoint.</summary>
public sealed record CheckpointFileRecord(long Bytes, string Sha256);
