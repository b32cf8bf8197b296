using LlmForge.Layers;

namespace LlmForge.Training;

/// <summary>
/// What one kind of training differs in — causal language modeling, masked language modeling, sequence
/// classification, and later seq2seq or instruction tuning: the model, which of its parameters are embeddings, the
/// run's three data streams and the loss of their batches. Everything else — micro-batching, the NaN policy, clipping,
/// the optimizer and schedule, evaluations, checkpoints, exact resume, cancellation, progress — is the one
/// <see cref="Trainer"/>'s.
/// </summary>
/// <remarks>
/// An objective owns its streams; the trainer only asks for the next micro-batch of one of them. Each stream is its own
/// seeded sequence, so evaluating never changes the training batches, and <see cref="CaptureStreams"/> /
/// <see cref="RestoreStreams"/> put every stream back where it was, which with the weights, the optimizer moments and the
/// dropout counters makes a resumed run compute exactly what the uninterrupted one would have.
/// </remarks>
public interface ITrainingObjective
{
    /// <summary>
    /// The objective's name as trainer_state.json records it ("causal-lm", "masked-lm", "sequence-classification");
    /// a checkpoint resumes only under the same objective.
    /// </summary>
    string Kind { get; }

    /// <summary>The model being trained: its parameters are the optimizer's, its dropout counters are checkpointed.</summary>
    Module Model { get; }

    /// <summary>
    /// Whether the parameter named <paramref name="parameterName"/> is an embedding table, which the weight-decay
    /// groups leave undecayed unless <see cref="TrainingOptions.DecayEmbeddings"/>.
    /// </summary>
    bool IsEmbedding(string parameterName);

    /// <summary>
    /// Called before an evaluation draws its batches from <paramref name="stream"/>. An objective whose evaluations
    /// score the same batches every time rewinds the stream here; one whose evaluation streams run on does nothing.
    /// </summary>
    void BeginEvaluation(TrainingStream stream);

    /// <summary>
    /// Draws the next micro-batch of <paramref name="stream"/> and computes its mean loss in the model's current mode
    /// (the graph is recorded when grad mode is on, for the trainer's backward).
    /// </summary>
    ObjectiveLoss NextLoss(TrainingStream stream);

    /// <summary>Where each stream is now, by <see cref="TrainingStream"/>.</summary>
    IReadOnlyDictionary<TrainingStream, TrainingStreamState> CaptureStreams();

    /// <summary>Puts every stream back where <paramref name="states"/> says; <paramref name="source"/> names the file in errors.</summary>
    /// <exception cref="Checkpoints.CheckpointFormatException">A stream's state is missing or does not fit this objective's data.</exception>
    void RestoreStreams(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source);
}
