using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Layers;
using LlmForge.Training.Optimizers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmForge.Training;

/// <summary>
/// The one training loop of every objective (<see cref="ITrainingObjective"/>: <see cref="CausalLanguageModeling"/>,
/// <see cref="MaskedLanguageModeling"/>, <see cref="SequenceClassification"/>): gradient accumulation over
/// <see cref="TrainingOptions.GradientAccumulationSteps"/> micro-batches, the NaN policy (<see cref="NonFinite"/>),
/// clipping by global norm, the optimizer and schedule of <see cref="OptimizerFactory"/> and
/// <see cref="LearningRateSchedule.For"/>, an evaluation every <see cref="TrainingOptions.EvalInterval"/> steps and at
/// the end, a checkpoint every <see cref="TrainingOptions.CheckpointInterval"/> steps and at the end
/// (<see cref="TrainingCheckpoint"/>), exact resume, cancellation, <see cref="IProgress{T}"/> and <see cref="ILogger"/>.
/// </summary>
/// <remarks>
/// Each micro-batch loss is the mean over its batch; scaling it by 1/steps before backward makes the summed gradients
/// the mean over all micro-batches, i.e. exactly the gradient of one batch of steps × the rows.
/// <see cref="TrainStep"/> and <see cref="Evaluate"/> run inside a <see cref="TensorArena"/> step, so activations and
/// intermediate gradients reuse the previous step's buffers. Nothing computed inside a step outlives it: the losses
/// are read (<see cref="Tensor.Item"/>) inside; what persists — parameters, their gradients (leaf gradients are never
/// arena buffers), the optimizer's moments — was allocated outside any step.
/// </remarks>
public sealed class Trainer
{
    private readonly TensorArena _memory = new();

    /// <param name="objective">What is trained and on which data.</param>
    /// <param name="options">The run's settings (validated here).</param>
    /// <param name="checkpoints">What a checkpoint holds and what the run is; null: the run saves no checkpoints and cannot resume.</param>
    /// <param name="nonFinite">The NaN policy, when its hint should name other settings than the Training section's; null: <see cref="NonFiniteGuard.For"/>.</param>
    /// <exception cref="ArgumentException">Invalid <paramref name="options"/>, one message naming every bad key.</exception>
    public Trainer(ITrainingObjective objective, TrainingOptions options, CheckpointFiles? checkpoints = null, NonFiniteGuard? nonFinite = null)
    {
        ArgumentNullException.ThrowIfNull(objective);
        ArgumentNullException.ThrowIfNull(options);
        var invalid = new TrainingOptionsValidator("Training").Validate(null, options);
        if (invalid.Failed) throw new ArgumentException(invalid.FailureMessage, nameof(options));
        Objective = objective;
        Options = options;
        Checkpoints = checkpoints;
        Optimizer = OptimizerFactory.Create(options, objective);
        Schedule = LearningRateSchedule.For(options);
        NonFinite = nonFinite ?? NonFiniteGuard.For(options);
    }

    /// <summary>What is trained and on which data.</summary>
    public ITrainingObjective Objective { get; }

    /// <summary>The objective's model.</summary>
    public Module Model => Objective.Model;

    /// <summary>The run's settings.</summary>
    public TrainingOptions Options { get; }

    /// <summary>What a checkpoint holds and what the run is; null when the run saves none.</summary>
    public CheckpointFiles? Checkpoints { get; }

    /// <summary>The optimizer of <see cref="TrainingOptions.Optimizer"/> (<see cref="OptimizerFactory"/>).</summary>
    public IOptimizer Optimizer { get; }

    /// <summary>The learning rate per step (<see cref="LearningRateSchedule.For"/>).</summary>
    public LearningRateSchedule Schedule { get; }

    /// <summary>The run's NaN / infinity policy (<see cref="TrainingOptions.SkipNonFiniteSteps"/>) and its count of skipped steps.</summary>
    public NonFiniteGuard NonFinite { get; }

    /// <summary>Optimizer steps taken.</summary>
    public int Step => Optimizer.StepCount;

    /// <summary>
    /// Where the run reports checkpoints, skipped non-finite steps, the resume, evaluations and cancellation (besides
    /// the lines of <see cref="Train"/>); none by default.
    /// </summary>
    public ILogger Logger { get; set; } = NullLogger<Trainer>.Instance;

