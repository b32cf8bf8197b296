using System.Globalization;
using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Data;
using LlmForge.Randomness;
using LlmForge.Tokenization;
using LlmForge.Training.Optimizers;

namespace LlmForge.Training;

/// <summary>Settings of <see cref="BertClassifierTrainer"/> (BERT fine-tuning's usual ones).</summary>
public sealed record BertClassifierOptions
{
    public int Epochs { get; init; } = 3;
    public int BatchSize { get; init; } = 16;
    public float LearningRate { get; init; } = 1e-4f;

    /// <summary>Share of all steps spent warming the learning rate up; it then decays (cosine) to 0.</summary>
    public float WarmupFraction { get; init; } = 0.1f;
    public float WeightDecay { get; init; } = 0.01f;
    public float GradientClip { get; init; } = 1f;

    /// <summary>Batches whose loss or gradient norm is NaN or infinite that may be skipped before training stops (<see cref="NonFiniteGuard"/>).</summary>
    public int SkipNonFiniteSteps { get; init; }

    /// <summary>Longest input in tokens, [CLS] and [SEP] included; null = the model's max_position_embeddings.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Shuffling order (and dropout masks come from the model's seed).</summary>
    public int Seed { get; init; } = 1337;
}

/// <summary>Loss and accuracy of a classifier on labelled examples.</summary>
public sealed record ClassificationMetrics(double Loss, int Correct, int Total)
{
    public double Accuracy => Total == 0 ? double.NaN : (double)Correct / Total;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"loss {Loss:F4} accuracy {Accuracy:F4} ({Correct}/{Total})");
}

/// <summary>
/// Fine-tunes a <see cref="BertModel"/>'s sequence classifier (and the whole encoder under it) on labelled texts, as
/// BertForSequenceClassification is fine-tuned: batches of <c>[CLS] text [SEP]</c> padded to their longest row, mean
/// cross-entropy of the classifier on the pooled [CLS] state, AdamW (biases and norms undecayed), warm-up then decay,
/// clipping. Class ids are the positions of the labels in the model's <see cref="Checkpoints.BertConfig.Labels"/>.
/// </summary>
public sealed class BertClassifierTrainer
{
    private readonly Dictionary<string, int> _classOf;

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
        _classOf = model.Config.Labels.Select((label, id) => (label, id)).ToDictionary(p => p.label, p => p.id, StringComparer.Ordinal);
    }

    public BertModel Model { get; }

    public WordPieceTokenizer Tokenizer { get; }

    public BertClassifierOptions Options { get; }

    /// <summary>Inputs are truncated to this many tokens.</summary>
    public int MaxLength { get; }

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
        int[] classes = ClassIds(train);
        var named = Model.NamedParameters().Select(p => new NamedParameter(p.Name, p.Parameter));
        var optimizer = new AdamW(ParameterGroup.ForWeightDecay(named, Options.WeightDecay), 0.9f, 0.999f, 1e-8f);
        int batchesPerEpoch = (train.Count + Options.BatchSize - 1) / Options.BatchSize;
        int total = batchesPerEpoch * Options.Epochs;
        int warmup = Math.Min((int)(Options.WarmupFraction * total), total - 1);
        var schedule = LearningRateSchedule.WarmupCosine(Options.LearningRate, 0, warmup, total);
        var guard = new NonFiniteGuard(Options.SkipNonFiniteSteps, string.Create(CultureInfo.InvariantCulture,
            $"lower the learning rate ({nameof(BertClassifierOptions)}.{nameof(Options.LearningRate)}, now {Options.LearningRate}) or clip the gradients harder " +
            $"({nameof(Options.GradientClip)}, now {Options.GradientClip}; 0 = off), or let {nameof(Options.SkipNonFiniteSteps)} (now {Options.SkipNonFiniteSteps}) skip a few such batches"))
        { OnSkip = log.WriteLine };

        var results = new List<ClassificationMetrics>();
        var order = new int[train.Count];
        for (int epoch = 0; epoch < Options.Epochs; epoch++)
        {
            for (int i = 0; i < order.Length; i++) order[i] = i;
            var rng = SplitMix64.Derive(Options.Seed, epoch);
            rng.Shuffle(order);
            Model.Train();
            double lossSum = 0;
            for (int b = 0; b < batchesPerEpoch; b++)
            {
                var rows = order.Skip(b * Options.BatchSize).Take(Options.BatchSize).ToArray();
                var input = Encode(rows.Select(r => train[r].Text));
                optimizer.ZeroGrad();
                var loss = Model.ClassificationLoss(input, [.. rows.Select(r => classes[r])]);
                double value = loss.Item();
                loss.Backward();
                double norm = GradientClipping.GlobalNorm(optimizer.Parameters);
                if (guard.Admit(optimizer.StepCount + 1, value, norm)) // a skipped batch takes no update (the next zeroes its gradients)
                {
                    lossSum += value * rows.Length;
                    if (Options.GradientClip > 0) GradientClipping.ClipToNorm(optimizer.Parameters, Options.GradientClip, norm);
                    optimizer.Step((float)schedule.GetLearningRate(optimizer.StepCount));
                }
                cancellationToken.ThrowIfCancellationRequested();
            }
            string line = string.Create(CultureInfo.InvariantCulture,
                $"epoch {epoch + 1}/{Options.Epochs} | train_loss {lossSum / train.Count:F4}");
            if (evaluation is not null)
            {
                var metrics = Evaluate(evaluation, cancellationToken);
                results.Add(metrics);
                line += string.Create(CultureInfo.InvariantCulture, $" | eval_loss {metrics.Loss:F4} | eval_accuracy {metrics.Accuracy:F4} ({metrics.Correct}/{metrics.Total})");
            }
            log.WriteLine(line);
        }
        return results;
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

    private int[] ClassIds(IReadOnlyList<LabelledText> examples) => [.. examples.Select(e =>
        e.Label is { } label && _classOf.TryGetValue(label, out int id) ? id
            : throw new ArgumentException(
                $"line {e.Line}: label '{e.Label}' is not one of the model's classes ({string.Join(", ", Model.Config.Labels)}).", nameof(examples)))];

    private static int ArgMax(double[] p)
    {
        int best = 0;
        for (int i = 1; i < p.Length; i++) if (p[i] > p[best]) best = i;
        return best;
    }
}
