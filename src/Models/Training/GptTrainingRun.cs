using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Hosting;
using LlmForge.Tokenization;
using Microsoft.Extensions.Logging;

namespace LlmForge.Training;

/// <summary>What a run is, as trainer_state.json records it: the variant's name, the tokenizer kind and the corpus file (null = the default corpus).</summary>
public sealed record GptRunDescription(string Variant, string TokenizerKind, string? CorpusPath)
{
    /// <summary>The model directory the run's weights started from (--init-from), recorded as "init_from"; null: random initialization.</summary>
    public string? InitializedFrom { get; init; }

    /// <summary>The path of the configuration section the run's settings come from, for the keys messages name.</summary>
    public string Section { get; init; } = Hosting.LlmForgeOptions.SectionName;

    /// <summary>LoRA adapters trained instead of the whole model (<see cref="Lora.LoraTraining"/>); null: every parameter trains.</summary>
    public Lora.LoraOptions? Lora { get; init; }
}

/// <summary>
/// A whole GPT training run over a corpus: the corpus split into training and validation tokens, the
/// <see cref="CausalLanguageModeling"/> objective over them and the <see cref="Training.Trainer"/> with GPT checkpoints
/// (the Hugging Face model directory with the tokenizer's files, optimizer.safetensors, trainer_state.json).
/// </summary>
/// <remarks>
/// Three samplers, each its own seeded stream: training batches (seed), validation batches (seed + 1) and the
/// train-loss evaluation's batches (seed + 2), so when and how often the run evaluates never changes what it trains on.
/// With the sampler positions, the dropout counters, the optimizer moments and the step restored, a resumed run
/// computes exactly what the uninterrupted run would have, bit for bit.
/// </remarks>
public sealed class GptTrainingRun
{
    /// <param name="tokenIds">The whole corpus encoded by <paramref name="tokenizer"/>; its tail is the validation part.</param>
    /// <param name="model">The model to train.</param>
    /// <param name="options">The training settings.</param>
    /// <param name="tokenizer">The tokenizer of the corpus, saved with each checkpoint.</param>
    /// <param name="description">What the checkpoint records of the run (variant, tokenizer kind, corpus).</param>
    public GptTrainingRun(GptModel model, TrainingOptions options, ITokenizer tokenizer, GptRunDescription description, ReadOnlyMemory<int> tokenIds)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(description);
        Tokenizer = tokenizer;
        Description = description;
        var (train, validation) = TrainValidationSplit.Split(tokenIds, 1 - options.ValidationFraction);
        TrainTokens = train.Length;
        CheckCorpusSize(description, options, model.Config.ContextLength, tokenIds.Length, train.Length, validation.Length);
        Corpus = CorpusFingerprint.Of(description.CorpusPath, tokenIds.Span);
        var files = CheckpointFiles.ForGpt(model, tokenizer, description.Variant, description.TokenizerKind, Corpus) with { InitializedFrom = description.InitializedFrom };
        ITrainingObjective objective = CausalLanguageModeling.ForCorpus(model, train, validation, options.BatchSize, DataSeed(options.Seed),
            WindowStartToken(options, tokenizer, description));
        if (description.Lora is { } lora)
        {
            (var adapted, files) = Lora.LoraTraining.Adapt(objective, model, tokenizer, lora, DataSeed(options.Seed), files, $"{description.Section}:{Lora.LoraOptions.SectionName}");
            Adapters = adapted.Adapters;
            objective = adapted;
        }
        Trainer = new Trainer(objective, options, files);
    }

    /// <summary>Training:WindowStart "line": the newline's token id (the tokenizer must encode "\n" as one token); "any": null.</summary>
    private static int? WindowStartToken(TrainingOptions options, ITokenizer tokenizer, GptRunDescription run)
    {
        if (options.WindowStart != TrainingOptions.LineWindowStart) return null;
        var newline = tokenizer.Encode("\n");
        string prefix = run.Section.Length == 0 ? "" : run.Section + ":";
        return newline.Count == 1 ? newline[0]
            : throw new ArgumentException($"{prefix}Training:WindowStart line needs a tokenizer that encodes a newline as one token; this one gives {newline.Count}.");
    }
    /// <summary>
    /// The run <paramref name="settings"/> describe, ready to <see cref="Train"/>: the tokenizer built (or learned) from
    /// the corpus — or the checkpoint's, when resuming —, the corpus encoded, the variant's model built by
    /// <paramref name="factory"/> with the tokenizer's vocabulary, and the checkpoint resumed.
    /// </summary>
    /// <param name="settings">The variant, corpus, tokenizer, training options and the checkpoint to resume.</param>
    /// <param name="factory">Builds the configured variant (its shape and component kinds).</param>
    /// <param name="log">Receives the tokenizer line (bpe, gpt2), the resume lines and the "model: …" line; the CLI's stderr.</param>
    /// <exception cref="InvalidDataException">Resuming on a corpus the checkpoint's tokenizer cannot encode.</exception>
    /// <exception cref="CheckpointFormatException">The checkpoint is of another run (variant, tokenizer, seed, corpus, shape).</exception>
    public static GptTrainingRun Create(GptTrainingSettings settings, IModelFactory factory, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(factory);
        ArgumentNullException.ThrowIfNull(log);
        var options = settings.Training;
        Lora.LoraTraining.CheckStart(settings.Lora, settings.InitFrom, settings.ResumeDirectory);
        TrainerState? resumed = settings.ResumeDirectory is { } directory ? TrainingCheckpoint.Load(directory) : null;
        // A run started from a model directory (--init-from) builds its model from a directory's config.json and weights:
        // the pretrained one for a new run, the checkpoint's own when resuming such a run.
        string? initializedFrom = resumed is not null ? resumed.InitializedFrom : settings.InitFrom is { } init ? Path.GetFullPath(init) : null;
        var pretrained = initializedFrom is null ? null
            : PretrainedStart.LoadCausal(resumed is null ? settings.InitFrom! : Lora.LoraTraining.ModelDirectoryOf(settings.ResumeDirectory!, resumed), factory, DataSeed(options.Seed));
        string kind = resumed?.Tokenizer ?? (pretrained is not null ? TokenizerKinds.KindOf(pretrained.Tokenizer) : settings.Tokenizer.Kind);
        ITokenizer tokenizer = pretrained?.Tokenizer ?? (resumed is not null
            ? TokenizerKinds.Load(kind, settings.ResumeDirectory!)
            : TokenizerTraining.Create(settings.Tokenizer, settings.Corpus, log));
        int[] ids;
        try { ids = [.. settings.Corpus.Encode(tokenizer)]; }
        catch (ArgumentException e) when (resumed is not null || pretrained is not null) // only a char vocabulary can miss a character
        {
            throw new InvalidDataException($"the corpus does not fit the {(resumed is not null ? "checkpoint's" : "pretrained model's")} {kind} tokenizer: {e.Message}", e);
        }
        // The variant's shape and kinds, with the tokenizer's vocabulary; or the pretrained directory's model.
        var model = pretrained?.Gpt ?? factory.CreateGpt(settings.Variant, tokenizer.VocabSize, DataSeed(options.Seed));
        // A run from a model directory is named by its model_type; a resume checks the configured variant's name against the checkpoint's.
        string variant = pretrained is null ? settings.Variant : resumed?.Variant ?? pretrained.ModelType;
        var run = new GptTrainingRun(model, options, tokenizer,
            new GptRunDescription(variant, kind, settings.CorpusPath is null ? null : Path.GetFullPath(settings.CorpusPath)) { InitializedFrom = initializedFrom, Lora = settings.Lora ?? Lora.LoraTraining.Resumed(model, settings.ResumeDirectory) }, ids);
        if (resumed is null && pretrained is not null) log.WriteLine($"initialized from '{settings.InitFrom}' ({pretrained.ModelType}, {kind} tokenizer): fresh optimizer and schedule");
        if (resumed is not null)
        {
            run.Resume(settings.ResumeDirectory!, resumed);
            log.WriteLine($"resumed '{settings.ResumeDirectory}' at step {resumed.Step} of {options.MaxSteps}");
            if (options.MaxSteps != resumed.MaxSteps && options.DecaySteps == 0)
                log.WriteLine($"note: MaxSteps {resumed.MaxSteps} -> {options.MaxSteps} stretches the cosine decay from here on " +
                    "(Training:DecaySteps 0 follows MaxSteps); set Training:DecaySteps to keep one schedule");
        }
        log.WriteLine($"model: {model.ParameterCount():N0} parameters, vocab {tokenizer.VocabSize}, backend {model.Backend.Name}, {run.TrainTokens:N0} training tokens");
        if (run.Adapters is not null) log.WriteLine(Lora.LoraTraining.Describe(run.Adapters));
        return run;
    }

    /// <summary>
    /// Both parts of the corpus must hold one window of the context plus its next token; said with the keys that
    /// decide it (the samplers below would say only "needs at least SequenceLength+1").
    /// </summary>
    private static void CheckCorpusSize(GptRunDescription run, TrainingOptions options, int context, int tokens, int train, int validation)
    {
        if (train > context && validation > context) return;
        string prefix = run.Section.Length == 0 ? "" : run.Section + ":";
        string corpus = run.CorpusPath is null ? "the corpus" : $"the corpus '{run.CorpusPath}'";
        throw new ArgumentException(string.Create(System.Globalization.CultureInfo.InvariantCulture,
            $"{corpus} has {tokens} tokens, {train} for training and {validation} for validation ({prefix}Training:ValidationFraction {options.ValidationFraction}); " +
            $"{prefix}Variants:{run.Variant}:ContextLength {context} needs at least {context + 1} in each: give a longer corpus or a shorter context."));
    }

    /// <summary>The trainer of the run: its optimizer, schedule, NaN policy and loop.</summary>
    public Trainer Trainer { get; }

    /// <summary>The GPT being trained.</summary>
    public GptModel Model => Adapters?.BaseModel ?? (GptModel)Trainer.Model;

    /// <summary>The LoRA adapters the run trains (with the base frozen); null when every parameter trains.</summary>
    public Lora.LoraAdapters? Adapters { get; }

    /// <summary>The training settings.</summary>
    public TrainingOptions Options => Trainer.Options;

    /// <summary>The tokenizer of the corpus, saved with each checkpoint.</summary>
    public ITokenizer Tokenizer { get; }

    /// <summary>What the checkpoint records of the run.</summary>
    public GptRunDescription Description { get; }

    /// <summary>The corpus's path, token count and hash, checked by a resume.</summary>
    public CorpusFingerprint Corpus { get; }

    /// <summary>Tokens of the training part of the corpus.</summary>
    public long TrainTokens { get; }

    /// <summary>Optimizer steps done.</summary>
    public int Step => Trainer.Step;

    /// <summary>
    /// Where the run reports checkpoints, skipped non-finite steps, the resume, evaluations and cancellation
    /// (besides the lines of <see cref="Train"/>); none by default.
    /// </summary>
    public ILogger Logger { get => Trainer.Logger; set => Trainer.Logger = value; }

    /// <summary>The directory <see cref="Resume"/> continued (full path), or null for a new run.</summary>
    public string? ResumedFrom => Trainer.ResumedFrom;

    /// <summary>The last evaluation's validation loss (null before the first).</summary>
    public double? ValidationLoss => Trainer.ValidationLoss;

    /// <summary>The samplers' int seed from the configured ulong one (as the model's initialization takes it).</summary>
    public static int DataSeed(ulong seed) => (int)(seed & int.MaxValue);

    /// <summary>Everything trainer_state.json records of the run as it is now.</summary>
    public TrainerState CaptureState() => Trainer.CaptureState();

    /// <summary>Writes a checkpoint of the run as it is now into <paramref name="directory"/>.</summary>
    public void SaveCheckpoint(string directory) => Trainer.SaveCheckpoint(directory);

    /// <summary>
    /// Continues from the checkpoint in <paramref name="directory"/> (<see cref="Trainer.Resume"/>): the checkpoint must be
    /// of this run (variant, tokenizer kind, optimizer, seed, corpus, architecture).
    /// </summary>
    /// <param name="state">The checkpoint's verified state (<see cref="TrainingCheckpoint.Load"/>).</param>
    /// <param name="directory">The checkpoint directory.</param>
    public void Resume(string directory, TrainerState state) => Trainer.Resume(directory, state);

    /// <summary>
    /// Trains from <see cref="Step"/> to MaxSteps (<see cref="Trainer.Train"/>): progress on <paramref name="output"/>,
    /// evaluations, checkpoints into <paramref name="checkpointDirectory"/> (each announced on <paramref name="log"/>).
    /// Returns the final validation loss.
    /// </summary>
    /// <param name="output">Receives the progress and evaluation lines.</param>
    /// <param name="log">Receives the checkpoint and skipped-step lines (stderr in the CLI).</param>
    /// <param name="checkpointDirectory">Where checkpoints are written.</param>
    /// <param name="overwrite">Allow a new run to replace what the directory holds.</param>
    /// <param name="cancellationToken">
    /// When cancelled, the run finishes its current step, saves a checkpoint of it and throws
    /// <see cref="OperationCanceledException"/>; resuming the checkpoint continues exactly as if the run had not stopped.
    /// </param>
    /// <param name="progress">Receives every step as a <see cref="TrainingProgress"/>; null: only the lines.</param>
    public double Train(TextWriter output, TextWriter log, string checkpointDirectory, bool overwrite = false, CancellationToken cancellationToken = default,
        IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(checkpointDirectory);
        return Trainer.Train(output, log, checkpointDirectory, overwrite, cancellationToken, progress).ValidationLoss;
    }
}
