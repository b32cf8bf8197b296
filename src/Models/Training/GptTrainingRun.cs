using System.Runtime.InteropServices;
using System.Security.Cryptography;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Tokenization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmForge.Training;

/// <summary>What a run is, as trainer_state.json records it: the variant's name, the tokenizer kind and the corpus file (null = the default corpus).</summary>
public sealed record GptRunDescription(string Variant, string TokenizerKind, string? CorpusPath)
{
    /// <summary>The path of the configuration section the run's settings come from, for the keys messages name.</summary>
    public string Section { get; init; } = Hosting.LlmForgeOptions.SectionName;
}

/// <summary>
/// A whole GPT training run: the corpus split into training and validation tokens, the <see cref="GptTrainer"/>, the
/// loop to <see cref="TrainingOptions.MaxSteps"/> with progress lines, an evaluation every
/// <see cref="TrainingOptions.EvalInterval"/> steps and a checkpoint every <see cref="TrainingOptions.CheckpointInterval"/>
/// steps and at the end (<see cref="TrainingCheckpoint"/>), and the exact resume from such a checkpoint.
/// </summary>
/// <remarks>
/// Three samplers, each its own seeded stream: training batches (seed), validation batches (seed + 1) and the
/// train-loss evaluation's batches (seed + 2), so when and how often the run evaluates never changes what it trains on.
/// With the sampler positions, the dropout counters, the optimizer moments and the step restored, a resumed run
/// computes exactly what the uninterrupted run would have, bit for bit.
/// </remarks>
public sealed class GptTrainingRun
{
    private readonly RandomWindowSampler _train, _trainEval, _validation;

