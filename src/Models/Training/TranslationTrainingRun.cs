using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.EncoderDecoder;
using LlmForge.Evaluation;
using LlmForge.Tokenization;
using Microsoft.Extensions.Logging;

namespace LlmForge.Training;

/// <summary>
/// A whole translation training run over a file of pairs: the pairs split deterministically into training and
/// validation (<see cref="TranslationSplit"/>), a byte-level BPE shared by both languages learned from the training
/// pairs, the variant's <see cref="EncoderDecoderModel"/> with that vocabulary, the <see cref="SequenceToSequence"/>
/// objective, and the <see cref="Training.Trainer"/> whose checkpoints are the MarianMT Hugging Face directory
/// (config.json + model.safetensors, <see cref="MarianCheckpoint"/>) with the tokenizer's vocab.json + merges.txt
/// (<see cref="TranslationTokenizerFiles"/> reads them back), optimizer.safetensors and trainer_state.json.
/// </summary>
/// <remarks>
/// The split's seed is fixed (<see cref="TranslationSplit.DefaultSeed"/>), so every run on a file holds out the same
/// pairs whatever its training seed; the batch orders follow Training:Seed. A resumed run reloads the checkpoint's
/// tokenizer, checks the pairs encode to the same ids (trainer_state.json's corpus fingerprint) and continues exactly.
/// </remarks>
public sealed class TranslationTrainingRun
{
    /// <summary>The tokenizer kind trainer_state.json records for a BPE learned from the pairs.</summary>
    public const string TokenizerKind = "bpe-pairs";

    private TranslationTrainingRun(Trainer trainer, SequenceToSequence objective, ITranslationTokenizer tokenizer,
        IReadOnlyList<TranslationPair> train, IReadOnlyList<TranslationPair> validation, long trainTokens)
    {
        (Trainer, Objective, Tokenizer, TrainPairs, ValidationPairs, TrainTokens) = (trainer, objective, tokenizer, train, validation, trainTokens);
    }

    /// <summary>
    /// The run <paramref name="settings"/> describe, ready to <see cref="Train"/>: pairs read and split, the tokenizer
    /// learned (or the checkpoint's), the pairs encoded, the model built on <paramref name="backend"/>, the checkpoint resumed.
    /// </summary>
    /// <param name="settings">Variant, pairs, vocabulary size, options, the checkpoint to resume.</param>
    /// <param name="backend">Where the model computes.</param>
    /// <param name="log">Receives the split, tokenizer, resume and "model: …" lines (the CLI's stderr).</param>
    /// <exception cref="InvalidDataException">A pairs file that cannot be read (naming the file and line).</exception>
    /// <exception cref="ArgumentException">A variant that is not an encoder-decoder, or too few pairs for the split.</exception>
    /// <exception cref="CheckpointFormatException">The checkpoint is of another run (variant, tokenizer, seed, pairs, shape).</exception>
    public static TranslationTrainingRun Create(TranslationTrainingSettings settings, ITensorBackend backend, TextWriter log)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(log);
        var variant = settings.Variant;
        if (!variant.IsEncoderDecoder)
            throw new ArgumentException($"{variant.Key}: '{variant.Name}' is not an encoder-decoder variant; a translation run needs one.", nameof(settings));
        var options = settings.Training;
        var translation = settings.Translation;
        string prefix = settings.Section.Length == 0 ? "" : settings.Section + ":";
        var problems = translation.Problems($"{prefix}Translation");
        if (problems.Count > 0) throw new ArgumentException(string.Join(" ", problems), nameof(settings));
        int maxLength = Math.Min(translation.MaxLength, variant.Options.ContextLength);

        var pairs = TranslationPairsFile.Read(settings.PairsPath);
        var (train, validation) = TranslationSplit.Split(pairs, options.ValidationFraction);
        log.WriteLine($"pairs: {pairs.Count:N0} in '{settings.PairsPath}', {train.Count:N0} for training and {validation.Count:N0} for validation " +
            $"({prefix}Training:ValidationFraction {options.ValidationFraction.ToString(System.Globalization.CultureInfo.InvariantCulture)}, split seed {TranslationSplit.DefaultSeed})");

        TrainerState? resumed = settings.ResumeDirectory is { } directory ? TrainingCheckpoint.Load(directory) : null;
        ITranslationTokenizer tokenizer = resumed is not null
            ? TranslationTokenizerFiles.Load(settings.ResumeDirectory!)
            : SharedBpeTranslationTokenizer.Learn(train,
                settings.VocabSize ?? (variant.Options.VocabSize > 0 ? variant.Options.VocabSize : SharedBpeTranslationTokenizer.DefaultVocabSize), log);
        var trainExamples = train.Select(p => Seq2SeqExample.Encode(p, tokenizer, maxLength, maxLength)).ToArray();
        var validationExamples = validation.Select(p => Seq2SeqExample.Encode(p, tokenizer, maxLength, maxLength)).ToArray();

