namespace LlmForge.Training;

/// <summary>
/// The learning rate as a pure function of the optimizer step (0-based), so a resumed run
/// continues on the same curve from its saved step.
/// </summary>
public abstract class LearningRateSchedule
{
    /// <summary>Learning rate for step <paramref name="step"/> (0-based iteration number).</summary>
    public abstract double GetLearningRate(int step);

    /// <summary>The same rate at every step.</summary>
    public static LearningRateSchedule Constant(double learningRate) => new ConstantLearningRate(learningRate);

    /// <summary>nanoGPT's <c>get_lr</c>: linear warm-up, then cosine decay to a minimum.</summary>
    public static LearningRateSchedule WarmupCosine(double maxLearningRate, double minLearningRate, int warmupSteps, int decaySteps)
        => new WarmupCosineSchedule(maxLearningRate, minLearningRate, warmupSteps, decaySteps);

    /// <summary>
    /// The schedule of a run configured by <paramref name="options"/>: linear warm-up then cosine decay from
    /// LearningRate to MinLearningRate at DecaySteps (0: MaxSteps). The one warm-up rule of every trainer: the warm-up is
    /// at most a tenth of the decay, so a short run's schedule stays a warm-up then a decay whatever WarmupSteps says.
    /// </summary>
    public static WarmupCosineSchedule For(TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        int decaySteps = options.DecaySteps > 0 ? options.DecaySteps : options.MaxSteps;
        return new WarmupCosineSchedule(options.LearningRate, options.MinLearningRate, Math.Min(options.WarmupSteps, decaySteps / 10), decaySteps);
    }

    /// <summary>Throws when <paramref name="step"/> is negative.</summary>
    protected static void CheckStep(int step)
    {
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), step, "The step must be non-negative.");
    }

    /// <summary>Throws when a rate is not a finite, non-negative number, naming it.</summary>
    protected static void CheckRate(double value, string name)
    {
        if (!double.IsFinite(value) || value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be a finite, non-negative number.");
    }
}

/// <summary>The same learning rate at every step.</summary>
public sealed class ConstantLearningRate : LearningRateSchedule
{
    /// <param name="learningRate">The rate, finite and non-negative.</param>
    public ConstantLearningRate(double learningRate)
    {
        CheckRate(learningRate, nameof(learningRate));
        LearningRate = learningRate;
    }

    /// <summary>The rate of every step.</summary>
    public double LearningRate { get; }

    /// <inheritdoc/>
    public override double GetLearningRate(int step)
    {
        CheckStep(step);
        return LearningRate;
    }
}

/// <summary>
/// Linear warm-up then cosine decay, exactly nanoGPT's <c>get_lr(it)</c>:
/// <code>
/// it &lt; warmup_iters      → learning_rate · (it + 1) / (warmup_iters + 1)
/// it &gt; lr_decay_iters    → min_lr
/// otherwise             → min_lr + ½(1 + cos(π · (it − warmup_iters) / (lr_decay_iters − warmup_iters))) · (learning_rate − min_lr)
/// </code>
/// The peak, <see cref="MaxLearningRate"/>, is reached at step <see cref="WarmupSteps"/>.
/// </summary>
public sealed class WarmupCosineSchedule : LearningRateSchedule
{
    /// <param name="maxLearningRate">learning_rate, the peak after warm-up.</param>
    /// <param name="minLearningRate">min_lr, the floor after <paramref name="decaySteps"/>.</param>
    /// <param name="warmupSteps">warmup_iters.</param>
    /// <param name="decaySteps">lr_decay_iters, above <paramref name="warmupSteps"/>.</param>
    public WarmupCosineSchedule(double maxLearningRate, double minLearningRate, int warmupSteps, int decaySteps)
    {
        CheckRate(maxLearningRate, nameof(maxLearningRate));
        CheckRate(minLearningRate, nameof(minLearningRate));
        if (minLearningRate > maxLearningRate)
            throw new ArgumentOutOfRangeException(nameof(minLearningRate), minLearningRate,
                $"MinLearningRate ({minLearningRate}) must not exceed MaxLearningRate ({maxLearningRate}).");
        if (warmupSteps < 0)
            throw new ArgumentOutOfRangeException(nameof(warmupSteps), warmupSteps, "WarmupSteps must be non-negative.");
        if (decaySteps <= warmupSteps)
            throw new ArgumentOutOfRangeException(nameof(decaySteps), decaySteps,
                $"DecaySteps (lr_decay_iters, {decaySteps}) must be greater than WarmupSteps ({warmupSteps}).");
        MaxLearningRate = maxLearningRate;
        MinLearningRate = minLearningRate;
        WarmupSteps = warmupSteps;
        DecaySteps = decaySteps;
    }

    /// <summary>learning_rate: the peak, after warm-up.</summary>
    public double MaxLearningRate { get; }

    /// <summary>min_lr: the floor after <see cref="DecaySteps"/>.</summary>
    public double MinLearningRate { get; }

    /// <summary>warmup_iters.</summary>
    public int WarmupSteps { get; }

    /// <summary>lr_decay_iters: the step where the cosine reaches <see cref="MinLearningRate"/> (usually max_iters).</summary>
    public int DecaySteps { get; }

    /// <inheritdoc/>
    public override double GetLearningRate(int step)
    {
        CheckStep(step);
        if (step < WarmupSteps)
            return MaxLearningRate * (step + 1) / (WarmupSteps + 1);
        if (step > DecaySteps)
            return MinLearningRate;
        double decayRatio = (double)(step - WarmupSteps) / (DecaySteps - WarmupSteps);
        double coeff = 0.5 * (1.0 + Math.Cos(Math.PI * decayRatio)); // 1 → 0
        return MinLearningRate + coeff * (MaxLearningRate - MinLearningRate);
    }
}
