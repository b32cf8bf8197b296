namespace LlmForge.Training;

/// <summary>
/// The <c>Training</c> configuration section: the optimizer, schedule, batching, evaluation and
/// checkpointing of one run. Defaults are nanoGPT's CPU "baby" Shakespeare configuration.
/// </summary>
public sealed class TrainingOptions
{
    /// <summary>Sequences per optimizer step (before gradient accumulation).</summary>
    public int BatchSize { get; set; } = 12;

    /// <summary>Micro-batches whose gradients add up before one optimizer step.</summary>
    public int GradientAccumulationSteps { get; set; } = 1;

    /// <summary>Optimizer steps of the run.</summary>
    public int MaxSteps { get; set; } = 2000;

    /// <summary>"adamw" or "sgd".</summary>
    public string Optimizer { get; set; } = "adamw";

    /// <summary>The peak learning rate, after warm-up.</summary>
    public float LearningRate { get; set; } = 1e-3f;

    /// <summary>Floor of the cosine decay.</summary>
    public float MinLearningRate { get; set; } = 1e-4f;

    /// <summary>Linear warm-up steps before the cosine decay (at most a tenth of the decay: <see cref="LearningRateSchedule.For"/>).</summary>
    public int WarmupSteps { get; set; } = 100;

    /// <summary>Step at which the cosine decay reaches <see cref="MinLearningRate"/>; 0 means <see cref="MaxSteps"/>.</summary>
    public int DecaySteps { get; set; }

    /// <summary>AdamW's first-moment decay.</summary>
    public float Beta1 { get; set; } = 0.9f;

    /// <summary>AdamW's second-moment decay.</summary>
    public float Beta2 { get; set; } = 0.99f;

    /// <summary>AdamW's epsilon, added to √v.</summary>
    public float Epsilon { get; set; } = 1e-8f;

    /// <summary>Decoupled weight decay, applied to matrices only (not biases, norms or embeddings unless <see cref="DecayEmbeddings"/>).</summary>
    public float WeightDecay { get; set; } = 0.1f;

    /// <summary>Whether embeddings are decayed too (nanoGPT decays every 2-D tensor, embeddings included).</summary>
    public bool DecayEmbeddings { get; set; } = true;

    /// <summary>SGD momentum (SGD only).</summary>
    public float Momentum { get; set; }

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping.</summary>
    public float GradientClip { get; set; } = 1.0f;

    /// <summary>
    /// Steps whose loss or gradient norm is NaN or infinite that the run may skip (no update, gradients zeroed) before it
    /// stops; 0, the default, stops at the first (<see cref="NonFiniteGuard"/>).
    /// </summary>
    public int SkipNonFiniteSteps { get; set; }

    /// <summary>
    /// Where the training windows start: "any" offset (nanoGPT's get_batch, the default), or "line": only at a newline
    /// token, so that every window begins with the same token, as a large model's begin with their beginning-of-text
    /// token (where attention sinks form). The validation windows start anywhere either way.
    /// </summary>
    public string WindowStart { get; set; } = AnyWindowStart;

    /// <summary><see cref="WindowStart"/>: windows at any offset.</summary>
    public const string AnyWindowStart = "any";

    /// <summary><see cref="WindowStart"/>: windows at a newline token only.</summary>
    public const string LineWindowStart = "line";

    /// <summary>Fraction of the corpus's tokens kept for validation (the tail, as nanoGPT).</summary>
    public float ValidationFraction { get; set; } = 0.1f;

    /// <summary>Evaluate train and validation loss every N steps (and at the end).</summary>
    public int EvalInterval { get; set; } = 250;

    /// <summary>Batches averaged per evaluation.</summary>
    public int EvalBatches { get; set; } = 20;

    /// <summary>Print a progress line every N steps.</summary>
    public int LogInterval { get; set; } = 10;

    /// <summary>Save a checkpoint every N steps (and always at the end); 0 saves only at the end.</summary>
    public int CheckpointInterval { get; set; } = 500;

    /// <summary>Seed of initialization, data order and dropout.</summary>
    public ulong Seed { get; set; } = 1337;

    /// <summary>
    /// Whether a run saves a checkpoint after <paramref name="step"/>: every <see cref="CheckpointInterval"/> steps
    /// (0 = none between) and at <see cref="MaxSteps"/>. The one rule the <see cref="Trainer"/> and whatever follows
    /// its checkpoints (a metrics file flushed with them) both read.
    /// </summary>
    public bool IsCheckpointStep(int step) => (CheckpointInterval > 0 && step % CheckpointInterval == 0) || step == MaxSteps;
}