        int seed = GptTrainingRun.DataSeed(options.Seed);
        var model = variant.CreateEncoderDecoder(backend, tokenizer.VocabSize, tokenizer.PadId, tokenizer.EosId, seed);
        var scored = TranslationEvaluation.Subset(validation, translation.EvalSentences);
        var objective = new SequenceToSequence(model, tokenizer, trainExamples, validationExamples, scored, options.BatchSize, seed, translation.LabelSmoothing);
        var corpus = CorpusFingerprint.Of(settings.PairsPath, Flatten(trainExamples.Concat(validationExamples)));
        var files = new CheckpointFiles(variant.Name, TokenizerKind, corpus,
            directory => { MarianCheckpoint.Save(model, directory); tokenizer.Save(directory); },
            directory => LoadWeights(model, directory));
        long trainTokens = trainExamples.Sum(e => (long)e.SourceIds.Length + e.TargetIds.Length);
        var run = new TranslationTrainingRun(new Trainer(objective, options, files), objective, tokenizer, train, validation, trainTokens);
        if (resumed is not null)
        {
            run.Trainer.Resume(settings.ResumeDirectory!, resumed);
            log.WriteLine($"resumed '{settings.ResumeDirectory}' at step {resumed.Step} of {options.MaxSteps}");
        }
        log.WriteLine($"model: {model.ParameterCount():N0} parameters, vocab {tokenizer.VocabSize}, backend {backend.Name}, " +
            $"{trainTokens:N0} training tokens (source + target), {scored.Count} validation sentences translated at each evaluation");
        return run;
    }

    /// <summary>The trainer of the run: its optimizer, schedule, NaN policy and loop.</summary>
    public Trainer Trainer { get; }

    /// <summary>The sequence-to-sequence objective (its last BLEU/chrF translations in <see cref="SequenceToSequence.LastScores"/>).</summary>
    public SequenceToSequence Objective { get; }

    /// <summary>The translator being trained.</summary>
    public EncoderDecoderModel Model => Objective.Model;

    /// <summary>The tokenizer, saved with each checkpoint.</summary>
    public ITranslationTokenizer Tokenizer { get; }

    /// <summary>The training part of the split.</summary>
    public IReadOnlyList<TranslationPair> TrainPairs { get; }

    /// <summary>The validation part of the split.</summary>
    public IReadOnlyList<TranslationPair> ValidationPairs { get; }

    /// <summary>Source and target tokens of the training pairs (eos included).</summary>
    public long TrainTokens { get; }

    /// <summary>Optimizer steps done.</summary>
    public int Step => Trainer.Step;

    /// <summary>Where the run reports checkpoints, skipped steps, the resume, evaluations and cancellation; none by default.</summary>
    public ILogger Logger { get => Trainer.Logger; set => Trainer.Logger = value; }

    /// <summary>
    /// Trains from <see cref="Step"/> to MaxSteps (<see cref="Training.Trainer.Train"/>): progress and evaluation lines
    /// (with bleu and chrf) on <paramref name="output"/>, checkpoints into <paramref name="checkpointDirectory"/>.
    /// </summary>
    /// <param name="output">Receives the progress and evaluation lines.</param>
    /// <param name="log">Receives the checkpoint and skipped-step lines (stderr in the CLI).</param>
    /// <param name="checkpointDirectory">Where checkpoints are written.</param>
    /// <param name="overwrite">Allow a new run to replace what the directory holds.</param>
    /// <param name="cancellationToken">When cancelled: the step finishes, a checkpoint is saved, <see cref="OperationCanceledException"/>.</param>
    /// <param name="progress">Receives every step; null: only the lines.</param>
    public TrainingResult Train(TextWriter output, TextWriter log, string checkpointDirectory, bool overwrite = false,
        CancellationToken cancellationToken = default, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(checkpointDirectory);
        return Trainer.Train(output, log, checkpointDirectory, overwrite, cancellationToken, progress);
    }

    /// <summary>
    /// BLEU and chrF of the greedy translations of the whole validation split (eval mode, no graph; the model's mode is
    /// restored after).
    /// </summary>
    public TranslationScores ScoreValidation(CancellationToken cancellationToken = default)
    {
        bool wasTraining = Model.IsTraining;
        Model.Eval();
        try
        {
            using var noGrad = Autograd.GradMode.NoGrad();
            return TranslationEvaluation.Score(Model, Tokenizer, ValidationPairs, Objective.BatchSize, Model.Config.MaxPositions, cancellationToken);
        }
        finally
        {
            Model.Train(wasTraining);
        }
    }

    /// <summary>Reads a checkpoint's MarianMT weights into <paramref name="model"/>; its config.json must describe the same shape.</summary>
    private static void LoadWeights(EncoderDecoderModel model, string directory)
    {
        var saved = MarianCheckpoint.Load(directory, model.Backend);
        if (saved.Config with { DropRate = model.Config.DropRate, AttentionDropRate = model.Config.AttentionDropRate } != model.Config)
            throw new CheckpointFormatException(Path.Combine(directory, MarianConfigJson.FileName),
                $"the saved model ({Describe(saved.Config)}) is not this run's ({Describe(model.Config)}).");
        var parameters = saved.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        foreach (var (name, parameter) in model.NamedParameters())
            parameters[name].Data.AsSpan().CopyTo(parameter.Data);
    }

    private static string Describe(EncoderDecoderConfig c) =>
        $"vocab {c.VocabSize}, d_model {c.ModelDim}, {c.EncoderLayers}+{c.DecoderLayers} layers, {c.EncoderHeads} heads, ffn {c.EncoderFfnDim}, {c.MaxPositions} positions";

    private static int[] Flatten(IEnumerable<Seq2SeqExample> examples) =>
        [.. examples.SelectMany(e => e.SourceIds.Append(-1).Concat(e.TargetIds).Append(-2))];
}
