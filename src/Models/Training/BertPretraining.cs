using System.Globalization;
using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Tokenization;

namespace LlmForge.Training;

/// <summary>
/// BERT masked-LM pretraining end to end: read the corpus, train (or load) a WordPiece tokenizer, tokenize, split
/// train / validation at the tail, build a BERT with its MLM head, train with <see cref="BertPretrainer"/> on
/// [CLS] window [SEP] rows masked 15% (80/10/10), and save a Hugging Face BERT directory (config.json,
/// model.safetensors, vocab.txt, tokenizer_config.json) at every checkpoint. The library entry of <c>llmforge pretrain-bert</c> and <c>llmforge train --variant bert-…</c>.
/// </summary>
public static class BertPretraining
{
    /// <summary>Runs one pretraining: progress lines go to <paramref name="log"/>, the model directory to <see cref="BertPretrainingSettings.OutputDirectory"/>.</summary>
    /// <param name="settings">Corpus, output directory, tokenizer, shape and training options.</param>
    /// <param name="backend">The backend the encoder computes on.</param>
    /// <param name="log">Receives the tokenizer, corpus, model, progress and "saved step N" lines.</param>
    /// <param name="cancellationToken">Cancelled: the current step finishes, is saved, and <see cref="OperationCanceledException"/> is thrown.</param>
    /// <returns>The steps run and the masked-token losses before and after training.</returns>
    /// <exception cref="InvalidDataException">The corpus is too short for one row in the training or the validation part.</exception>
    public static BertPretrainingResult Run(BertPretrainingSettings settings, ITensorBackend backend, TextWriter log, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(log);
        using var directoryLock = RunDirectoryLock.AcquireOrJoin(settings.OutputDirectory); // the output directory's problems show before the work
        string text = settings.CorpusText ?? TextFile.Read(settings.Corpus);
        int seed = unchecked((int)settings.Training.Seed);

        WordPieceTokenizer tokenizer;
        if (settings.TokenizerDirectory is { } dir)
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
        var model = new BertModel(config, backend, BertHeads.MaskedLanguageModel, seed, settings.Components);
        log.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"model: BERT {config.Layers} layers, hidden {config.HiddenSize}, {config.Heads} heads, intermediate {config.IntermediateSize}, " +
            $"{config.NormPosition.ToString().ToLowerInvariant()}-LN, {model.ParameterCount():N0} parameters, backend {backend.Name}"));

        var masker = new MlmMasker(tokenizer.VocabSize, tokenizer.MaskId, tokenizer.SpecialTokens.Values);
        MlmBatchSource Source(ReadOnlyMemory<int> tokens, bool shuffle, int s) => MlmBatchSource.FromTokenIds(
            tokens, settings.SequenceLength, settings.Training.BatchSize, masker, tokenizer.ClassificationId, tokenizer.SeparatorId, shuffle, s);
        var train = Source(trainIds, shuffle: true, seed);

        var trainer = new BertPretrainer(model, settings.Training);
        void Save(int step)
        {
            BertCheckpoint.Save(model, settings.OutputDirectory);
            tokenizer.Save(settings.OutputDirectory);
            log.WriteLine($"saved step {step} to {settings.OutputDirectory}");
        }
        return trainer.Run(train, () => Source(trainIds, shuffle: true, seed + 1), () => Source(validationIds, shuffle: false, seed + 2), log, Save, cancellationToken);
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
