using System.Globalization;
using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>What a BERT masked-LM pretraining run (<see cref="BertPretraining.Run"/>) measured: masked-token losses before the first and after the last step.</summary>
/// <param name="InitialValidationLoss">Mean masked-token cross-entropy on the validation batches before training (before this call's first step, when resumed).</param>
/// <param name="FinalTrainLoss">The same on training batches after the last step.</param>
/// <param name="FinalValidationLoss">The same on the validation batches after the last step.</param>
/// <param name="Steps">Optimizer steps done.</param>
/// <param name="Elapsed">Wall time of the run.</param>
public sealed record BertPretrainingResult(int Steps, double InitialValidationLoss, double FinalTrainLoss, double FinalValidationLoss, TimeSpan Elapsed);

/// <summary>
/// BERT masked-LM pretraining end to end: read the corpus, train (or load) a WordPiece tokenizer, tokenize, split
/// train / validation at the tail, build a BERT with its MLM head, train it with the <see cref="Trainer"/> and the
/// <see cref="MaskedLanguageModeling"/> objective on [CLS] window [SEP] rows masked 15% (80/10/10), and save a
/// checkpoint every <see cref="TrainingOptions.CheckpointInterval"/> steps and at the end: the Hugging Face BERT
/// directory (config.json, model.safetensors, vocab.txt, tokenizer_config.json) plus optimizer.safetensors and
/// trainer_state.json, which <see cref="BertPretrainingSettings.ResumeDirectory"/> continues exactly. The library entry
/// of <c>llmforge pretrain-bert</c> and <c>llmforge train --variant bert-…</c>.
/// </summary>
public static class BertPretraining
{
    /// <summary>Runs one pretraining: progress lines go to <paramref name="log"/>, the checkpoints to <see cref="BertPretrainingSettings.OutputDirectory"/>.</summary>
    /// <param name="settings">Corpus, output directory, tokenizer, shape and training options, and the checkpoint to resume.</param>
    /// <param name="backend">The backend the encoder computes on.</param>
    /// <param name="log">Receives the tokenizer, corpus, model, progress and "saved step N" lines.</param>
    /// <param name="cancellationToken">Cancelled: the current step finishes, is saved, and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <param name="progress">Receives every step as a <see cref="TrainingProgress"/>; null: only the lines.</param>
    /// <returns>The steps run and the masked-token losses before and after training.</returns>
    /// <exception cref="InvalidDataException">The corpus is too short for one row in the training or the validation part.</exception>
    /// <exception cref="Checkpoints.CheckpointFormatException">The checkpoint to resume is of another run (variant, seed, corpus, shape).</exception>
    public static BertPretrainingResult Run(BertPretrainingSettings settings, ITensorBackend backend, TextWriter log, CancellationToken cancellationToken = default,
        IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(log);
        using var directoryLock = RunDirectoryLock.AcquireOrJoin(settings.OutputDirectory); // the output directory's problems show before the work
        TrainerState? resumed = settings.ResumeDirectory is { } resume ? TrainingCheckpoint.Load(resume) : null;
        string text = settings.CorpusText ?? TextFile.Read(settings.Corpus);
        int seed = unchecked((int)settings.Training.Seed);

        // A run started from a pretrained directory (--init-from) loads its encoder from there, or, resuming, from the checkpoint.
        string? initializedFrom = resumed is not null ? resumed.InitializedFrom : settings.InitFrom is { } init ? Path.GetFullPath(init) : null;
        BertModel? pretrained = null;
        if (initializedFrom is not null)
        {
            string start = resumed is null ? settings.InitFrom! : settings.ResumeDirectory!;
            pretrained = BertCheckpoint.Load(start, backend, seed);
            if (pretrained.MlmHead is null)
                throw new InvalidDataException($"'{start}' holds a BERT without its masked-LM head (cls.predictions.*): masked-LM training needs one.");
            settings = settings with { SequenceLength = Math.Min(settings.SequenceLength, pretrained.Config.MaxPositions) };
            if (resumed is null) log.WriteLine($"initialized from '{start}': fresh optimizer and schedule");
        }

        WordPieceTokenizer tokenizer;
        if ((settings.ResumeDirectory ?? settings.InitFrom ?? settings.TokenizerDirectory) is { } dir)
        {
            tokenizer = WordPieceTokenizer.FromDirectory(dir);
            log.WriteLine($"tokenizer: {tokenizer.VocabSize} WordPiece tokens from {Path.Combine(dir, WordPieceTokenizerFiles.VocabFile)}");
        }
        else
        {
            tokenizer = WordPieceTrainer.Train(text, new WordPieceTrainerOptions { VocabSize = settings.VocabSize, LowerCase = settings.LowerCase });
            log.WriteLine($"tokenizer: trained a {tokenizer.VocabSize}-token WordPiece vocabulary on {settings.Corpus}");
        }

        int[] ids = [.. tokenizer.Encode(text, allowSpecialTokens: false)];
        var (trainIds, validationIds) = TrainValidationSplit.Split(ids, 1 - settings.Training.ValidationFraction);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"corpus: {ids.Length} tokens ({trainIds.Length} train, {validationIds.Length} validation), {ids.Count(i => i == tokenizer.UnknownId)} [UNK]"));

        CheckCorpusSize(settings, ids.Length, trainIds.Length, validationIds.Length);

        var config = settings.Model with
        {
            VocabSize = tokenizer.VocabSize, MaxPositions = settings.SequenceLength, PadTokenId = tokenizer.PaddingId, Labels = [],
        };
        var model = pretrained ?? new BertModel(config, backend, BertHeads.MaskedLanguageModel, seed, settings.Components);
        config = model.Config;
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model: BERT {config.Layers} layers, hidden {config.HiddenSize}, {config.Heads} heads, intermediate {config.IntermediateSize}, " +
            $"{config.NormPosition.ToString().ToLowerInvariant()}-LN, {model.ParameterCount():N0} parameters, backend {backend.Name}"));

        var masker = new MlmMasker(tokenizer.VocabSize, tokenizer.MaskId, tokenizer.SpecialTokens.Values);
        MlmBatchSource Source(ReadOnlyMemory<int> tokens, bool shuffle, int s) => MlmBatchSource.FromTokenIds(
            tokens, settings.SequenceLength, settings.Training.BatchSize, masker, tokenizer.ClassificationId, tokenizer.SeparatorId, shuffle, s);
        var objective = new MaskedLanguageModeling(model, Source(trainIds, shuffle: true, seed),
            Source(trainIds, shuffle: true, seed + 1), Source(validationIds, shuffle: false, seed + 2));
        string? corpusPath = settings.CorpusText is null || File.Exists(settings.Corpus) ? settings.Corpus : null;
        var files = CheckpointFiles.ForBert(model, tokenizer, settings.Variant, CorpusFingerprint.Of(corpusPath, ids)) with { InitializedFrom = initializedFrom };
        var trainer = new Trainer(objective, settings.Training, files) { CheckpointMessage = (step, directory) => $"saved step {step} to {directory}" };
        if (resumed is not null)
        {
            trainer.Resume(settings.ResumeDirectory!, resumed);
            log.WriteLine($"resumed '{settings.ResumeDirectory}' at step {resumed.Step} of {settings.Training.MaxSteps}");
        }

        double initial = trainer.Evaluate(TrainingStream.Validation);
        log.WriteLine(FormattableString.Invariant($"eval step {trainer.Step}: val_loss {initial:F4} (masked tokens, before training)"));
        // pretrain-bert has always written its model over what --out held; train --variant bert-… refuses before it gets here
        var result = trainer.Train(log, log, settings.OutputDirectory, overwrite: true, cancellationToken, progress);
        return new BertPretrainingResult(result.Steps, initial, result.TrainLoss, result.ValidationLoss, result.Elapsed);
    }

    /// <summary>
    /// Both parts must hold one row's corpus tokens (T − 2 between [CLS] and [SEP]) plus one, said with the settings
    /// that decide it before anything is built (the dataset would say only "needs at least MaxLength+1").
    /// </summary>
    private static void CheckCorpusSize(BertPretrainingSettings settings, int tokens, int train, int validation)
    {
        int needed = settings.SequenceLength - 1;
        if (train >= needed && validation >= needed) return;
        throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture,
            $"the corpus '{settings.Corpus}' has {tokens} tokens, {train} for training and {validation} for validation " +
            $"({settings.ValidationFractionSetting} {settings.Training.ValidationFraction}); {settings.SequenceLengthSetting} {settings.SequenceLength} " +
            $"needs at least {needed} in each ([CLS] and [SEP] take two of its positions): give a longer corpus or a shorter sequence."));
    }
}
