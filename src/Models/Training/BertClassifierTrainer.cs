using System.Globalization;
using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Data;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>Settings of <see cref="BertClassifierTrainer"/> and <see cref="TextClassifierTrainer"/> (BERT fine-tuning's usual ones).</summary>
public sealed record BertClassifierOptions
{
    /// <summary>Passes over the training texts.</summary>
    public int Epochs { get; init; } = 3;

    /// <summary>Texts per batch (one optimizer step each).</summary>
    public int BatchSize { get; init; } = 16;

    /// <summary>The peak learning rate, after warm-up.</summary>
    public float LearningRate { get; init; } = 1e-4f;

    /// <summary>Share of all steps spent warming the learning rate up; it then decays (cosine) to 0.</summary>
    public float WarmupFraction { get; init; } = 0.1f;
    /// <summary>AdamW's decoupled weight decay on matrices (biases and norms undecayed).</summary>
    public float WeightDecay { get; init; } = 0.01f;

    /// <summary>Clip the global gradient norm to this value; 0 disables clipping.</summary>
    public float GradientClip { get; init; } = 1f;

    /// <summary>Batches whose loss or gradient norm is NaN or infinite that may be skipped before training stops (<see cref="NonFiniteGuard"/>).</summary>
    public int SkipNonFiniteSteps { get; init; }

    /// <summary>Longest input in tokens, [CLS] and [SEP] included; null = the model's max_position_embeddings.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Shuffling order (and dropout masks come from the model's seed).</summary>
    public int Seed { get; init; } = 1337;
}

/// <summary>Loss and accuracy of a classifier on labelled examples.</summary>
/// <param name="Loss">Mean cross-entropy of the true classes.</param>
/// <param name="Correct">Examples whose most probable class is the true one.</param>
/// <param name="Total">Examples scored.</param>
public sealed record ClassificationMetrics(double Loss, int Correct, int Total)
{
    /// <summary>Correct / Total; NaN without examples.</summary>
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    /// <summary>"loss 0.1234 accuracy 0.9500 (38/40)".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4} accuracy {Accuracy:F4} ({Correct}/{Total})");
}

/// <summary>
/// Fine-tunes a <see cref="BertModel"/>'s sequence classifier (and the whole encoder under it) on labelled texts: the
/// <see cref="TextClassifierTrainer"/> of a <see cref="BertTextClassifier"/> (the pooled [CLS] state classified).
/// </summary>
public sealed class BertClassifierTrainer
{
    private readonly TextClassifierTrainer _trainer;

    /// <param name="model">A BERT with its sequence classifier.</param>
    /// <param name="tokenizer">The model's WordPiece tokenizer.</param>
    /// <param name="options">Epochs, batch size and the optimizer's settings.</param>
    public BertClassifierTrainer(BertModel model, WordPieceTokenizer tokenizer, BertClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var classifier = new BertTextClassifier(model, tokenizer, options.MaxLength);
        _trainer = new TextClassifierTrainer(classifier, options);
        Model = model;
        Tokenizer = tokenizer;
        MaxLength = classifier.MaxLength;
    }

    /// <summary>The model being fine-tuned.</summary>
    public BertModel Model { get; }

    /// <summary>The model's tokenizer.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>The fine-tuning settings.</summary>
    public BertClassifierOptions Options => _trainer.Options;

    /// <summary>Inputs are truncated to this many tokens.</summary>
    public int MaxLength { get; }

    /// <inheritdoc cref="TextClassifierTrainer.TrainingOptionsFor"/>
    public TrainingOptions TrainingOptionsFor(int batchesPerEpoch, int evaluationBatches) => _trainer.TrainingOptionsFor(batchesPerEpoch, evaluationBatches);

    /// <inheritdoc cref="TextClassifierTrainer.Train"/>
    public IReadOnlyList<ClassificationMetrics> Train(IReadOnlyList<LabelledText> train, IReadOnlyList<LabelledText>? evaluation, TextWriter log,
        CancellationToken cancellationToken = default) => _trainer.Train(train, evaluation, log, cancellationToken);

    /// <inheritdoc cref="TextClassifierTrainer.Evaluate"/>
    public ClassificationMetrics Evaluate(IReadOnlyList<LabelledText> examples, CancellationToken cancellationToken = default) =>
        _trainer.Evaluate(examples, cancellationToken);

    /// <inheritdoc cref="TextClassifierTrainer.Predict"/>
    public IReadOnlyList<(string Label, double Probability)> Predict(IReadOnlyList<string> texts) => _trainer.Predict(texts);
}
