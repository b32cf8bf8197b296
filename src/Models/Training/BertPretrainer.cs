using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Data;
using LlmForge.Training.Optimizers;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace LlmForge.Training;

/// <summary>What a <see cref="BertPretrainer"/> run measured: masked-token losses before the first and after the last step.</summary>
/// <param name="InitialValidationLoss">Mean masked-token cross-entropy on the validation batches before training.</param>
/// <param name="FinalTrainLoss">The same on training batches after the last step.</param>
/// <param name="FinalValidationLoss">The same on the validation batches after the last step.</param>
/// <param name="Steps">Optimizer steps taken.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record BertPretrainingResult(int Steps, double InitialValidationLoss, double FinalTrainLoss, double FinalValidationLoss, TimeSpan Elapsed);

/// <summary>
/// Masked-LM pretraining of a <see cref="BertModel"/> (with its MLM head) from the shared training pieces: AdamW with
/// the decay / no-decay split (biases and norms undecayed), linear warm-up then cosine decay, gradient accumulation,
/// clipping by global norm, periodic evaluation and <see cref="TrainingProgressWriter"/> lines. The loss is the mean
/// cross-entropy over the masked positions of each batch (<see cref="BertModel.MaskedLMLoss"/>).
/// </summary>
/// <remarks>
/// Evaluation draws <see cref="TrainingOptions.EvalBatches"/> batches from a fresh source each time (the factories are
/// called per evaluation), so seeded sources score the same masked tokens at every evaluation, the losses are
/// comparable, and the training stream is not disturbed. Evaluation runs in eval mode (no dropout) without recording a graph.
/// </remarks>
public sealed class BertPretrainer
{
    private readonly LearningRateSchedule _schedule;

    public BertPretrainer(BertModel model, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        if (model.MlmHead is null) throw new ArgumentException($"BertPretrainer: the model ({model.Heads}) has no masked-LM head.", nameof(model));
        var invalid = new TrainingOptionsValidator("Training").Validate(null, options);
        if (invalid.Failed) throw new ArgumentException(invalid.FailureMessage, nameof(options));
        Model = model;
        Options = options;
        var named = model.NamedParameters().Select(p => new NamedParameter(p.Name, p.Parameter));
        var groups = ParameterGroup.ForWeightDecay(named, options.WeightDecay, options.DecayEmbeddings,
            p => p.Name.StartsWith("embeddings.", StringComparison.Ordinal));
        Optimizer = options.Optimizer == "sgd"
            ? new Sgd(groups, options.Momentum)
            : new AdamW(groups, options.Beta1, options.Beta2, options.Epsilon);
        _schedule = LearningRateSchedule.WarmupCosine(options.LearningRate, options.MinLearningRate, options.WarmupSteps,
            options.DecaySteps > 0 ? options.DecaySteps : options.MaxSteps);
        NonFinite = NonFiniteGuard.For(options);
    }

    /// <summary>The run's NaN / infinity policy (<see cref="TrainingOptions.SkipNonFiniteSteps"/>) and its count of skipped steps.</summary>
    public NonFiniteGuard NonFinite { get; }

    public BertModel Model { get; }

    public TrainingOptions Options { get; }

    public IOptimizer Optimizer { get; }

    /// <summary>Optimizer steps taken.</summary>
    public int Step => Optimizer.StepCount;

    /// <summary>
    /// Where the run reports checkpoints, skipped non-finite steps, evaluations and cancellation (besides the lines
    /// of <see cref="Run"/>); none by default.
    /// </summary>
    public ILogger<BertPretrainer> Logger { get; set; } = NullLogger<BertPretrainer>.Instance;

