using LlmForge.Autograd;
using LlmForge.Data;
using LlmForge.EncoderDecoder;
using LlmForge.Evaluation;
using LlmForge.Layers;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>
/// Sequence-to-sequence training of a translator with teacher forcing, as transformers trains MarianMTModel: each batch
/// (<see cref="Seq2SeqBatch"/>) feeds the source to the encoder and the target shifted right (after the decoder start
/// id) to the decoder, and the loss is the cross-entropy of the logits (B, T, V) against the target, padded positions
/// ignored (-100), with label smoothing ε on the training batches (<see cref="F.SmoothedCrossEntropy"/>, torch's
/// CrossEntropyLoss(label_smoothing=ε)). The evaluations' losses are unsmoothed — the per-token cross-entropy whose
/// exp is the perplexity — and weighted by their label tokens, so an evaluation is the mean over its tokens. Each
/// evaluation also translates <see cref="ScoredPairs"/> greedily and reports BLEU and chrF (<see cref="Score"/>).
/// </summary>
/// <remarks>
/// The training stream runs in epochs of length-grouped batches (<see cref="Seq2SeqBatching.ByLength"/>, seed and
/// epoch): its position is the number of batches drawn, which fixes the epoch and the batch, so resuming it is exact.
/// The evaluation streams walk fixed length-grouped batches of the training examples (seed + 2) and of the validation
/// examples (seed + 1) from their first batch at every evaluation (wrapping around), so successive evaluations score
/// the same tokens and their losses compare.
/// </remarks>
public sealed class SequenceToSequence : IScoredObjective
{
    /// <summary>The objective's <see cref="Kind"/> in trainer_state.json.</summary>
    public const string ObjectiveKind = "seq2seq";

    private readonly IReadOnlyList<Seq2SeqExample> _train, _validation;
    private readonly IReadOnlyList<int[]> _trainEvaluationBatches, _validationBatches;
    private IReadOnlyList<int[]> _epochBatches = [];
    private long _drawn;
    private int _epoch = -1, _trainEvaluationNext, _validationNext;

