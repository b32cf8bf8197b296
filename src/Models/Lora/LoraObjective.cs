using LlmForge.Layers;
using LlmForge.Training;

namespace LlmForge.Lora;

/// <summary>
/// Any objective over an adapted decoder (causal LM, instruction tuning, classification), trained through the LoRA
/// adapters only: the <see cref="Trainer"/>'s model is <see cref="Adapters"/>, so its optimizer, gradient clipping,
/// NaN checks and checkpoints see the adapters' parameters alone, while the loss is the inner objective's over the
/// whole adapted model. The base model follows the adapters' training / evaluation mode before each batch.
/// </summary>
/// <param name="inner">The objective over the adapted model (its loss flows through the adapters).</param>
/// <param name="adapters">The attached adapters of that model.</param>
public sealed class LoraObjective(ITrainingObjective inner, LoraAdapters adapters) : ITrainingObjective
{
    /// <summary>The objective computing the loss.</summary>
    public ITrainingObjective Inner { get; } = inner ?? throw new ArgumentNullException(nameof(inner));

    /// <summary>The adapters trained.</summary>
    public LoraAdapters Adapters { get; } = adapters ?? throw new ArgumentNullException(nameof(adapters));

    /// <summary>The inner objective's kind.</summary>
    public string Kind => Inner.Kind;

    /// <summary>The adapters: the only parameters the trainer optimizes.</summary>
    public Module Model => Adapters;

    /// <summary>None: adapters are matrices, decayed as such.</summary>
    public bool IsEmbedding(string parameterName) => false;

    /// <inheritdoc/>
    public void BeginEvaluation(TrainingStream stream) => Inner.BeginEvaluation(stream);

    /// <summary>The inner objective's next loss, with the base model in the adapters' mode.</summary>
    /// <exception cref="InvalidOperationException">The adapters were detached or merged.</exception>
    public ObjectiveLoss NextLoss(TrainingStream stream)
    {
        if (!Adapters.IsAttached) throw new InvalidOperationException("LoraObjective: the adapters are detached; attach them before training.");
        if (Inner.Model.IsTraining != Adapters.IsTraining) Inner.Model.Train(Adapters.IsTraining);
        return Inner.NextLoss(stream);
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<TrainingStream, TrainingStreamState> CaptureStreams() => Inner.CaptureStreams();

    /// <inheritdoc/>
    public void RestoreStreams(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source) => Inner.RestoreStreams(states, source);
}
