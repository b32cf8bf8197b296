using LlmForge.Bert;
using LlmForge.Data;
using LlmForge.Autograd;
using LlmForge.Layers;
using LlmForge.Randomness;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>
/// Sequence classification, the fine-tuning of BertForSequenceClassification or GPT2ForSequenceClassification: batches
/// of texts, the loss the mean cross-entropy of the classifier's logits (<see cref="ITextClassifier.Logits"/>: BERT's
/// pooled [CLS] state, a GPT's last token). Class ids are the positions of the labels in the classifier's
/// <see cref="ITextClassifier.Labels"/>.
/// </summary>
/// <remarks>
/// The training stream runs in epochs: epoch e visits every example once, in an order shuffled by a generator derived
/// from the seed and e, in batches of <see cref="BatchSize"/> (the last one shorter). Its position is the number of
/// batches drawn, which fixes the epoch and the batch, so resuming it is exact. The evaluation streams walk the training
/// and the evaluation examples in order from the start at every evaluation; a batch drawn past the end of its set
/// weighs 0, so an evaluation of <see cref="EvaluationBatches"/> batches is the mean over every example of each set.
/// </remarks>
public sealed class SequenceClassification : ITrainingObjective
{
    /// <summary>The objective's <see cref="Kind"/> in trainer_state.json.</summary>
    public const string ObjectiveKind = "sequence-classification";

    private readonly IReadOnlyList<LabelledText> _train, _evaluation;
    private readonly int[] _trainClasses, _evaluationClasses, _order;
    private long _drawn;
    private int _orderEpoch = -1;
    private int _trainEvaluationNext, _validationNext;

    /// <param name="model">A BERT with its sequence classifier.</param>
    /// <param name="tokenizer">The model's WordPiece tokenizer.</param>
    /// <param name="train">The labelled training texts.</param>
    /// <param name="evaluation">Labelled texts the evaluations score (validation); null: the training texts.</param>
    /// <param name="batchSize">Texts per batch.</param>
    /// <param name="seed">Seed of the epochs' shuffling.</param>
    /// <param name="maxLength">Longest input in tokens, [CLS] and [SEP] included; null: the model's max_position_embeddings.</param>
    /// <exception cref="ArgumentException">No classifier, a tokenizer of another vocabulary, no training text, or a label not among the model's classes (naming its line).</exception>
    public SequenceClassification(BertModel model, WordPieceTokenizer tokenizer, IReadOnlyList<LabelledText> train,
        IReadOnlyList<LabelledText>? evaluation, int batchSize, int seed, int? maxLength = null)
        : this(new BertTextClassifier(model, tokenizer, maxLength), train, evaluation, batchSize, seed)
    {
    }