    /// <param name="model">The translator to train.</param>
    /// <param name="tokenizer">Its tokenizer (pad and decoder start ids; decoding for the scores).</param>
    /// <param name="train">The encoded training pairs.</param>
    /// <param name="validation">The encoded validation pairs.</param>
    /// <param name="scoredPairs">The validation pairs each evaluation translates for BLEU and chrF; empty: no scores.</param>
    /// <param name="batchSize">Pairs per batch.</param>
    /// <param name="seed">Seed of the batch orders.</param>
    /// <param name="labelSmoothing">ε of the training loss, in [0, 1).</param>
    /// <exception cref="ArgumentException">No training or validation example, a tokenizer whose ids do not fit the model, or ε outside [0, 1).</exception>
    public SequenceToSequence(EncoderDecoderModel model, ITranslationTokenizer tokenizer, IReadOnlyList<Seq2SeqExample> train,
        IReadOnlyList<Seq2SeqExample> validation, IReadOnlyList<TranslationPair> scoredPairs, int batchSize, int seed, float labelSmoothing = 0.1f)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(validation);
        ArgumentNullException.ThrowIfNull(scoredPairs);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (train.Count == 0) throw new ArgumentException("SequenceToSequence: no training pairs.", nameof(train));
        if (validation.Count == 0) throw new ArgumentException("SequenceToSequence: no validation pairs.", nameof(validation));
        if (!(labelSmoothing >= 0 && labelSmoothing < 1))
            throw new ArgumentOutOfRangeException(nameof(labelSmoothing), labelSmoothing, "label smoothing must be in [0, 1).");
        if (tokenizer.VocabSize > model.Config.VocabSize || tokenizer.PadId != model.Config.PadTokenId || tokenizer.DecoderStartId != model.Config.DecoderStartTokenId)
            throw new ArgumentException(
                $"SequenceToSequence: the tokenizer ({tokenizer.VocabSize} ids, pad {tokenizer.PadId}, start {tokenizer.DecoderStartId}) does not fit the model " +
                $"(vocab_size {model.Config.VocabSize}, pad_token_id {model.Config.PadTokenId}, decoder_start_token_id {model.Config.DecoderStartTokenId}).", nameof(tokenizer));
        Model = model;
        Tokenizer = tokenizer;
        BatchSize = batchSize;
        Seed = seed;
        LabelSmoothing = labelSmoothing;
        ScoredPairs = scoredPairs;
        _train = train;
        _validation = validation;
        _validationBatches = Seq2SeqBatching.ByLength(validation, batchSize, seed + 1, 0);
        _trainEvaluationBatches = Seq2SeqBatching.ByLength(train, batchSize, seed + 2, 0);
    }

    /// <summary>"seq2seq".</summary>
    public string Kind => ObjectiveKind;

    /// <summary>The translator being trained.</summary>
    public EncoderDecoderModel Model { get; }

    Module ITrainingObjective.Model => Model;

    /// <summary>The translator's tokenizer.</summary>
    public ITranslationTokenizer Tokenizer { get; }

    /// <summary>Pairs per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Seed of the batch orders.</summary>
    public int Seed { get; }

    /// <summary>ε of the training batches' loss.</summary>
    public float LabelSmoothing { get; }

    /// <summary>The validation pairs each evaluation translates for its BLEU and chrF.</summary>
    public IReadOnlyList<TranslationPair> ScoredPairs { get; }

    /// <summary>The last <see cref="Score"/>'s translations and scores (null before the first).</summary>
    public TranslationScores? LastScores { get; private set; }

    /// <summary>Training batches per epoch.</summary>
    public int BatchesPerEpoch => (_train.Count + BatchSize - 1) / BatchSize;

    /// <summary>The shared embedding table ("shared.weight").</summary>
    public bool IsEmbedding(string parameterName) => parameterName == "shared.weight";

    /// <summary>Rewinds an evaluation stream to its first batch.</summary>
    public void BeginEvaluation(TrainingStream stream)
    {
        if (stream == TrainingStream.TrainEvaluation) _trainEvaluationNext = 0;
        else if (stream == TrainingStream.Validation) _validationNext = 0;
    }

    /// <summary>
    /// The next batch of <paramref name="stream"/>: its mean cross-entropy over its label tokens (smoothed on the
    /// training stream), weighted by those tokens; tokens processed: B·(S + T).
    /// </summary>
    public ObjectiveLoss NextLoss(TrainingStream stream)
    {
        IReadOnlyList<Seq2SeqExample> set;
        int[] rows;
        if (stream == TrainingStream.Train)
        {
            int epoch = checked((int)(_drawn / BatchesPerEpoch)), batch = (int)(_drawn % BatchesPerEpoch);
            if (epoch != _epoch) (_epochBatches, _epoch) = (Seq2SeqBatching.ByLength(_train, BatchSize, Seed, epoch), epoch);
            rows = _epochBatches[batch];
            set = _train;
            _drawn++;
        }
        else
        {
            bool validation = stream == TrainingStream.Validation;
            var batches = validation ? _validationBatches : _trainEvaluationBatches;
            ref int next = ref validation ? ref _validationNext : ref _trainEvaluationNext;
            rows = batches[next % batches.Count];
            next++;
            set = validation ? _validation : _train;
        }
        var batchData = new Seq2SeqBatch([.. rows.Select(r => set[r])], Tokenizer.PadId, Tokenizer.DecoderStartId);
        var loss = Loss(Model, batchData, stream == TrainingStream.Train ? LabelSmoothing : 0f);
        return new(loss, batchData.LabelCount, (long)batchData.BatchSize * (batchData.SourceLength + batchData.TargetLength));
    }

    /// <summary>
    /// The teacher-forced loss of <paramref name="batch"/>: logits (B, T, V) of the source and the shifted target, and
    /// their mean cross-entropy over the label tokens (padding, -100, ignored), smoothed by <paramref name="labelSmoothing"/>.
    /// </summary>
    public static Tensor Loss(EncoderDecoderModel model, Seq2SeqBatch batch, float labelSmoothing = 0f)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(batch);
        var input = new Seq2SeqInput(batch.SourceIds, batch.BatchSize, batch.SourceLength, batch.DecoderInputIds, batch.TargetLength, batch.SourceMask);
        var logits = model.Forward(input);                                       // (B, T, V)
        return logits.SmoothedCrossEntropy(batch.Labels, labelSmoothing, Seq2SeqBatch.IgnoreIndex);
    }

    /// <summary>BLEU and chrF of the greedy translations of <see cref="ScoredPairs"/> ("bleu", "chrf"); none without scored pairs.</summary>
    public IReadOnlyList<EvaluationScore> Score(CancellationToken cancellationToken = default)
    {
        if (ScoredPairs.Count == 0) return [];
        LastScores = TranslationEvaluation.Score(Model, Tokenizer, ScoredPairs, BatchSize, Model.Config.MaxPositions, cancellationToken);
        return [new("bleu", LastScores.Bleu.Score), new("chrf", LastScores.ChrF)];
    }

    /// <summary>The training stream's batches drawn ("step") and seed; the evaluation streams restart at every evaluation.</summary>
    public IReadOnlyDictionary<TrainingStream, TrainingStreamState> CaptureStreams() => new Dictionary<TrainingStream, TrainingStreamState>
    {
        [TrainingStream.Train] = new([new("step", _drawn), new("seed", Seed)]),
        [TrainingStream.TrainEvaluation] = new([new("step", 0), new("seed", Seed + 2)]),
        [TrainingStream.Validation] = new([new("step", 0), new("seed", Seed + 1)]),
    };

    /// <summary>Puts the training stream back at its saved batch.</summary>
    public void RestoreStreams(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source) =>
        _drawn = EpochStreams.Restore(states, source, Seed);
}