    /// <summary>The line <see cref="Train"/> writes to its log after each checkpoint, from the step and the directory.</summary>
    public Func<int, string, string> CheckpointMessage { get; set; } = (step, directory) => $"checkpoint step {step} -> {directory}";

    /// <summary>The directory <see cref="Resume"/> continued (full path), or null for a new run.</summary>
    public string? ResumedFrom { get; private set; }

    /// <summary>The last evaluation's validation loss (null before the first).</summary>
    public double? ValidationLoss { get; private set; }

    /// <summary>
    /// Zeroes the gradients, then backpropagates the loss of each of <see cref="TrainingOptions.GradientAccumulationSteps"/>
    /// training micro-batches scaled by 1/count; returns their mean loss and the tokens seen. The gradients are left for
    /// <see cref="ApplyUpdate"/> (or inspection). Not in an arena step: <see cref="TrainStep"/> is.
    /// </summary>
    public (double Loss, long Tokens) AccumulateGradients()
    {
        Model.Train();
        Optimizer.ZeroGrad();
        int count = Options.GradientAccumulationSteps;
        double total = 0;
        long tokens = 0;
        for (int i = 0; i < count; i++)
        {
            var (loss, _, batchTokens) = Objective.NextLoss(TrainingStream.Train);
            total += loss.Item();
            tokens += batchTokens;
            (count == 1 ? loss : loss * (1f / count)).Backward();
        }
        return (total / count, tokens);
    }

    /// <summary>Clips the accumulated gradients (if configured) and takes one optimizer step at the schedule's rate.</summary>
    /// <returns>The learning rate of the step.</returns>
    /// <exception cref="TrainingDivergedException">The gradient norm is not finite (nothing is updated; no skip here: <see cref="TrainStep"/> skips).</exception>
    public float ApplyUpdate()
    {
        double norm = GradientClipping.GlobalNorm(Optimizer.Parameters);
        if (!double.IsFinite(norm)) throw NonFinite.Diverged(Step + 1, "gradient norm", norm);
        return Update(norm);
    }

    private float Update(double gradientNorm)
    {
        if (Options.GradientClip > 0) GradientClipping.ClipToNorm(Optimizer.Parameters, Options.GradientClip, gradientNorm);
        float lr = (float)Schedule.GetLearningRate(Step);
        Optimizer.Step(lr);
        return lr;
    }

    /// <summary>
    /// One optimizer step over <see cref="TrainingOptions.GradientAccumulationSteps"/> training micro-batches, in an
    /// arena step. A draw whose loss or gradient norm is not finite is skipped (no update, gradients zeroed) and fresh
    /// batches are drawn, while <see cref="NonFinite"/> allows; then it throws <see cref="TrainingDivergedException"/>.
    /// </summary>
    /// <returns>The mean loss of the micro-batches, the tokens they held, the learning rate of the step.</returns>
    public (double Loss, long Tokens, float LearningRate) TrainStep()
    {
        while (true)
        {
            using (_memory.Step())
            {
                var (loss, tokens) = AccumulateGradients(); // the losses are read inside the step
                double norm = GradientClipping.GlobalNorm(Optimizer.Parameters);
                if (NonFinite.Admit(Step + 1, loss, norm)) return (loss, tokens, Update(norm));
                Optimizer.ZeroGrad(); // a skipped step leaves no gradient behind
            }
        }
    }