    /// <param name="classifier">The model and tokenizer to train (BERT's, a GPT's).</param>
    /// <param name="train">The labelled training texts.</param>
    /// <param name="evaluation">Labelled texts the evaluations score (validation); null: the training texts.</param>
    /// <param name="batchSize">Texts per batch.</param>
    /// <param name="seed">Seed of the epochs' shuffling.</param>
    /// <exception cref="ArgumentException">No training text, or a label not among the classifier's classes (naming its line).</exception>
    public SequenceClassification(ITextClassifier classifier, IReadOnlyList<LabelledText> train, IReadOnlyList<LabelledText>? evaluation,
        int batchSize, int seed)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(train);
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        if (train.Count == 0) throw new ArgumentException("SequenceClassification: no training texts.", nameof(train));
        Classifier = classifier;
        BatchSize = batchSize;
        Seed = seed;
        _train = train;
        _evaluation = evaluation ?? train;
        _trainClasses = ClassIds(classifier.Labels, train);
        _evaluationClasses = evaluation is null ? _trainClasses : ClassIds(classifier.Labels, evaluation);
        _order = new int[train.Count];
    }

    /// <summary>"sequence-classification".</summary>
    public string Kind => ObjectiveKind;

    /// <summary>The model and tokenizer being fine-tuned.</summary>
    public ITextClassifier Classifier { get; }

    /// <summary>The classifier's model.</summary>
    public Module Model => Classifier.Model;

    /// <summary>Texts per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Seed of the epochs' shuffling.</summary>
    public int Seed { get; }

    /// <summary>Training batches per epoch (the last one may be shorter).</summary>
    public int BatchesPerEpoch => (_train.Count + BatchSize - 1) / BatchSize;

    /// <summary>Batches an evaluation needs to score every example of the larger of its two sets.</summary>
    public int EvaluationBatches => (Math.Max(_train.Count, _evaluation.Count) + BatchSize - 1) / BatchSize;

    /// <summary>None: every parameter follows the matrix / vector rule of the weight-decay groups.</summary>
    public bool IsEmbedding(string parameterName) => false;

    /// <summary>Rewinds an evaluation stream to the first example of its set.</summary>
    public void BeginEvaluation(TrainingStream stream)
    {
        if (stream == TrainingStream.TrainEvaluation) _trainEvaluationNext = 0;
        else if (stream == TrainingStream.Validation) _validationNext = 0;
    }

    /// <summary>The next batch of <paramref name="stream"/>: its mean classification cross-entropy, weighted by its texts.</summary>
    public ObjectiveLoss NextLoss(TrainingStream stream)
    {
        int[] rows;
        IReadOnlyList<LabelledText> set;
        int[] classes;
        double weight;
        if (stream == TrainingStream.Train)
        {
            int epoch = checked((int)(_drawn / BatchesPerEpoch)), batch = (int)(_drawn % BatchesPerEpoch);
            if (epoch != _orderEpoch)
            {
                for (int i = 0; i < _order.Length; i++) _order[i] = i;
                SplitMix64.Derive(Seed, epoch).Shuffle(_order);
                _orderEpoch = epoch;
            }
            rows = _order.AsSpan(batch * BatchSize, Math.Min(BatchSize, _order.Length - batch * BatchSize)).ToArray();
            _drawn++;
            (set, classes, weight) = (_train, _trainClasses, rows.Length);
        }
        else
        {
            bool validation = stream == TrainingStream.Validation;
            (set, classes) = validation ? (_evaluation, _evaluationClasses) : (_train, _trainClasses);
            ref int next = ref validation ? ref _validationNext : ref _trainEvaluationNext;
            int start = next < set.Count ? next : 0; // past the end: the first batch again, weighing nothing
            rows = [.. Enumerable.Range(start, Math.Min(BatchSize, set.Count - start))];
            weight = next < set.Count ? rows.Length : 0;
            next += BatchSize;
        }
        var (logits, tokens) = Classifier.Logits([.. rows.Select(r => set[r].Text)]);
        return new(logits.CrossEntropy([.. rows.Select(r => classes[r])]), weight, tokens);
    }

    /// <summary>The training stream's batches drawn ("step") and seed; the evaluation streams restart at every evaluation.</summary>
    public IReadOnlyDictionary<TrainingStream, TrainingStreamState> CaptureStreams() => EpochStreams.Capture(_drawn, Seed);

    /// <summary>Puts the training stream back at its saved batch.</summary>
    public void RestoreStreams(IReadOnlyDictionary<TrainingStream, TrainingStreamState> states, string source) =>
        _drawn = EpochStreams.Restore(states, source, Seed);

    /// <summary>The class id of each example's label.</summary>
    /// <exception cref="ArgumentException">A label that is not one of the model's classes, naming its line.</exception>
    public static int[] ClassIds(BertModel model, IReadOnlyList<LabelledText> examples)
    {
        ArgumentNullException.ThrowIfNull(model);
        return ClassIds(model.Config.Labels, examples);
    }

    /// <summary>The class id of each example's label among <paramref name="labels"/>.</summary>
    /// <exception cref="ArgumentException">A label that is not one of <paramref name="labels"/>, naming its line.</exception>
    public static int[] ClassIds(IReadOnlyList<string> labels, IReadOnlyList<LabelledText> examples)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(examples);
        var classOf = labels.Select((label, id) => (label, id)).ToDictionary(p => p.label, p => p.id, StringComparer.Ordinal);
        return [.. examples.Select(e => e.Label is { } label && classOf.TryGetValue(label, out int id) ? id
            : throw new ArgumentException(
                $"line {e.Line}: label '{e.Label}' is not one of the model's classes ({string.Join(", ", labels)}).", nameof(examples)))];
    }
}
