using System.Globalization;
using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Training.Optimizers;

namespace LlmForge.Training;

/// <summary>
/// The one NaN / infinity policy of the <see cref="Trainer"/>, whatever its objective: a step whose loss or gradient norm is not finite is never applied. Up to
/// <see cref="AllowedSkips"/> such steps over the run are skipped (the caller zeroes the gradients and takes no
/// optimizer update), as mixed-precision trainers skip an overflowing step; the next one stops the run with a
/// <see cref="TrainingDivergedException"/>. <see cref="EnsureFinite(int, IEnumerable{ValueTuple{string, Tensor}}, IOptimizer)"/> is the last guard before a checkpoint write,
/// so no NaN or infinity is ever saved over a good checkpoint.
/// </summary>
public sealed class NonFiniteGuard
{
    private readonly string _hint;

    /// <param name="allowedSkips">Bad steps the run may skip (0: the first one stops it).</param>
    /// <param name="hint">What the user can change, naming the settings ("lower Training:LearningRate (now 1000) …").</param>
    public NonFiniteGuard(int allowedSkips, string hint)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(allowedSkips);
        ArgumentNullException.ThrowIfNull(hint);
        AllowedSkips = allowedSkips;
        _hint = hint;
    }

    /// <summary>The guard of a run configured by a <c>Training</c> section, its hint naming that section's full keys.</summary>
    /// <param name="section">The section's configuration path, as in the validator's messages.</param>
    /// <param name="options">The run's settings: its SkipNonFiniteSteps and the values the hint quotes.</param>
    public static NonFiniteGuard For(TrainingOptions options, string section = "LlmForge:Training")
    {
        ArgumentNullException.ThrowIfNull(options);
        return new NonFiniteGuard(options.SkipNonFiniteSteps, string.Create(CultureInfo.InvariantCulture,
            $"lower {section}:{nameof(options.LearningRate)} (now {options.LearningRate}) or clip the gradients harder with " +
            $"{section}:{nameof(options.GradientClip)} (now {options.GradientClip}; 0 = off), or let " +
            $"{section}:{nameof(options.SkipNonFiniteSteps)} (now {options.SkipNonFiniteSteps}) skip a few such steps"));
    }

    /// <summary>Bad steps the run may skip before the next one stops it.</summary>
    public int AllowedSkips { get; }

    /// <summary>Steps skipped so far.</summary>
    public int Skipped { get; private set; }

    /// <summary>Called with one line for each skipped step (a trainer's log).</summary>
    public Action<string>? OnSkip { get; set; }

    /// <summary>
    /// Whether step <paramref name="step"/> may be applied: true when its loss and gradient norm are finite, false when
    /// they are not and a skip is left (the caller zeroes the gradients and takes no update).
    /// </summary>
    /// <exception cref="TrainingDivergedException">Not finite, and no skip left.</exception>
    public bool Admit(int step, double loss, double gradientNorm)
    {
        string? quantity = !double.IsFinite(loss) ? "loss" : !double.IsFinite(gradientNorm) ? "gradient norm" : null;
        if (quantity is null) return true;
        double value = quantity == "loss" ? loss : gradientNorm;
        if (Skipped >= AllowedSkips) throw Diverged(step, quantity, value);
        Skipped++;
        OnSkip?.Invoke(string.Create(CultureInfo.InvariantCulture,
            $"step {step}: the {quantity} is {value}: step skipped, no update ({Skipped} of {AllowedSkips} allowed skips used)"));
        return false;
    }

    /// <summary>The error that stops a run at <paramref name="step"/>, whose <paramref name="quantity"/> ("loss", "gradient norm") is <paramref name="value"/>.</summary>
    public TrainingDivergedException Diverged(int step, string quantity, double value) =>
        new(step, quantity, string.Create(CultureInfo.InvariantCulture,
            $"step {step}: the {quantity} is {value}: training diverged and stopped before saving anything of this step " +
            $"(the last checkpoint is untouched){(Skipped > 0 ? $", after skipping {Skipped} such steps" : "")}; {_hint}."));

    /// <summary>
    /// The last guard before a checkpoint write: every value of <paramref name="tensors"/> (the parameters, the optimizer's
    /// moments) must be finite, else nothing is written.
    /// </summary>
    /// <param name="what">What the tensors are ("parameter", "optimizer state").</param>
    /// <exception cref="TrainingDivergedException">The first tensor holding NaN or infinity, by name.</exception>
    /// <param name="step">The step being saved, for the message.</param>
    /// <param name="tensors">The named values to check.</param>
    public static void EnsureFinite(int step, string what, IEnumerable<(string Name, ReadOnlyMemory<float> Values)> tensors)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var (name, values) in tensors)
        {
            int bad = IndexOfNonFinite(values.Span);
            if (bad >= 0)
                throw new TrainingDivergedException(step, $"{what} '{name}'", string.Create(CultureInfo.InvariantCulture,
                    $"step {step}: {what} '{name}' holds {values.Span[bad]} at index {bad}: refusing to save a checkpoint of " +
                    $"non-finite values (the last checkpoint is untouched); lower the learning rate or clip the gradients harder."));
        }
    }

    /// <summary>Checks a model's parameters, then the optimizer's moments, before a checkpoint of step <paramref name="step"/> is written (<see cref="EnsureFinite(int, string, IEnumerable{ValueTuple{string, ReadOnlyMemory{float}}})"/>).</summary>
    public static void EnsureFinite(int step, IEnumerable<(string Name, Tensor Parameter)> parameters, IOptimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        ArgumentNullException.ThrowIfNull(optimizer);
        EnsureFinite(step, "parameter", parameters.Select(p => (p.Name, new ReadOnlyMemory<float>(p.Parameter.Data, 0, checked((int)p.Parameter.Length)))));
        EnsureFinite(step, "optimizer state", optimizer.State().Select(s => (s.Name, new ReadOnlyMemory<float>(s.Values))));
    }

    /// <summary>The index of the first NaN or infinity in <paramref name="values"/>, or -1.</summary>
    public static int IndexOfNonFinite(ReadOnlySpan<float> values) => TensorValues.FirstNonFinite(values); // the loaders' own scan
}