    /// <summary>
    /// The weighted mean loss (<see cref="ObjectiveLoss.Weight"/>) over <see cref="TrainingOptions.EvalBatches"/> batches
    /// of <paramref name="stream"/>; eval mode (no dropout), no graph.
    /// </summary>
    /// <param name="stream">The stream to score (<see cref="ITrainingObjective.BeginEvaluation"/> is called first).</param>
    /// <param name="cancellationToken">Checked before each batch; the model's mode is restored when it throws.</param>
    public double Evaluate(TrainingStream stream, CancellationToken cancellationToken = default)
    {
        Objective.BeginEvaluation(stream);
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        double sum = 0, weight = 0;
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < Options.EvalBatches; i++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    Model.Train(wasTraining);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                using var step = _memory.Step();
                var batch = Objective.NextLoss(stream);
                sum += batch.Loss.Item() * batch.Weight;
                weight += batch.Weight;
            }
        }
        Model.Train(wasTraining);
        return sum / weight;
    }

    /// <summary>Everything trainer_state.json records of the run as it is now.</summary>
    /// <exception cref="InvalidOperationException">The trainer has no <see cref="Checkpoints"/>.</exception>
    public TrainerState CaptureState()
    {
        var run = RequireCheckpoints();
        return new TrainerState
        {
            Objective = Objective.Kind,
            Step = Step,
            MaxSteps = Options.MaxSteps,
            Seed = Options.Seed,
            Variant = run.Variant,
            Tokenizer = run.TokenizerKind,
            Optimizer = Options.Optimizer,
            InitializedFrom = run.InitializedFrom,
            Corpus = run.Corpus,
            Streams = Objective.CaptureStreams(),
            Dropout = DropoutCounters.Capture(Model),
            ValidationLoss = ValidationLoss,
        };
    }

    /// <summary>Writes a checkpoint of the run as it is now into <paramref name="directory"/> (<see cref="TrainingCheckpoint"/>).</summary>
    public void SaveCheckpoint(string directory) =>
        TrainingCheckpoint.Save(directory, Model, RequireCheckpoints().SaveModel, Optimizer, CaptureState());

    /// <summary>
    /// Continues from the checkpoint in <paramref name="directory"/>: weights, optimizer state and step, stream
    /// positions, dropout counters and last validation loss. The checkpoint must be of this run (objective, variant,
    /// tokenizer kind, optimizer, seed, corpus, architecture); any difference is one error naming the file and key.
    /// </summary>
    /// <param name="directory">The checkpoint directory.</param>
    /// <param name="state">The checkpoint's verified state (<see cref="TrainingCheckpoint.Load"/>).</param>
    /// <exception cref="CheckpointFormatException">The checkpoint is of another run, or its files do not fit the model.</exception>
    public void Resume(string directory, TrainerState state)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(state);
        var run = RequireCheckpoints();
        string source = Path.Combine(directory, TrainerStateJson.FileName);
        void Same<T>(string key, T saved, T current, string what)
        {
            if (!EqualityComparer<T>.Default.Equals(saved, current))
                throw new CheckpointFormatException(source, $"key \"{key}\" is {saved} but this run's {what} is {current}.");
        }
        Same("objective", state.Objective, Objective.Kind, "objective");
        Same("variant", state.Variant, run.Variant, "variant");
        Same("tokenizer", state.Tokenizer, run.TokenizerKind, "tokenizer kind");
        Same("optimizer", state.Optimizer, Options.Optimizer, "optimizer (Training:Optimizer)");
        Same("seed", state.Seed, Options.Seed, "seed");
        Same("corpus.tokens", state.Corpus.Tokens, run.Corpus.Tokens, "corpus token count");
        Same("corpus.sha256", state.Corpus.Sha256, run.Corpus.Sha256, "corpus hash (another text or tokenizer)");

        run.LoadModel(directory); // checks config.json's architecture keys against the model first
        OptimizerStateFile.Load(Path.Combine(directory, OptimizerStateFile.FileName), Optimizer, Options.Optimizer, state.Step);
        DropoutCounters.Restore(Model, state.Dropout, source);
        Objective.RestoreStreams(state.Streams, source);
        ValidationLoss = state.ValidationLoss;
        ResumedFrom = Path.GetFullPath(directory);
        TrainingLog.Resumed(Logger, ResumedFrom, state.Step);
    }

    /// <summary>
    /// Trains from <see cref="Step"/> to MaxSteps: progress on <paramref name="output"/>, evaluations, checkpoints into
    /// <paramref name="checkpointDirectory"/> (each announced on <paramref name="log"/> with <see cref="CheckpointMessage"/>).
    /// </summary>
    /// <remarks>
    /// Before the first step the run takes <paramref name="checkpointDirectory"/>'s <see cref="RunDirectoryLock"/> (held
    /// until it returns) and refuses a directory holding a checkpoint or model it did not resume
    /// (<see cref="ExistingCheckpoint"/>) unless <paramref name="overwrite"/>. A step whose loss or gradient norm is NaN or
    /// infinite stops the run with <see cref="TrainingDivergedException"/> before anything of it is saved (or is skipped,
    /// up to <see cref="TrainingOptions.SkipNonFiniteSteps"/>).
    /// </remarks>
    /// <param name="output">Receives the progress and evaluation lines.</param>
    /// <param name="log">Receives the checkpoint and skipped-step lines (stderr in the CLI's train).</param>
    /// <param name="checkpointDirectory">Where checkpoints are written; null: none (then <see cref="Checkpoints"/> may be null).</param>
    /// <param name="overwrite">Allow a new run to replace what the directory holds.</param>
    /// <param name="cancellationToken">
    /// When cancelled, the run finishes its current step, saves a checkpoint of it (through the same atomic save; unless
    /// the step just saved one) and throws <see cref="OperationCanceledException"/>: <see cref="Step"/> is the saved step,
    /// and resuming the checkpoint continues exactly as if the run had not stopped.
    /// </param>
    /// <param name="progress">Receives every step as a <see cref="TrainingProgress"/> (after its evaluation, when one ran); null: only the lines.</param>
    /// <returns>The step reached and the last evaluation's losses.</returns>
    /// <exception cref="InvalidOperationException">The run already reaches MaxSteps, or a directory was given without <see cref="Checkpoints"/>.</exception>
    public TrainingResult Train(TextWriter output, TextWriter log, string? checkpointDirectory = null, bool overwrite = false,
        CancellationToken cancellationToken = default, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(log);
        var o = Options;
        if (Step >= o.MaxSteps)
            throw new InvalidOperationException($"the run is at step {Step}, which already reaches MaxSteps {o.MaxSteps}: nothing to train.");
        if (checkpointDirectory is not null) RequireCheckpoints();
        using var writer = checkpointDirectory is null ? null : RunDirectoryLock.AcquireOrJoin(checkpointDirectory);
        if (writer is not null && !overwrite && ResumedFrom != writer.Directory) ExistingCheckpoint.RefuseToReplace(checkpointDirectory!);
        var lines = new TrainingProgressWriter(output, o.MaxSteps, o.LogInterval, startStep: Step);
        NonFinite.OnSkip = TrainingLog.Skips(log, Logger);
        void Checkpoint(int step)
        {
            SaveCheckpoint(checkpointDirectory!);
            log.WriteLine(CheckpointMessage(step, checkpointDirectory!));
            TrainingLog.CheckpointSaved(Logger, step, checkpointDirectory!);
        }
        double trainLoss = double.NaN;
        while (Step < o.MaxSteps)
        {
            var (loss, tokens, lr) = TrainStep();
            int step = Step;
            lines.ReportStep(step, loss, lr, tokens);
            var report = lines.Snapshot(step, loss, lr, tokens);
            if (step % o.EvalInterval == 0 || step == o.MaxSteps)
            {
                trainLoss = Evaluate(TrainingStream.TrainEvaluation);
                double validationLoss = Evaluate(TrainingStream.Validation);
                ValidationLoss = validationLoss;
                lines.ReportEval(step, trainLoss, validationLoss);
                TrainingLog.Evaluated(Logger, step, trainLoss, validationLoss);
                report = report with { TrainLoss = trainLoss, ValidationLoss = validationLoss };
            }
            progress?.Report(report);
            bool saved = checkpointDirectory is not null && o.IsCheckpointStep(step);
            if (saved) Checkpoint(step);
            if (cancellationToken.IsCancellationRequested && step < o.MaxSteps)
            {
                if (checkpointDirectory is not null && !saved) Checkpoint(step);
                TrainingLog.Cancelled(Logger, step);
                throw new OperationCanceledException(checkpointDirectory is null
                    ? $"training cancelled after step {step}."
                    : $"training cancelled after step {step}; the checkpoint of that step is in {checkpointDirectory}.", cancellationToken);
            }
        }
        if (NonFinite.Skipped > 0) log.WriteLine($"skipped {NonFinite.Skipped} non-finite steps (Training:SkipNonFiniteSteps {o.SkipNonFiniteSteps})");
        lines.ReportDone(Step);
        TrainingLog.Finished(Logger, Step - lines.StartStep, lines.Elapsed);
        return new TrainingResult(Step, trainLoss, ValidationLoss!.Value, lines.Elapsed);
    }

    private CheckpointFiles RequireCheckpoints() => Checkpoints
        ?? throw new InvalidOperationException("this trainer was built without CheckpointFiles: it saves no checkpoints and cannot resume.");
}
