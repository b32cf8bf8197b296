using LlmForge.Autograd;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Training.Optimizers;

namespace LlmForge.Training;

/// <summary>
/// The library training step of a <see cref="GptModel"/>: the optimizer of <see cref="TrainingOptions.Optimizer"/>
/// (AdamW with nanoGPT's decay / no-decay groups, or SGD with momentum), the warm-up + cosine schedule, gradient
/// accumulation over <see cref="TrainingOptions.GradientAccumulationSteps"/> micro-batches and clipping by global norm.
/// A step whose loss or gradient norm is NaN or infinite is never applied (<see cref="NonFinite"/>).
/// </summary>
/// <remarks>
/// Each micro-batch loss is the mean over its B·T tokens; scaling it by 1/steps before backward makes the summed
/// gradients the mean over all steps·B·T tokens, i.e. exactly the gradient of one batch of steps·B rows.
/// <see cref="TrainStep"/> and <see cref="Evaluate"/> run each step inside a <see cref="TensorArena"/> step, so
/// activations and intermediate gradients reuse the previous step's buffers. Nothing computed inside a step outlives
/// it: the losses are read (<see cref="Tensor.Item"/>) inside; what persists — parameters, their gradients (leaf
/// gradients are never arena buffers), the optimizer's moments — was allocated outside any step.
/// </remarks>
public sealed class GptTrainer
{
    private readonly TensorArena _memory = new();
    private TokenBatch[] _microBatches = [];

    public GptTrainer(GptModel model, TrainingOptions options, IReadOnlyList<ParameterGroup>? groups = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        var invalid = new TrainingOptionsValidator("Training").Validate(null, options);
        if (invalid.Failed) throw new ArgumentException(invalid.FailureMessage, nameof(options));
        Model = model;
        Options = options;
        groups ??= ParameterGroup.ForWeightDecay(model.NamedParameters().Select(p => new NamedParameter(p.Name, p.Parameter)),
            options.WeightDecay, options.DecayEmbeddings, p => p.Name.EndsWith("_emb.weight", StringComparison.Ordinal));
        Optimizer = options.Optimizer == "sgd"
            ? new Sgd(groups, options.Momentum)
            : new AdamW(groups, options.Beta1, options.Beta2, options.Epsilon);
        int decaySteps = options.DecaySteps > 0 ? options.DecaySteps : options.MaxSteps;
        // A short run keeps its warm-up under a tenth of the decay, so the schedule stays a warm-up then a decay.
        Schedule = LearningRateSchedule.WarmupCosine(options.LearningRate, options.MinLearningRate,
            Math.Min(options.WarmupSteps, decaySteps / 10), decaySteps);
        NonFinite = NonFiniteGuard.For(options);
    }

    /// <summary>The run's NaN / infinity policy (<see cref="TrainingOptions.SkipNonFiniteSteps"/>) and its count of skipped steps.</summary>
    public NonFiniteGuard NonFinite { get; }

    public GptModel Model { get; }

    public TrainingOptions Options { get; }

    public IOptimizer Optimizer { get; }

    public LearningRateSchedule Schedule { get; }

    /// <summary>Optimizer steps taken.</summary>
    public int Step => Optimizer.StepCount;

    /// <summary>
    /// Zeroes the gradients, then backpropagates each micro-batch's loss scaled by 1/count; returns the mean loss
    /// and the tokens seen. The gradients are left for <see cref="ApplyUpdate"/> (or inspection).
    /// </summary>
    public (double Loss, long Tokens) AccumulateGradients(IReadOnlyList<TokenBatch> microBatches)
    {
        ArgumentNullException.ThrowIfNull(microBatches);
        if (microBatches.Count == 0) throw new ArgumentException("GptTrainer: no micro-batches.", nameof(microBatches));
        Model.Train();
        Optimizer.ZeroGrad();
        int count = microBatches.Count;
        double total = 0;
        long tokens = 0;
        foreach (var batch in microBatches)
        {
            var loss = Model.Loss(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength); // no [B·T, vocab] logits
            total += loss.Item();
            tokens += batch.TokenCount;
            (count == 1 ? loss : loss * (1f / count)).Backward();
        }
        return (total / count, tokens);
    }

    /// <summary>Clips the accumulated gradients (if configured) and takes one optimizer step at the schedule's rate.</summary>
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
    /// One optimizer step over <see cref="TrainingOptions.GradientAccumulationSteps"/> batches drawn from <paramref name="source"/>.
    /// A draw whose loss or gradient norm is not finite is skipped (no update, gradients zeroed) and fresh batches are
    /// drawn, while <see cref="NonFinite"/> allows; then it throws <see cref="TrainingDivergedException"/>.
    /// </summary>
    public (double Loss, long Tokens, float LearningRate) TrainStep(ITokenBatchSource source)
    {
        ArgumentNullException.ThrowIfNull(source);
        // sources reuse their batch instance, so each micro-batch is copied (into buffers kept across steps) before the next is drawn
        if (_microBatches.Length != Options.GradientAccumulationSteps) _microBatches = new TokenBatch[Options.GradientAccumulationSteps];
        while (true)
        {
            for (int i = 0; i < _microBatches.Length; i++) _microBatches[i] = CopyInto(_microBatches[i], source.NextBatch());
            using (_memory.Step())
            {
                var (loss, tokens) = AccumulateGradients(_microBatches); // the losses are read inside the step
                double norm = GradientClipping.GlobalNorm(Optimizer.Parameters);
                if (NonFinite.Admit(Step + 1, loss, norm)) return (loss, tokens, Update(norm));
                Optimizer.ZeroGrad(); // a skipped step leaves no gradient behind
            }
        }
    }

    private static TokenBatch CopyInto(TokenBatch? kept, TokenBatch batch)
    {
        if (kept is null || kept.BatchSize != batch.BatchSize || kept.SequenceLength != batch.SequenceLength) return batch.Clone();
        batch.Inputs.CopyTo(kept.Inputs, 0);
        batch.Targets.CopyTo(kept.Targets, 0);
        return kept;
    }

    /// <summary>Mean loss over <paramref name="batches"/> batches of <paramref name="source"/>; eval mode, no graph.</summary>
    /// <param name="source">The batches to score.</param>
    /// <param name="batches">How many batches.</param>
    /// <param name="cancellationToken">Checked before each batch; the model's mode is restored when it throws.</param>
    public double Evaluate(ITokenBatchSource source, int batches, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentOutOfRangeException.ThrowIfLessThan(batches, 1);
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        double sum = 0;
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < batches; i++)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    Model.Train(wasTraining);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                var batch = source.NextBatch();
                using var step = _memory.Step();
                sum += Model.Loss(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength).Item();
            }
        }
        Model.Train(wasTraining);
        return sum / batches;
    }
}
