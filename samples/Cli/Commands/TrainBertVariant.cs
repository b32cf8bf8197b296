using LlmForge.Backends;
using LlmForge.Cli.Commands.Bert;
using LlmForge.Hosting;
using LlmForge.Training;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge train --variant bert-mini</c>: a bert variant has no next-token objective, so train runs the masked-LM
/// pretraining of <c>pretrain-bert</c> (<see cref="BertPretraining"/>) with the variant's shape and kinds and the
/// configured Training section, and ends the same way: <c>val_loss=</c> the masked-token loss on the held-out tail.
/// It checkpoints as a GPT run does (every Training:CheckpointInterval steps and at the end, optimizer.safetensors and
/// trainer_state.json beside the BERT directory), and <c>--resume DIR</c> continues such a checkpoint exactly.
/// </summary>
internal static class TrainBertVariant
{
    /// <summary>WordPiece vocabulary trained when the variant leaves VocabSize at 0 (pretrain-bert's default).</summary>
    private const int DefaultVocabSize = 2000;

    public static int Run(ModelVariant variant, ITensorBackend backend, TrainingOptions training, string? corpusPath, string text,
        string outDir, string? resumeDir, TextWriter stdout, TrainArguments flags, CancellationToken cancellationToken = default,
        IProgress<TrainingProgress>? progress = null)
    {
        var settings = new BertPretrainingSettings
        {
            Corpus = corpusPath ?? "the default corpus",
            CorpusText = text,
            OutputDirectory = outDir,
            TokenizerDirectory = flags.BertVocabulary,
            LowerCase = !flags.Cased,
            ResumeDirectory = resumeDir,
            Variant = variant.Name,
            VocabSize = variant.Options.VocabSize > 0 ? variant.Options.VocabSize : DefaultVocabSize,
            // The vocabulary size and [PAD] id are the trained tokenizer's; BertPretraining fills them in.
            Model = variant.ToBertConfig(vocabSize: 1),
            SequenceLength = variant.Options.ContextLength,
            Training = training,
            Components = variant.BertComponents,
            SequenceLengthSetting = flags.NameOf($"{variant.Key}:{nameof(variant.Options.ContextLength)}"),
            ValidationFractionSetting = flags.NameOf($"{LlmForgeOptions.SectionName}:Training:{nameof(training.ValidationFraction)}"),
        };
        return BertPretrainingReport.Write(BertPretraining.Run(settings, backend, stdout, cancellationToken, progress), stdout);
    }
}
