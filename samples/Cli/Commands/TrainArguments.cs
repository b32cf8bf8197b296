using System.CommandLine;
using LlmForge.Cli.Parsing;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands;

/// <summary>
/// The parsed flags of <c>llmforge train</c> (<see cref="Flags"/> declares them), and the configuration keys an alias
/// sets on top (<c>pretrain-bert</c>'s shape and schedule flags, <see cref="Bert.PretrainBertCommand"/>).
/// </summary>
public sealed record TrainArguments
{
    public string? Config { get; init; }
    public string? Variant { get; init; }
    public string? Corpus { get; init; }
    public string? Pairs { get; init; }
    public string? Out { get; init; }
    public int? Steps { get; init; }
    public string? Backend { get; init; }
    public ulong? Seed { get; init; }
    public string? Tokenizer { get; init; }
    public string? TokenizerDir { get; init; }
    public int? VocabSize { get; init; }
    public string? Resume { get; init; }
    public bool Overwrite { get; init; }
    public string? InitFrom { get; init; }
    public string? Objective { get; init; }
    public string? Data { get; init; }
    public string? Template { get; init; }
    public bool Lora { get; init; }
    public int? LoraRank { get; init; }

    /// <summary>Configuration keys (<c>LlmForge:Training:BatchSize</c> → "64") set like flags, before the flags above.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    /// <summary>What set a key of <see cref="Settings"/>, for messages: <c>LlmForge:Variants:bert-mini:ContextLength</c> → <c>--seq-len</c>.</summary>
    public IReadOnlyDictionary<string, string> SettingNames { get; init; } = new Dictionary<string, string>();

    /// <summary>A bert variant's WordPiece vocabulary: a directory with vocab.txt (pretrain-bert's --tokenizer-dir); null trains one.</summary>
    public string? BertVocabulary { get; init; }

    /// <summary>A bert variant's vocabulary keeps case and accents (pretrain-bert's --cased).</summary>
    public bool Cased { get; init; }

    /// <summary>The name a message gives <paramref name="key"/>: the flag that set it, else the key itself.</summary>
    public string NameOf(string key) => SettingNames.GetValueOrDefault(key) ?? key;

    public static TrainArguments From(ParseResult parsed) => new()
    {
        Config = parsed.GetValue(Flags.Config),
        Variant = parsed.GetValue(Flags.Variant),
        Corpus = parsed.GetValue(Flags.Corpus),
        Pairs = parsed.GetValue(Flags.Pairs),
        Out = parsed.GetValue(Flags.Out),
        Steps = parsed.GetValue(Flags.Steps),
        Backend = parsed.GetValue(BackendFlags.Backend),
        Seed = parsed.GetValue(Flags.Seed),
        Tokenizer = parsed.GetValue(Flags.Tokenizer),
        TokenizerDir = parsed.GetValue(Flags.TokenizerDir),
        VocabSize = parsed.GetValue(Flags.VocabSize),
        Resume = parsed.GetValue(Flags.Resume),
        Overwrite = parsed.GetValue(Flags.Overwrite),
        InitFrom = parsed.GetValue(Flags.InitFrom),
        Objective = parsed.GetValue(Flags.Objective),
        Data = parsed.GetValue(Flags.Data),
        Template = parsed.GetValue(Flags.Template),
        Lora = parsed.GetValue(Flags.Lora),
        LoraRank = parsed.GetValue(Flags.LoraRank),
    };

    /// <summary>train's flags, in the order its help lists them.</summary>
    public static class Flags
    {
        public static Option<string?> Config { get; } = Flag.Text("--config", "FILE", "a configuration overlay on appsettings.json (only the keys it sets)");
        public static Option<string?> Variant { get; } = Flag.Text("--variant", "NAME", "a model variant of LlmForge:Variants (default: LlmForge:Variant, gpt-char)");
        public static Option<string?> Corpus { get; } = Flag.Text("--corpus", "FILE", "the UTF-8 text to train on (default: the .NET SDK's documentation prose)");
        public static Option<string?> Pairs { get; } = Flag.Text("--pairs", "FILE",
            "an encoder-decoder variant's training pairs: UTF-8 source<TAB>target lines (a held-out share scores val_loss, BLEU and chrF)");
        public static Option<string?> Out { get; } = Flag.Text("--out", "DIR", "the checkpoint directory (default out/VARIANT; with --resume, the resumed DIR)");
        public static Option<int?> Steps { get; } = Flag.Int("--steps", "N", "Training:MaxSteps, the step the run ends at", min: 1);
        public static Option<ulong?> Seed { get; } = Flag.ULong("--seed", "S", "Training:Seed: initialization, data order, dropout");
        public static Option<string?> Tokenizer { get; } = Flag.Choice("--tokenizer", "KIND",
            "char (default): the corpus's characters; gpt2: GPT-2's BPE from --tokenizer-dir (encoder.json + vocab.bpe or vocab.json + " +
            "merges.txt); bpe: a byte-level BPE learned from the corpus, --vocab-size ids (default 512, at least 257)", [.. TokenizerKinds.All]);
        public static Option<string?> TokenizerDir { get; } = Flag.Text("--tokenizer-dir", "DIR", "the GPT-2 tokenizer files of --tokenizer gpt2");
        public static Option<int?> VocabSize { get; } = Flag.Int("--vocab-size", "N", "the ids of --tokenizer bpe (default 512, at least 257)");
        public static Option<string?> Resume { get; } = Flag.Text("--resume", "DIR",
            "continue the checkpoint in DIR exactly (its variant, seed, tokenizer, corpus and MaxSteps unless given); --steps may raise MaxSteps");
        public static Option<bool> Overwrite { get; } = Flag.Switch("--overwrite",
            "let a new run replace the checkpoint or model already in its --out directory (without it, such a directory is refused: " +
            "resume it, or choose another --out)");

        public static Option<string?> InitFrom { get; } = Flag.Text("--init-from", "DIR",
            "start a new run from the weights, shape and tokenizer of a model directory (GPT-2, Llama family, BERT), fresh optimizer and schedule");
        public static Option<string?> Objective { get; } = Flag.Choice("--objective", "KIND",
            "causal-lm (default): next-token training on --corpus; instruct: instruction fine-tuning on --data (needs --init-from)",
            [.. TrainObjectives.All]);
        public static Option<string?> Data { get; } = Flag.Text("--data", "FILE",
            "--objective instruct's examples: .jsonl or a JSON array of {\"instruction\", \"input\", \"output\"} objects");
        public static Option<string?> Template { get; } = Flag.Choice("--template", "NAME",
            "--objective instruct's prompt template (default alpaca)", [.. Training.PromptTemplates.Names]);

        public static Option<bool> Lora { get; } = Flag.Switch("--lora",
            "with --init-from: train LoRA adapters (LlmForge:Lora: Rank, Alpha, Targets, Dropout) on the frozen model; saves PEFT's adapter directory");
        public static Option<int?> LoraRank { get; } = Flag.Int("--lora-rank", "N", "Lora:Rank, the adapters' rank (with --lora)", min: 1);

        public static IReadOnlyList<Option> All { get; } =
            [Config, Variant, Corpus, Pairs, Out, Steps, BackendFlags.Backend, Seed, Tokenizer, TokenizerDir, VocabSize, Resume, Overwrite, InitFrom, Objective, Data, Template,
             Lora, LoraRank];
    }
}
