using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Layers;

namespace LlmForge.Training;

/// <summary>
/// Next-token prediction, a GPT's objective: the loss of a (B, T) batch of windows is the mean cross-entropy of the
/// model's prediction of each next token (<see cref="GptModel.Loss"/>, the LM head and cross-entropy fused, no
/// [B·T, vocab] logits). An evaluation's loss is the mean of its batch means (each batch weighs 1), and its streams run
/// on from evaluation to evaluation.
/// </summary>
/// <remarks>
/// <see cref="ForCorpus"/> builds the streams of a run over a corpus: three <see cref="RandomWindowSampler"/>s, each its
/// own seeded stream — training batches (seed), validation batches (seed + 1) and the train-loss evaluation's batches
/// (seed + 2) — so when and how often the run evaluates never changes what it trains on.
/// </remarks>
public sealed class CausalLanguageModeling : ITrainingObjective
{
    /// <summary>The objective's <see cref="Kind"/>, the default of trainer_state.json.</summary>
    public const string ObjectiveKind = "causal-lm";

    private readonly Dictionary<TrainingStream, ITokenBatchSource> _streams;

    /// <param name="model">The GPT to train.</param>
    /// <param name="train">The training batches.</param>
    /// <param name="trainEvaluation">Batches of the training text for the evaluations' train_loss.</param>
    /// <param name="validation">Batches of the held-out text.</param>
    public CausalLanguageModeling(GptModel model, ITokenBatchSource train, ITokenBatchSource trainEvaluation, ITokenBatchSource validation)
    {
        ArgumentNullException.ThrowIfNull(model);
        Model = model;
        _streams = TrainingStreams.Map(train, trainEvaluation, validation);
    }

    /// <summary>
    /// The streams of a run over a corpus split in <paramref name="train"/> and <paramref name="validation"/> tokens:
    /// random windows of the model's context, <paramref name="batchSize"/> rows, seeds <paramref name="seed"/> (training),
    /// seed + 1 (validation) and seed + 2 (train-loss evaluation). With <paramref name="windowStartToken"/> the training
    /// windows (and the train-loss evaluation's) start at that token only (<see cref="TrainingOptions.WindowStart"/> "line").
    /// </summary>
    public static CausalLanguageModeling ForCorpus(GptModel model, ReadOnlyMemory<int> train, ReadOnlyMemory<int> validation, int batchSize, int seed,
        int? windowStartToken = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        int context = model.Config.ContextLength;
        RandomWindowSampler Train(int s) => windowStartToken is int token
            ? new RandomWindowSampler(train, batchSize, context, s, token)
            : new RandomWindowSampler(train, batchSize, context, s);
        var trainSampler = Train(seed);
        var validationSampler = new RandomWindowSampler(validation, batchSize, context, seed + 1);
        var trainEvaluation = Train(seed + 2);
        return new CausalLanguageModeling(model, trainSampler, trainEvaluation, validationSampler);
    }

    /// <summary>"causal-lm".</summary>
    public string Kind => ObjectiveKind;

    /// <summary>The GPT being trained.</summary>
    public GptModel Model { get; }

    Module ITrainingObjective.Model => Model;

    /// <summary>The token, position and sink-token tables ("tok_emb.weight", "pos_emb.weight", "sink_emb.weight").</summary>
    public bool IsEmbedding(string parameterName) => parameterName.EndsWith("_emb.weight", StringComparison.Ordinal);

    /// <summary>Nothing: a causal LM's evaluation streams run on, so each evaluation scores new windows.</summary>
    public void BeginEvaluation(TrainingStream stream) { }

    /// <summary>The next (B, T) batch of <paramref name="stream"/>: its mean next-token cross-entropy, weight 1, B·T tokens.</summary>
    public ObjectiveLoss NextLoss(TrainingStream stream)
    {
        var batch = _streams[stream].NextBatch();
        return new(Model.Loss(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength), 1, batch.TokenCount);
    }

    /// <summary>Each sampler's step and seed.</summary>
    /// <exception cref="InvalidOperationException">A stream is not a <see cref="RandomWindowSampler"/>, whose position can be saved.</exception>
    public IReadOnlyDictionary<TrainingStream, TrainingStreamState> CaptureStreams() =>
        _streams.ToDictionary(s => s.Key, s => TrainingStreamState.Of(Sampler(s.Key).GetState()));

    /// <summary>Puts each sampler back at its saved step and seed.</summary>
    public void RestoreStreams(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source)
    {
        ArgumentNullException.ThrowIfNull(states);
        var restored = TrainingStreams.All.ToDictionary(s => s, s => Saved(states, s, source).ToSampler(source, TrainingStreams.Key(s)));
        foreach (var (stream, state) in restored) Sampler(stream).Restore(state);
    }

    internal static TrainingStreamState Saved(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, TrainingStream stream, string source) =>
        states.TryGetValue(stream, out var state) ? state
            : throw new CheckpointFormatException(source, $"required key \"samplers.{TrainingStreams.Key(stream)}\" is missing.");

    private RandomWindowSampler Sampler(TrainingStream stream) => _streams[stream] as RandomWindowSampler
        ?? throw new InvalidOperationException($"the {TrainingStreams.Key(stream)} stream is not a RandomWindowSampler: its position cannot be saved or restored.");
}
