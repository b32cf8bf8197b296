using LlmForge.Training.Optimizers;

namespace LlmForge.Training;

/// <summary>The one place a run's optimizer is built from its <see cref="TrainingOptions"/>.</summary>
public static class OptimizerFactory
{
    /// <summary>The optimizer names <see cref="TrainingOptions.Optimizer"/> takes.</summary>
    public const string AdamW = "adamw", Sgd = "sgd";

    /// <summary>
    /// <see cref="TrainingOptions.Optimizer"/>'s optimizer over <paramref name="parameters"/>: AdamW (Beta1, Beta2,
    /// Epsilon) or SGD with Momentum, both with nanoGPT's decay / no-decay groups — matrices decayed by WeightDecay;
    /// biases and norms not; embeddings (<paramref name="isEmbedding"/>) only when DecayEmbeddings.
    /// </summary>
    /// <param name="options">The run's settings.</param>
    /// <param name="parameters">The trainable parameters by name (their names key the optimizer state in checkpoints).</param>
    /// <param name="isEmbedding">Whether a parameter name is an embedding table; null: none is.</param>
    public static IOptimizer Create(TrainingOptions options, IEnumerable<NamedParameter> parameters, Func<string, bool>? isEmbedding = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(parameters);
        var groups = ParameterGroup.ForWeightDecay(parameters, options.WeightDecay, options.DecayEmbeddings,
            isEmbedding is null ? null : p => isEmbedding(p.Name));
        return options.Optimizer == Sgd
            ? new Optimizers.Sgd(groups, options.Momentum)
            : new Optimizers.AdamW(groups, options.Beta1, options.Beta2, options.Epsilon);
    }

    /// <summary>The optimizer of <paramref name="objective"/>'s model, its embeddings as the objective names them.</summary>
    public static IOptimizer Create(TrainingOptions options, ITrainingObjective objective)
    {
        ArgumentNullException.ThrowIfNull(objective);
        return Create(options, objective.Model.NamedParameters().Select(p => new NamedParameter(p.Name, p.Parameter)), objective.IsEmbedding);
    }
}
