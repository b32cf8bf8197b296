using LlmForge.Autograd;

namespace LlmForge.Training.Optimizers;

/// <summary>What every optimizer shares: its groups, the step counter, named per-parameter state buffers.</summary>
public abstract class OptimizerBase : IOptimizer
{
    /// <param name="groups">The parameters and their weight decay.</param>
    /// <param name="stateNames">The per-parameter state buffers ("exp_avg", "exp_avg_sq"), each as long as its parameter.</param>
    protected OptimizerBase(IReadOnlyList<ParameterGroup> groups, params string[] stateNames)
    {
        Groups = groups;
        StateNames = stateNames;
        foreach (var group in groups)
            foreach (var p in group.Parameters)
            {
                if (!p.Value.RequiresGrad)
                    throw new ArgumentException($"optimizer: parameter '{p.Name}' does not require a gradient", nameof(groups));
                Buffers[p.Name] = stateNames.Select(_ => new float[p.Value.Length]).ToArray();
            }
    }

    /// <summary>The parameter groups.</summary>
    protected IReadOnlyList<ParameterGroup> Groups { get; }

    private string[] StateNames { get; }

    /// <summary>Per parameter name, one buffer per state name (zero-initialised, like PyTorch's lazy state).</summary>
    protected Dictionary<string, float[][]> Buffers { get; } = new(StringComparer.Ordinal);

    /// <inheritdoc/>
    public int StepCount { get; protected set; }

    /// <inheritdoc/>
    public IEnumerable<Tensor> Parameters => Groups.SelectMany(g => g.Parameters).Select(p => p.Value);

    /// <inheritdoc/>
    public abstract void Step(float lr);

    /// <inheritdoc/>
    public void ZeroGrad()
    {
        foreach (var p in Parameters) p.ZeroGrad();
    }

    /// <inheritdoc/>
    public IEnumerable<(string Name, float[] Values)> State()
    {
        foreach (var (name, buffers) in Buffers)
            for (int i = 0; i < StateNames.Length; i++)
                yield return ($"{name}.{StateNames[i]}", buffers[i]);
    }

    /// <inheritdoc/>
    public void LoadState(int stepCount, Func<string, float[]?> lookup)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(stepCount);
        foreach (var (name, buffers) in Buffers)
            for (int i = 0; i < StateNames.Length; i++)
            {
                string key = $"{name}.{StateNames[i]}";
                float[] saved = lookup(key) ?? throw new InvalidDataException($"optimizer state: '{key}' is missing");
                if (saved.Length != buffers[i].Length)
                    throw new InvalidDataException($"optimizer state: '{key}' has {saved.Length} values, the parameter has {buffers[i].Length}");
                saved.CopyTo(buffers[i], 0);
            }
        StepCount = stepCount;
    }
}
