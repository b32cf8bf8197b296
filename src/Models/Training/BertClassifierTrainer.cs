using System.Globalization;
using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Data;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>Settings of <see cref="BertClassifierTrainer"/> (BERT fine-tuning's usual ones).</summary>
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
/// Fine-tunes a <see cref="BertModel"/>'s sequence classifier (and the whole encoder under it) on labelled texts for
/// <see cref="BertClassifierOptions.Epochs"/> epochs: the <see cref="Trainer"/> with the
/// <see cref="SequenceClassification"/> objective, AdamW, warm-up then cosine decay to 0, clipping; and the classifier's
/// metrics and predictions (loss, accuracy, most probable label).
/// </summary>
public sealed class BertClassifierTrainer
{
    /// <param name="model">A BERT with its sequence classifier.</param>
    /// <param name="tokenizer">The model's WordPiece tokenizer.</param>
    /// <param name="options">Epochs, batch size and the optimizer's settings.</param>
    public BertClassifierTrainer(BertModel model, WordPieceTokenizer tokenizer, BertClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(tokenizer);
        ArgumentNullException.ThrowIfNull(options);
        if (model.Classifier is null) throw new ArgumentException($"BertClassifierTrainer: the model ({model.Heads}) has no classifier.", nameof(model));
        if (tokenizer.VocabSize != model.Config.VocabSize)
            throw new ArgumentException($"BertClassifierTrainer: the tokenizer has {tokenizer.VocabSize} tokens, the model's vocab_size is {model.Config.VocabSize}.", nameof(tokenizer));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.SkipNonFiniteSteps);
        Model = model;
        Tokenizer = tokenizer;
        Options = options;
        MaxLength = Math.Min(options.MaxLength ?? model.Config.MaxPositions, model.Config.MaxPositions);
    }

    /// <summary>The model being fine-tuned.</summary>
    public BertModel Model { get; }

    /// <summary>The model's tokenizer.</summary>
    public WordPieceTokenizer Tokenizer { get; }

    /// <summary>The fine-tuning settings.</summary>
    public BertClassifierOptions Options { get; }

    /// <summary>Inputs are truncated to this many tokens.</summary>
    public int MaxLength { get; }

    /// <summary>
    /// The <see cref="TrainingOptions"/> of fine-tuning <paramref name="batchesPerEpoch"/> batches per epoch: one step per
    /// batch, warm-up <see cref="BertClassifierOptions.WarmupFraction"/> of the steps (at most a tenth of them, the
    /// schedule's rule), cosine to 0, AdamW β2 0.999, an evaluation at the end of each epoch.
    /// </summary>
    /// <param name="batchesPerEpoch">Training batches per epoch (<see cref="SequenceClassification.BatchesPerEpoch"/>).</param>
    /// <param name="evaluationBatches">Batches an evaluation scores (<see cref="SequenceClassification.EvaluationBatches"/>).</param>
    public TrainingOptions TrainingOptionsFor(int batchesPerEpoch, int evaluationBatches)
    {
        int total = batchesPerEpoch * Options.Epochs;
        return new TrainingOptions
        {
            MaxSteps = total, BatchSize = Options.BatchSize, LearningRate = Options.LearningRate, MinLearningRate = 0,
            WarmupSteps = (int)(Options.WarmupFraction * total), WeightDecay = Options.WeightDecay, Beta2 = 0.999f, Epsilon = 1e-8f,
            GradientClip = Options.GradientClip, SkipNonFiniteSteps = Options.SkipNonFiniteSteps, EvalInterval = batchesPerEpoch,
            EvalBatches = evaluationBatches, LogInterval = batchesPerEpoch, CheckpointInterval = 0, Seed = (ulong)(uint)Options.Seed,
        };
    }

    /// <summary>Trains for <see cref="BertClassifierOptions.Epochs"/> epochs; after each, one line of training loss and (with <paramref name="evaluation"/>) its metrics.</summary>
    /// <returns>The metrics on <paramref name="evaluation"/> after each epoch (empty without it).</returns>
    /// <param name="cancellationToken">When cancelled, training stops after the current batch with <see cref="OperationCanceledException"/> (this trainer writes no checkpoint; the caller decides what to save).</param>
    /// <exception cref="TrainingDivergedException">A batch's loss or gradient norm is not finite beyond <see cref="BertClassifierOptions.SkipNonFiniteSteps"/>: the model was not updated by it.</exception>
    /// <param name="train">The labelled training texts.</param>
    /// <param name="evaluation">Labelled texts to measure after each epoch, or null.</param>
    /// <param name="log">Receives one line per epoch.</param>
    public IReadOnlyList<ClassificationMetrics> Train(IReadOnlyList<LabelledText> train, IReadOnlyList<LabelledText>? evaluation, TextWriter log,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(log);
        var objective = new SequenceClassification(Model, Tokenizer, train, evaluation, Options.BatchSize, Options.Seed, MaxLength);
        var guard = new NonFiniteGuard(Options.SkipNonFiniteSteps, string.Create(CultureInfo.InvariantCulture,
            $"lower the learning rate ({nameof(BertClassifierOptions)}.{nameof(Options.LearningRate)}, now {Options.LearningRate}) or clip the gradients harder " +
            $"({nameof(Options.GradientClip)}, now {Options.GradientClip}; 0 = off), or let {nameof(Options.SkipNonFiniteSteps)} (now {Options.SkipNonFiniteSteps}) skip a few such batches"));
        var trainer = new Trainer(objective, TrainingOptionsFor(objective.BatchesPerEpoch, objective.EvaluationBatches), nonFinite: guard);
        var results = new List<ClassificationMetrics>();
        var epochs = new Progress(report =>
        {
            if (!report.Evaluated) return;
            string line = string.Create(CultureInfo.InvariantCulture,
                $"epoch {report.Step / objective.BatchesPerEpoch}/{Options.Epochs} | train_loss {report.TrainLoss:F4}");
            if (evaluation is not null)
            {
                var metrics = Evaluate(evaluation, cancellationToken);
                results.Add(metrics);
                line += string.Create(CultureInfo.InvariantCulture, $" | eval_loss {metrics.Loss:F4} | eval_accuracy {metrics.Accuracy:F4} ({metrics.Correct}/{metrics.Total})");
            }
            log.WriteLine(line);
        });
        trainer.Train(TextWriter.Null, log, cancellationToken: cancellationToken, progress: epochs);
        return results;
    }

    /// <summary>Calls back synchronously (<see cref="Progress{T}"/> would post to a synchronization context).</summary>
    private sealed class Progress(Action<TrainingProgress> report) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => report(value);
    }

    /// <summary>Mean loss and accuracy on labelled examples (eval mode, no graph).</summary>
    /// <param name="examples">The labelled texts.</param>
    /// <param name="cancellationToken">Checked before each batch; the model's mode is restored when it throws.</param>
    public ClassificationMetrics Evaluate(IReadOnlyList<LabelledText> examples, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(examples);
        int[] classes = ClassIds(examples);
        var predictions = Probabilities(examples.Select(e => e.Text).ToList(), cancellationToken);
        double loss = 0;
        int correct = 0;
        for (int i = 0; i < examples.Count; i++)
        {
            loss -= Math.Log(Math.Max(predictions[i][classes[i]], double.Epsilon));
            if (ArgMax(predictions[i]) == classes[i]) correct++;
        }
        return new ClassificationMetrics(loss / examples.Count, correct, examples.Count);
    }

    /// <summary>The most probable label of each text, with its probability.</summary>
    public IReadOnlyList<(string Label, double Probability)> Predict(IReadOnlyList<string> texts) =>
        [.. Probabilities(texts, CancellationToken.None).Select(p => { int c = ArgMax(p); return (Model.Config.Labels[c], p[c]); })];

    // softmax of the classifier logits, per text, in batches; eval mode, no graph.
    private List<double[]> Probabilities(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        var result = new List<double[]>(texts.Count);
        using (GradMode.NoGrad())
        {
            for (int start = 0; start < texts.Count; start += Options.BatchSize)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    Model.Train(wasTraining);
                    cancellationToken.ThrowIfCancellationRequested();
                }
                var batch = texts.Skip(start).Take(Options.BatchSize).ToList();
                var logits = Model.ClassifierLogits(Encode(batch)).Data; // (B, labels)
                int labels = Model.Config.Labels.Count;
                for (int r = 0; r < batch.Count; r++)
                {
                    var row = logits.AsSpan(r * labels, labels);
                    double max = double.NegativeInfinity;
                    foreach (float v in row) max = Math.Max(max, v);
                    var p = new double[labels];
                    double sum = 0;
                    for (int c = 0; c < labels; c++) sum += p[c] = Math.Exp(row[c] - max);
                    for (int c = 0; c < labels; c++) p[c] /= sum;
                    result.Add(p);
                }
            }
        }
        Model.Train(wasTraining);
        return result;
    }

    private BertInput Encode(IEnumerable<string> texts) => BertInput.From(Tokenizer.EncodeBatch([.. texts], maxLength: MaxLength));

    private int[] ClassIds(IReadOnlyList<LabelledText> examples) => SequenceClassification.ClassIds(Model, examples);

    private static int ArgMax(double[] p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
