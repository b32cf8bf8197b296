using LlmForge.Bert;
using LlmForge.Data;
using LlmForge.Layers;

namespace LlmForge.Training;

/// <summary>
/// Masked-token prediction, BERT's pretraining objective: rows [CLS] window [SEP] with 15% of their tokens masked
/// (80% [MASK], 10% a random token, 10% kept; <see cref="MlmMasker"/>), the loss the mean cross-entropy over the masked
/// positions of a batch (<see cref="BertModel.MaskedLMLoss"/>). An evaluation weighs each masked token equally (a
/// batch weighs its masked-token count).
/// </summary>
/// <remarks>
/// The evaluation streams are rewound before each evaluation, so seeded sources score the same masked tokens every
/// time: the losses are comparable from one evaluation to the next, and the training stream is not disturbed. A
/// source's state is its loader's position and its draw count, which also places its masking stream (the masks of
/// batch n are drawn from a generator derived from the seed and n), so a resumed run masks exactly as the straight one.
/// </remarks>
public sealed class MaskedLanguageModeling : ITrainingObjective
{
    /// <summary>The objective's <see cref="Kind"/> in trainer_state.json.</summary>
    public const string ObjectiveKind = "masked-lm";

    private readonly Dictionary<TrainingStream, MlmBatchSource> _streams;
    private readonly Dictionary<TrainingStream, MlmBatchSourceState> _starts;

    /// <param name="model">A BERT with its masked-LM head.</param>
    /// <param name="train">The training batches.</param>
    /// <param name="trainEvaluation">Batches of the training text for the evaluations' train_loss (rewound before each).</param>
    /// <param name="validation">Batches of the held-out text (rewound before each evaluation).</param>
    /// <exception cref="ArgumentException">The model has no masked-LM head.</exception>
    public MaskedLanguageModeling(BertModel model, MlmBatchSource train, MlmBatchSource trainEvaluation, MlmBatchSource validation)
    {
        ArgumentNullException.ThrowIfNull(model);
        if (model.MlmHead is null) throw new ArgumentException($"MaskedLanguageModeling: the model ({model.Heads}) has no masked-LM head.", nameof(model));
        Model = model;
        _streams = TrainingStreams.Map(train, trainEvaluation, validation);
        _starts = new() { [TrainingStream.TrainEvaluation] = trainEvaluation.GetState(), [TrainingStream.Validation] = validation.GetState() };
    }

    /// <summary>"masked-lm".</summary>
    public string Kind => ObjectiveKind;

    /// <summary>The BERT being trained.</summary>
    public BertModel Model { get; }

    Module ITrainingObjective.Model => Model;

    /// <summary>The embeddings' tables and norm ("embeddings.*").</summary>
    public bool IsEmbedding(string parameterName) => parameterName.StartsWith("embeddings.", StringComparison.Ordinal);

    /// <summary>Rewinds an evaluation stream to its start, so every evaluation scores the same masked tokens.</summary>
    public void BeginEvaluation(TrainingStream stream)
    {
        if (_starts.TryGetValue(stream, out var start)) _streams[stream].Restore(start);
    }

    /// <summary>The next batch of <paramref name="stream"/>: its mean masked-token cross-entropy, weighted by its masked-token count.</summary>
    public ObjectiveLoss NextLoss(TrainingStream stream)
    {
        var batch = _streams[stream].NextBatch();
        var loss = Model.MaskedLMLoss(BertInput.From(batch), batch.Labels);
        return new(loss, batch.PredictionCount, batch.InputIds.Length);
    }

    /// <summary>Each source's draw count and loader position.</summary>
    public IReadOnlyDictionary<TrainingStream, TrainingStreamState> CaptureStreams() =>
        _streams.ToDictionary(s => s.Key, s => TrainingStreamState.Of(s.Value.GetState()));

    /// <summary>Puts each source back at its saved draw count and loader position.</summary>
    public void RestoreStreams(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source)
    {
        ArgumentNullException.ThrowIfNull(states);
        var restored = TrainingStreams.All.ToDictionary(s => s,
            s => CausalLanguageModeling.Saved(states, s, source).ToMlmSource(source, TrainingStreams.Key(s)));
        foreach (var (stream, state) in restored) _streams[stream].Restore(state);
    }
}