    /// <summary>
    /// Trains until <see cref="TrainingOptions.MaxSteps"/>, evaluating every <see cref="TrainingOptions.EvalInterval"/>
    /// steps and at the end; <paramref name="checkpoint"/> (if given) is called every
    /// <see cref="TrainingOptions.CheckpointInterval"/> steps and after the last, once the parameters and the optimizer's
    /// moments are checked finite (<see cref="NonFiniteGuard.EnsureFinite(int, IEnumerable{ValueTuple{string, Tensor}}, IOptimizer)"/>).
    /// </summary>
    /// <param name="cancellationToken">
    /// When cancelled, the run finishes its current step, calls <paramref name="checkpoint"/> for it (unless it just did)
    /// and throws <see cref="OperationCanceledException"/>.
    /// </param>
    /// <exception cref="TrainingDivergedException">A non-finite loss or gradient norm beyond the allowed skips; nothing of that step was saved.</exception>
    /// <param name="train">The training batches.</param>
    /// <param name="trainEvaluation">Fresh batches of the training text, for the train_loss of each evaluation.</param>
    /// <param name="validation">Fresh batches of the held-out text.</param>
    /// <param name="log">Receives the progress and evaluation lines.</param>
    /// <param name="checkpoint">Called with the step number when a checkpoint is due; null: none.</param>
    /// <param name="progress">
    /// Receives every step as a <see cref="TrainingProgress"/> (after its evaluation, when one ran); null: only the lines.
    /// </param>
    public BertPretrainingResult Run(IMlmBatchSource train, Func<IMlmBatchSource> trainEvaluation, Func<IMlmBatchSource> validation,
        TextWriter log, Action<int>? checkpoint = null, CancellationToken cancellationToken = default, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(trainEvaluation);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(log);
        var lines = new TrainingProgressWriter(log, Options.MaxSteps, Options.LogInterval, startStep: Step);
        NonFinite.OnSkip = TrainingLog.Skips(log, Logger);
        void Checkpoint()
        {
            NonFiniteGuard.EnsureFinite(Step, Model.NamedParameters(), Optimizer);
            checkpoint!(Step);
            TrainingLog.CheckpointWritten(Logger, Step);
        }
        double initial = Evaluate(validation());
        log.WriteLine(FormattableString.Invariant($"eval step {Step}: val_loss {initial:F4} (masked tokens, before training)"));
        double trainLoss = double.NaN, validationLoss = initial;
        while (Step < Options.MaxSteps)
        {
            var (loss, tokens) = TrainStep(train);
            double rate = _schedule.GetLearningRate(Step - 1);
            lines.ReportStep(Step, loss, rate, tokens);
            var report = lines.Snapshot(Step, loss, rate, tokens);
            bool last = Step == Options.MaxSteps;
            if (Step % Options.EvalInterval == 0 || last)
            {
                trainLoss = Evaluate(trainEvaluation());
                validationLoss = Evaluate(validation());
                lines.ReportEval(Step, trainLoss, validationLoss);
                TrainingLog.Evaluated(Logger, Step, trainLoss, validationLoss);
                report = report with { TrainLoss = trainLoss, ValidationLoss = validationLoss };
            }
            progress?.Report(report);
            bool saved = checkpoint is not null && (last || (Options.CheckpointInterval > 0 && Step % Options.CheckpointInterval == 0));
            if (saved) Checkpoint();
            if (cancellationToken.IsCancellationRequested && !last)
            {
                if (checkpoint is not null && !saved) Checkpoint();
                TrainingLog.Cancelled(Logger, Step);
                throw new OperationCanceledException($"pretraining cancelled after step {Step}.", cancellationToken);
            }
        }
        lines.ReportDone(Step);
        TrainingLog.Finished(Logger, Step - lines.StartStep, lines.Elapsed);
        return new BertPretrainingResult(Step, initial, trainLoss, validationLoss, lines.Elapsed);
    }

    /// <summary>
    /// One optimizer step over <see cref="TrainingOptions.GradientAccumulationSteps"/> batches; returns the mean of
    /// their losses and the tokens processed. Batches whose loss or gradient norm is not finite are skipped (no update)
    /// and fresh ones drawn while <see cref="NonFinite"/> allows; then it throws <see cref="TrainingDivergedException"/>.
    /// </summary>
    public (double Loss, long Tokens) TrainStep(IMlmBatchSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        Model.Train();
        int micro = Options.GradientAccumulationSteps;
        while (true)
        {
            Optimizer.ZeroGrad();
            double total = 0;
            long tokens = 0;
            for (int m = 0; m < micro; m++)
            {
                var batch = source.NextBatch();
                var loss = Model.MaskedLMLoss(BertInput.From(batch), batch.Labels);
                total += loss.Item();
                tokens += batch.InputIds.Length;
                (micro == 1 ? loss : loss.Scale(1f / micro)).Backward(); // accumulated gradients average the micro-batches
            }
            double norm = GradientClipping.GlobalNorm(Optimizer.Parameters);
            if (!NonFinite.Admit(Step + 1, total / micro, norm)) continue; // the next draw zeroes the gradients first
            if (Options.GradientClip > 0) GradientClipping.ClipToNorm(Optimizer.Parameters, Options.GradientClip, norm);
            Optimizer.Step((float)_schedule.GetLearningRate(Step));
            return (total / micro, tokens);
        }
    }

    /// <summary>
    /// Mean masked-token cross-entropy over <see cref="TrainingOptions.EvalBatches"/> batches of
    /// <paramref name="source"/>, each masked token weighted equally; eval mode, no graph.
    /// </summary>
    /// <param name="source">The batches to score.</param>
    /// <param name="cancellationToken">Checked before each batch; the model's mode is restored when it throws.</param>
    public double Evaluate(IMlmBatchSource source, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        double sum = 0;
        long count = 0;
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < Options.EvalBatches; i++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    Model.Train(wasTraining);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                var batch = source.NextBatch();
                int predictions = batch.PredictionCount;
                sum += Model.MaskedLMLoss(BertInput.From(batch), batch.Labels).Item() * predictions;
                count += predictions;
            }
        }
        Model.Train(wasTraining);
        return sum / count;
    }
}
