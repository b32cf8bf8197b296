using System.CommandLine;
using System.Globalization;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Cli.Parsing;
using LlmForge.Hosting;
using LlmForge.Training;

namespace LlmForge.Cli.Commands.Bert;

/// <summary>
/// <c>llmforge pretrain-bert</c>: an alias of <c>llmforge train --variant bert-mini</c> (<see cref="TrainCommand"/>, whose
/// bert path runs <see cref="BertPretraining"/>) that keeps its own flags: each shape or schedule flag sets the
/// configuration key it stands for, so a message about it still names the flag. The last line is
/// <c>val_loss=&lt;number&gt;</c>, the masked-token cross-entropy on the held-out tail.
/// </summary>
public sealed class PretrainBertCommand : ICommand
{
    public string Name => "pretrain-bert";

    public string Summary => "masked-LM pretraining of a BERT encoder on a text file: train --variant bert-mini with its own flags";

    public string Synopsis => "usage: llmforge pretrain-bert --corpus FILE --out DIR [flags]";

    public string Notes => """
        An alias of llmforge train --variant bert-mini: --corpus, --out, --steps, --seed, --backend and --overwrite are
        train's; the shape flags set LlmForge:Variants:bert-mini:* (--layers Layers, --hidden EmbeddingDim, --heads Heads,
        --intermediate InnerDim, --seq-len ContextLength, --pre-ln NormPosition, --dropout Dropout, --vocab-size VocabSize)
        and the schedule flags LlmForge:Training:* (--batch-size BatchSize, --lr LearningRate, ...), over appsettings.json
        and LlmForge__* variables. Unlike the variant it saves at the end only unless --checkpoint-interval N. Ctrl-C
        finishes the step, saves the model and exits 130; an --out that holds a model needs --overwrite.
        The defaults are the bert-mini variant's shape and schedule (llmforge train --variant bert-mini). On
        tinyshakespeare.txt (1,076,560 parameters) the masked-token validation loss goes 7.6010 -> 4.1138 after
        8000 steps (train 3.7058); README's BERT section gives the curve and fill-mask examples.
        """;

    private static readonly Option<string?> Corpus = Flag.Text("--corpus", "FILE", "UTF-8 text to pretrain on; its tail (--validation-fraction) is held out");
    private static readonly Option<string?> Out = Flag.Text("--out", "DIR", "where config.json, model.safetensors, vocab.txt, tokenizer_config.json go");
    private static readonly Option<string?> TokenizerDir = Flag.Text("--tokenizer-dir", "DIR", "use this vocab.txt instead of training a WordPiece vocabulary");
    private static readonly Option<int?> VocabSize = Flag.Int("--vocab-size", "N", "WordPiece vocabulary to train (default 2000)", min: 16, max: VariantSizes.MaxVocabSize);
    private static readonly Option<bool> Cased = Flag.Switch("--cased", "keep case and accents (default: lowercase, strip accents)");
    private static readonly Option<int?> Layers = Flag.Int("--layers", "N", "encoder blocks (default 4)", min: 1, max: VariantSizes.MaxLayers);
    private static readonly Option<int?> Hidden = Flag.Int("--hidden", "N", "hidden size (default 128)", min: 1, max: VariantSizes.MaxEmbeddingDim);
    private static readonly Option<int?> Heads = Flag.Int("--heads", "N", "attention heads (default 4)", min: 1, max: VariantSizes.MaxHeads);
    private static readonly Option<int?> Intermediate = Flag.Int("--intermediate", "N", "feed-forward inner size (default 512)", min: 1, max: VariantSizes.MaxInnerDim);
    private static readonly Option<int?> SeqLen = Flag.Int("--seq-len", "T",
        "tokens per row, [CLS] and [SEP] included (default 64) = max_position_embeddings", min: 3, max: VariantSizes.MaxContextLength);
    private static readonly Option<bool> PreLn = Flag.Switch("--pre-ln", "pre-LayerNorm blocks (default: post-LN, the original BERT)");
    private static readonly Option<float?> Dropout = Flag.Float("--dropout", "P", "hidden and attention dropout (default 0: on a small corpus it delays learning)", min: 0, max: 0.99f);
    private static readonly Option<int?> Steps = Flag.Int("--steps", "N", "optimizer steps (default 8000)", min: 1, max: TrainingOptionsValidator.MaxSteps);
    private static readonly Option<int?> BatchSize = Flag.Int("--batch-size", "B", "rows per step (default 32)", min: 1, max: TrainingOptionsValidator.MaxBatchSize);
    private static readonly Option<float?> LearningRate = Flag.Float("--lr", "LR", "peak learning rate (default 1e-3)", min: 0, max: (float)TrainingOptionsValidator.MaxLearningRate);
    private static readonly Option<float?> MinLearningRate = Flag.Float("--min-lr", "LR", "the cosine decay's floor (default 1e-4)", min: 0, max: (float)TrainingOptionsValidator.MaxLearningRate);
    private static readonly Option<int?> Warmup = Flag.Int("--warmup", "N", "linear warm-up steps (default 300; train caps it at a tenth of the steps)", min: 0, max: TrainingOptionsValidator.MaxSteps);
    private static readonly Option<float?> WeightDecay = Flag.Float("--weight-decay", "W", "AdamW decoupled weight decay on matrices (default 0.01)",
        min: 0, max: TrainingOptionsValidator.MaxWeightDecay);
    private static readonly Option<int?> EvalInterval = Flag.Int("--eval-interval", "N", "evaluate every N steps (default 1000)", min: 1, max: TrainingOptionsValidator.MaxSteps);
    private static readonly Option<int?> EvalBatches = Flag.Int("--eval-batches", "B", "batches per evaluation (default 20)", min: 1, max: TrainingOptionsValidator.MaxEvalBatches);
    private static readonly Option<float?> ValidationFraction = Flag.Float("--validation-fraction", "F", "held-out tail of the corpus (default 0.1)", min: 0.001f, max: 0.999f);
    private static readonly Option<int?> CheckpointInterval = Flag.Int("--checkpoint-interval", "N", "also save every N steps (default 0: at the end only)",
        min: 0, max: TrainingOptionsValidator.MaxSteps);
    private static readonly Option<int?> LogInterval = Flag.Int("--log-interval", "N", "progress line every N steps (default 10)", min: 1, max: TrainingOptionsValidator.MaxSteps);
    private static readonly Option<ulong?> Seed = Flag.ULong("--seed", "S", "initialization, data order, masks and dropout (default 1337)");
    private static readonly Option<bool> Overwrite = Flag.Switch("--overwrite", "replace the model already in --out (without it, such a directory is refused)");

