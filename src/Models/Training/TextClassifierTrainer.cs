using System.Globalization;
using LlmForge.Autograd;
using LlmForge.Data;

namespace LlmForge.Training;

/// <summary>
/// Fine-tunes a classifier (<see cref="ITextClassifier"/>: BERT's, a GPT's — and the whole model under it) on labelled
/// texts for <see cref="BertClassifierOptions.Epochs"/> epochs: the <see cref="Trainer"/> with the
/// <see cref="SequenceClassification"/> objective, AdamW, warm-up then cosine decay to 0, clipping; and the classifier's
/// metrics and predictions (loss, accuracy, most probable label).
/// </summary>
public sealed class TextClassifierTrainer
{
    /// <param name="classifier">The model and tokenizer to fine-tune.</param>
    /// <param name="options">Epochs, batch size and the optimizer's settings.</param>
    public TextClassifierTrainer(ITextClassifier classifier, BertClassifierOptions options)
    {
        ArgumentNullException.ThrowIfNull(classifier);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.Epochs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.BatchSize, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.SkipNonFiniteSteps);
        Classifier = classifier;
        Options = options;
    }

    /// <summary>The model and tokenizer being fine-tuned.</summary>
    public ITextClassifier Classifier { get; }

    /// <summary>The fine-tuning settings.</summary>
    public BertClassifierOptions Options { get; }

    private Layers.Module Model => Classifier.Model;

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
        var objective = new SequenceClassification(Classifier, train, evaluation, Options.BatchSize, Options.Seed);
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
        [.. Probabilities(texts, CancellationToken.None).Select(p => { int c = ArgMax(p); return (Classifier.Labels[c], p[c]); })];

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
                var logits = Classifier.Logits(batch).Logits.Data; // (B, labels)
                int labels = Classifier.Labels.Count;
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

    private int[] ClassIds(IReadOnlyList<LabelledText> examples) => SequenceClassification.ClassIds(Classifier.Labels, examples);

    private static int ArgMax(double[] p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