    /// <param name="tokenIds">The whole corpus encoded by <paramref name="tokenizer"/>; its tail is the validation part.</param>
    /// <param name="model">The model to train.</param>
    /// <param name="options">The training settings.</param>
    /// <param name="tokenizer">The tokenizer of the corpus, saved with each checkpoint.</param>
    /// <param name="description">What the checkpoint records of the run (variant, tokenizer kind, corpus).</param>
    public GptTrainingRun(GptModel model, TrainingOptions options, ITokenizer tokenizer, GptRunDescription description, ReadOnlyMemory<int> tokenIds)
    {
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(description);
        Trainer = new GptTrainer(model, options);
        Tokenizer = tokenizer;
        Description = description;
        var (train, validation) = TrainValidationSplit.Split(tokenIds, 1 - options.ValidationFraction);
        TrainTokens = train.Length;
        int seed = DataSeed(options.Seed), context = model.Config.ContextLength;
        CheckCorpusSize(description, options, context, tokenIds.Length, train.Length, validation.Length);
        _train = new RandomWindowSampler(train, options.BatchSize, context, seed);
        _validation = new RandomWindowSampler(validation, options.BatchSize, context, seed + 1);
        _trainEval = new RandomWindowSampler(train, options.BatchSize, context, seed + 2);
        Corpus = new CorpusFingerprint(description.CorpusPath, tokenIds.Length,
            Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(tokenIds.Span))));
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

    public GptTrainer Trainer { get; }

    public GptModel Model => Trainer.Model;

    public TrainingOptions Options => Trainer.Options;

    public ITokenizer Tokenizer { get; }

    public GptRunDescription Description { get; }

    public CorpusFingerprint Corpus { get; }

    public long TrainTokens { get; }

    /// <summary>Optimizer steps done.</summary>
    public int Step => Trainer.Step;

    /// <summary>
    /// Where the run reports checkpoints, skipped non-finite steps, the resume, evaluations and cancellation
    /// (besides the lines of <see cref="Train"/>); none by default.
    /// </summary>
    public ILogger<GptTrainingRun> Logger { get; set; } = NullLogger<GptTrainingRun>.Instance;

    /// <summary>The directory <see cref="Resume"/> continued (full path), or null for a new run.</summary>
    public string? ResumedFrom { get; private set; }

    /// <summary>The last evaluation's validation loss (null before the first).</summary>
    public double? ValidationLoss { get; private set; }

    /// <summary>The samplers' int seed from the configured ulong one (as the model's initialization takes it).</summary>
    public static int DataSeed(ulong seed) => (int)(seed & int.MaxValue);

    /// <summary>Everything trainer_state.json records of the run as it is now.</summary>
    public TrainerState CaptureState() => new()
    {
        Step = Step,
        MaxSteps = Options.MaxSteps,
        Seed = Options.Seed,
        Variant = Description.Variant,
        Tokenizer = Description.TokenizerKind,
        Optimizer = Options.Optimizer,
        Corpus = Corpus,
        TrainSampler = _train.GetState(),
        TrainEvalSampler = _trainEval.GetState(),
        ValidationSampler = _validation.GetState(),
        Dropout = DropoutCounters.Capture(Model),
        ValidationLoss = ValidationLoss,
    };

    /// <summary>Writes a checkpoint of the run as it is now into <paramref name="directory"/>.</summary>
    public void SaveCheckpoint(string directory) =>
        TrainingCheckpoint.Save(directory, Model, Tokenizer, Trainer.Optimizer, CaptureState());

    /// <summary>
    /// Continues from the checkpoint in <paramref name="directory"/>: weights, optimizer state and step, sampler
    /// positions, dropout counters and last validation loss. The checkpoint must be of this run (variant, tokenizer
    /// kind, optimizer, seed, corpus, architecture); any difference is one error naming the file and key.
    /// </summary>
    /// <param name="state">The checkpoint's verified state (<see cref="TrainingCheckpoint.Load"/>).</param>
    /// <param name="directory">The checkpoint directory.</param>
    public void Resume(string directory, TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(state);
        string source = Path.Combine(directory, TrainerStateJson.FileName);
        void Same<T>(string key, T saved, T run, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(saved, run))
                throw new CheckpointFormatException(source, $"key \"{key}\" is {saved} but this run's {what} is {run}.");
        }
        Same("variant", state.Variant, Description.Variant, "variant");
        Same("tokenizer", state.Tokenizer, Description.TokenizerKind, "tokenizer kind");
        Same("optimizer", state.Optimizer, Options.Optimizer, "optimizer (Training:Optimizer)");
        Same("seed", state.Seed, Options.Seed, "seed");
        Same("corpus.tokens", state.Corpus.Tokens, Corpus.Tokens, "corpus token count");
        Same("corpus.sha256", state.Corpus.Sha256, Corpus.Sha256, "corpus hash (another text or tokenizer)");

        Gpt2Checkpoint.Load(Model, directory); // checks config.json's architecture keys against the model first
        OptimizerStateFile.Load(Path.Combine(directory, OptimizerStateFile.FileName), Trainer.Optimizer, Options.Optimizer, state.Step);
        DropoutCounters.Restore(Model, state.Dropout, source);
        _train.Restore(state.TrainSampler);
        _trainEval.Restore(state.TrainEvalSampler);
        _validation.Restore(state.ValidationSampler);
        ValidationLoss = state.ValidationLoss;
        ResumedFrom = Path.GetFullPath(directory);
        TrainingLog.Resumed(Logger, ResumedFrom, state.Step);
    }

    /// <summary>
    /// Trains from <see cref="Step"/> to MaxSteps: progress on <paramref name="output"/>, evaluations, checkpoints into
    /// <paramref name="checkpointDirectory"/> (each announced on <paramref name="log"/>). Returns the final validation loss.
    /// </summary>
    /// <remarks>
    /// Before the first step the run takes <paramref name="checkpointDirectory"/>'s <see cref="RunDirectoryLock"/> (held
    /// until it returns) and refuses a directory holding a checkpoint or model it did not resume
    /// (<see cref="ExistingCheckpoint"/>) unless <paramref name="overwrite"/>. A step whose loss or gradient norm is NaN or
    /// infinite stops the run with <see cref="TrainingDivergedException"/> before anything of it is saved (or is skipped,
    /// up to <see cref="TrainingOptions.SkipNonFiniteSteps"/>).
    /// </remarks>
    /// <param name="overwrite">Allow a new run to replace what the directory holds.</param>
    /// <param name="cancellationToken">
    /// When cancelled, the run finishes its current step, saves a checkpoint of it (through the same atomic save; unless
    /// the step just saved one) and throws <see cref="OperationCanceledException"/>: <see cref="Step"/> is the saved step,
    /// and resuming the checkpoint continues exactly as if the run had not stopped.
    /// </param>
    /// <param name="output">Receives the progress and evaluation lines.</param>
    /// <param name="log">Receives the checkpoint and skipped-step lines (stderr in the CLI).</param>
    /// <param name="checkpointDirectory">Where checkpoints are written.</param>
    /// <param name="progress">
    /// Receives every step as a <see cref="TrainingProgress"/> (after its evaluation, when one ran); null: only the lines.
    /// </param>
    public double Train(TextWriter output, TextWriter log, string checkpointDirectory, bool overwrite = false, CancellationToken cancellationToken = default,
        IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(checkpointDirectory);
        var o = Options;
        if (Step >= o.MaxSteps)
            throw new InvalidOperationException($"the run is at step {Step}, which already reaches MaxSteps {o.MaxSteps}: nothing to train.");
        using var writer = RunDirectoryLock.AcquireOrJoin(checkpointDirectory);
        if (!overwrite && ResumedFrom != writer.Directory) ExistingCheckpoint.RefuseToReplace(checkpointDirectory);
        var lines = new TrainingProgressWriter(output, o.MaxSteps, o.LogInterval, startStep: Step);
        Trainer.NonFinite.OnSkip = TrainingLog.Skips(log, Logger);
        void Checkpoint(int step)
        {
            SaveCheckpoint(checkpointDirectory);
            log.WriteLine($"checkpoint step {step} -> {checkpointDirectory}");
            TrainingLog.CheckpointSaved(Logger, step, checkpointDirectory);
        }
        while (Step < o.MaxSteps)
        {
            var (loss, tokens, lr) = Trainer.TrainStep(_train);
            int step = Step;
            lines.ReportStep(step, loss, lr, tokens);
            var report = lines.Snapshot(step, loss, lr, tokens);
            if (step % o.EvalInterval == 0 || step == o.MaxSteps)
            {
                double trainLoss = Trainer.Evaluate(_trainEval, o.EvalBatches);
                double validationLoss = Trainer.Evaluate(_validation, o.EvalBatches);
                ValidationLoss = validationLoss;
                lines.ReportEval(step, trainLoss, validationLoss);
                TrainingLog.Evaluated(Logger, step, trainLoss, validationLoss);
                report = report with { TrainLoss = trainLoss, ValidationLoss = validationLoss };
            }
            progress?.Report(report);
            bool saved = (o.CheckpointInterval > 0 && step % o.CheckpointInterval == 0) || step == o.MaxSteps;
            if (saved) Checkpoint(step);
            if (cancellationToken.IsCancellationRequested && step < o.MaxSteps)
            {
                if (!saved) Checkpoint(step);
                TrainingLog.Cancelled(Logger, step);
                throw new OperationCanceledException($"training cancelled after step {step}; the checkpoint of that step is in {checkpointDirectory}.", cancellationToken);
            }
        }
        if (Trainer.NonFinite.Skipped > 0) log.WriteLine($"skipped {Trainer.NonFinite.Skipped} non-finite steps (Training:SkipNonFiniteSteps {o.SkipNonFiniteSteps})");
        lines.ReportDone(Step);
        TrainingLog.Finished(Logger, Step - lines.StartStep, lines.Elapsed);
        return ValidationLoss!.Value;
    }
}