    /// <summary>The variant whose masked-LM pretraining this command is.</summary>
    private const string Variant = "bert-mini";

    public IReadOnlyList<Option> Options { get; } =
    [
        Corpus, Out, TokenizerDir, VocabSize, Cased, Layers, Hidden, Heads, Intermediate, SeqLen, PreLn, Dropout, Steps, BatchSize,
        LearningRate, MinLearningRate, Warmup, WeightDecay, EvalInterval, EvalBatches, ValidationFraction, CheckpointInterval, LogInterval,
        Seed, BackendFlags.Backend, BackendFlags.Threads, Overwrite,
    ];

    public int Run(ParseResult a, TextWriter stdout, TextWriter stderr)
    {
        string corpus = a.Required(Corpus);
        string output = a.Required(Out);
        string? tokenizerDir = a.GetValue(TokenizerDir);
        if (!File.Exists(corpus)) throw new CliException($"{Name}: --corpus '{corpus}': no such file");
        if (tokenizerDir is not null) ModelDirectory.Require(Name, "tokenizer-dir", tokenizerDir);

        // The shape and schedule flags become the configuration keys they stand for, set like flags (over appsettings.json,
        // --config and LlmForge__* variables); a message about one of them names the flag.
        var settings = new Dictionary<string, string?>();
        var names = new Dictionary<string, string>();
        void Map<T>(Option<T> flag, string key, Func<T, string>? value = null)
        {
            if (a.GetResult(flag) is null) return;
            T given = a.GetValue(flag)!;
            settings[key] = value is not null ? value(given) : Convert.ToString(given, CultureInfo.InvariantCulture);
            names[key] = flag.Name;
        }
        string shape = $"{LlmForgeOptions.SectionName}:Variants:{Variant}", schedule = $"{LlmForgeOptions.SectionName}:Training";
        Map(VocabSize, $"{shape}:VocabSize");
        Map(Layers, $"{shape}:Layers");
        Map(Hidden, $"{shape}:EmbeddingDim");
        Map(Heads, $"{shape}:Heads");
        Map(Intermediate, $"{shape}:InnerDim");
        Map(SeqLen, $"{shape}:ContextLength");
        Map(PreLn, $"{shape}:NormPosition", pre => pre ? "pre" : "post");
        Map(Dropout, $"{shape}:Dropout");
        Map(BatchSize, $"{schedule}:BatchSize");
        Map(LearningRate, $"{schedule}:LearningRate");
        Map(MinLearningRate, $"{schedule}:MinLearningRate");
        Map(Warmup, $"{schedule}:WarmupSteps");
        Map(WeightDecay, $"{schedule}:WeightDecay");
        Map(EvalInterval, $"{schedule}:EvalInterval");
        Map(EvalBatches, $"{schedule}:EvalBatches");
        Map(ValidationFraction, $"{schedule}:ValidationFraction");
        // pretrain-bert saves at the end only unless asked; bert-mini checkpoints every 1000 steps.
        settings[$"{schedule}:CheckpointInterval"] = "0";
        Map(CheckpointInterval, $"{schedule}:CheckpointInterval");
        Map(LogInterval, $"{schedule}:LogInterval");
        Map(BackendFlags.Threads, $"{LlmForgeOptions.SectionName}:Threads");
        names[$"{shape}:ContextLength"] = SeqLen.Name;
        names[$"{schedule}:ValidationFraction"] = ValidationFraction.Name;

        return new TrainCommand().Run(new TrainArguments
        {
            Variant = Variant,
            Corpus = corpus,
            Out = output,
            Steps = a.GetValue(Steps),
            Seed = a.GetValue(Seed),
            Backend = a.GetValue(BackendFlags.Backend),
            Overwrite = a.GetValue(Overwrite),
            BertVocabulary = tokenizerDir,
            Cased = a.GetValue(Cased),
            Settings = settings,
            SettingNames = names,
        }, stdout, stderr);
    }
}
