using System.CommandLine;
using System.Globalization;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Data;
using LlmForge.Hosting;
using LlmForge.Tokenization;
using LlmForge.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge train [--variant NAME] [--config FILE] [--corpus FILE] [--out DIR] [--steps N] [--backend managed|mkl] [--seed S]
/// [--tokenizer char|gpt2|bpe] [--tokenizer-dir DIR] [--vocab-size N] [--resume DIR] [--overwrite] [--init-from DIR]
/// [--objective causal-lm|instruct] [--data FILE] [--template NAME] [--lora] [--lora-rank N]</c>: the main job. Trains a GPT of a
/// named variant of appsettings.json (default gpt-char, nanoGPT's CPU "baby" shape: context 64, 4 layers, 4 heads,
/// 128 dims) on a text, checkpoints it (Hugging Face layout + optimizer.safetensors + trainer_state.json) every
/// Training:CheckpointInterval steps and at the end, prints a sample; the last line is <c>val_loss=…</c>.
/// <c>--resume DIR</c> continues such a checkpoint exactly. A bert variant runs masked-LM pretraining instead
/// (<see cref="TrainBertVariant"/>), with the same checkpoints and the same exact <c>--resume</c>. The work is the
/// library's: <see cref="GptTrainingRun.Create"/> and <see cref="GptTrainingRun.Train"/>, or <see cref="BertPretraining.Run"/>.
/// Before any training work the output directory is checked and locked (<see cref="RunDirectoryLock"/>), and a new run
/// refuses a directory that holds a checkpoint unless <c>--overwrite</c>. A NaN or infinite loss or gradient norm stops
/// the run (exit 1) before anything of it is saved. The first Ctrl-C (SIGINT or SIGTERM) finishes the step, saves a
/// checkpoint, prints how to resume and exits 130; a second one ends the process at once (<see cref="InterruptSignals"/>).
/// </summary>
public sealed class TrainCommand : ICommand
{
    public string Name => "train";

    public string Summary => "train a small GPT on a text and generate from it, or a translator on --pairs (or --resume a checkpoint)";

    public string Synopsis => """
        usage: llmforge train [--config FILE] [--variant NAME] [--corpus FILE | --pairs FILE] [--out DIR] [--steps N] [--backend managed|mkl]
                              [--seed S] [--tokenizer char|gpt2|bpe] [--tokenizer-dir DIR] [--vocab-size N] [--resume DIR]
                              [--overwrite]
               llmforge train --init-from DIR [--corpus FILE] [--out DIR] [--steps N] [--backend managed|mkl] [--seed S]
               llmforge train --init-from DIR --objective instruct --data FILE [--template alpaca|phi3] [--out DIR] [--steps N]
               llmforge train --init-from DIR --lora [--lora-rank N] [--corpus FILE | --objective instruct --data FILE] [--out DIR] [--steps N]
        """;

    public string Notes => """
        A checkpoint (every Training:CheckpointInterval steps and at the end) is the Hugging Face model directory
        (config.json, model.safetensors, tokenizer files) plus optimizer.safetensors and trainer_state.json.
        A run holds DIR/.llmforge.lock, so a second run into DIR fails at once. A NaN or infinite loss or gradient
        norm stops the run (exit 1) before anything of that step is saved; Training:SkipNonFiniteSteps N skips up
        to N such steps instead. Ctrl-C finishes the step, saves a checkpoint and exits 130 (twice: at once).
        The last line is val_loss=<number>; an encoder-decoder variant (transformer-mini) trains a translator on --pairs
        (source<TAB>target lines, a BPE learned from them) and adds bleu=<number> chrf=<number> after it.
        --init-from DIR starts a new run from a model directory's weights, shape (config.json) and tokenizer (GPT-2,
        Llama family: next-token training on --corpus; BERT: masked-LM training), with a fresh optimizer and schedule;
        trainer_state.json records "init_from". --objective instruct fine-tunes on instruction data (.jsonl or a JSON
        array of {"instruction", "input", "output"}): the loss is on response tokens only; a held-out share
        (Training:ValidationFraction, seeded) gives val_loss, and a validation example is answered before and after.
        --lora (with --init-from, a GPT-2 or Llama-family directory) freezes the model and trains LoRA adapters
        (LlmForge:Lora: Rank, Alpha, Targets attn.qkv/attn.proj/mlp, Dropout; --lora-rank N sets Rank); the checkpoint
        is PEFT's adapter_model.safetensors + adapter_config.json (base_model_name_or_path: the --init-from directory)
        with the tokenizer files, optimizer.safetensors and trainer_state.json, and the run ends by printing the
        merge-lora command that folds them into the base. --resume DIR continues it (the base from "init_from").
        """;

    public IReadOnlyList<Option> Options => TrainArguments.Flags.All;

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr) => Run(TrainArguments.From(parsed), stdout, stderr);

    public int Run(TrainArguments flags, TextWriter stdout, TextWriter stderr)
    {
        string? variantFlag = flags.Variant, backendFlag = flags.Backend;
        int? stepsFlag = flags.Steps;
        ulong? seedFlag = flags.Seed;
        string? configPath = flags.Config, outFlag = flags.Out, corpusFlag = flags.Corpus;
        string? tokenizerFlag = flags.Tokenizer;
        string? tokenizerDir = flags.TokenizerDir;
        int? vocabSize = flags.VocabSize;
        string? resumeDir = flags.Resume;
        bool overwrite = flags.Overwrite;

        if (TrainFromPretrained.Applies(flags)) return TrainFromPretrained.Run(Name, flags, stdout, stderr); // --init-from, --objective
        // A resume continues the saved run: its variant, seed, step target, tokenizer and corpus, unless a flag says otherwise.
        TrainerState? resumed = resumeDir is null ? null : TrainingCheckpoint.Load(ModelDirectory.Require(Name, "resume", resumeDir));
        if (resumed is not null)
        {
            if (tokenizerDir is not null || vocabSize is not null)
                throw new CliException($"{Name}: --{(tokenizerDir is not null ? "tokenizer-dir" : "vocab-size")} does not go with --resume: the tokenizer is the checkpoint's ({resumed.Tokenizer})");
            if (tokenizerFlag is not null && tokenizerFlag != resumed.Tokenizer)
                throw new CliException($"{Name}: --tokenizer {tokenizerFlag} differs from the checkpoint's tokenizer '{resumed.Tokenizer}' ({Path.Combine(resumeDir!, TrainerStateJson.FileName)} key \"tokenizer\")");
        }
        string? corpusPath = corpusFlag ?? resumed?.Corpus.Path;

        // Flags are the last configuration source: they override --config, appsettings.json and LlmForge__* variables.
        var overrides = new Dictionary<string, string?>(flags.Settings);
        if ((variantFlag ?? resumed?.Variant) is { } variantName) overrides["LlmForge:Variant"] = variantName;
        if (backendFlag is not null) overrides["LlmForge:Backend"] = backendFlag;
        if ((stepsFlag ?? resumed?.MaxSteps) is { } steps) overrides["LlmForge:Training:MaxSteps"] = steps.ToString(CultureInfo.InvariantCulture);
        if ((seedFlag ?? resumed?.Seed) is { } seed) overrides["LlmForge:Training:Seed"] = seed.ToString(CultureInfo.InvariantCulture);

        using var services = CliServices.Build(CliConfiguration.Build(configPath, overrides));
        IModelFactory factory;
        TrainingOptions options;
        try
        {
            factory = services.GetRequiredService<IModelFactory>();
            options = services.GetRequiredService<IOptions<LlmForgeOptions>>().Value.Training;
        }
        // A bad configuration file or variable is bad input: OptionsValidationException, one line naming every bad
        // key, exit 1. Only when every bad key is one a flag set (--variant gpt-9) is it a usage error, exit 2.
        catch (OptionsValidationException e) when (e.Failures.All(f => overrides.Keys.Any(k => f.StartsWith(k + " ", StringComparison.Ordinal) || f.StartsWith(k + ":", StringComparison.Ordinal))))
        {
            throw new CliException($"{Name}: {e.Message}");
        }
        var variant = factory.GetVariant();
        string outDir = outFlag ?? resumeDir ?? Path.Combine("out", variant.Name);
        if (variant.IsEncoderDecoder) // a translator learns from --pairs (TrainTranslationVariant)
            return TrainTranslationVariant.Run(variant, services.GetRequiredService<Backends.ITensorBackend>(),
                services.GetRequiredService<IOptions<LlmForgeOptions>>().Value, flags, resumed, outDir, configPath, stdout, stderr);
        if (flags.Pairs is not null)
            throw new CliException($"{Name}: --pairs is for encoder-decoder (translation) variants such as transformer-mini; '{variant.Name}' reads --corpus");
        stderr.WriteLine($"variant {variant.Describe()}");
        if (variant.IsBert && (tokenizerFlag is not null || tokenizerDir is not null || vocabSize is not null))
            throw new CliException($"{Name}: --tokenizer/--tokenizer-dir/--vocab-size are for GPT variants; '{variant.Name}' is a bert variant (it trains a WordPiece vocabulary)");
        if (resumed is not null && resumed.Step >= options.MaxSteps)
            throw new CliException(
                $"{Name}: '{resumeDir}' is at step {resumed.Step}, which already reaches MaxSteps {options.MaxSteps}: give --steps N above {resumed.Step} to train further");
        // --out's problems (a file, an unwritable path, another run writing there) show now, before any training work;
        // the lock is held until the run ends.
        using var directoryLock = RunDirectoryLock.Acquire(outDir);
        bool inPlace = resumeDir is not null && Path.GetFullPath(outDir) == Path.GetFullPath(resumeDir);
        if (!overwrite && !inPlace && ExistingCheckpoint.Describe(outDir) is { } existing)
            throw new CliException($"{Name}: '{outDir}' already holds {existing}: continue it with --resume {outDir}, or pass --overwrite to replace it");

        string kind = resumed?.Tokenizer ?? tokenizerFlag ?? TokenizerKinds.Char;
        // A byte-level BPE (gpt2, bpe) reads the corpus as bytes and encodes every one of them, valid UTF-8 or not;
        // the char tokenizer and BERT's WordPiece need text, and a corpus that is not UTF-8 is an error naming the offset.
        bool byteLevel = !variant.IsBert && kind is TokenizerKinds.Gpt2 or TokenizerKinds.Bpe;
        TokenizerCorpus text;
        if (corpusPath is not null)
        {
            text = byteLevel ? TokenizerCorpus.FromBytes(TextFile.ReadBytes(corpusPath)) : TokenizerCorpus.FromText(TextFile.Read(corpusPath));
        }
        else
        {
            var corpus = DefaultCorpus.Load();
            text = TokenizerCorpus.FromText(corpus.Text);
            stderr.WriteLine($"no --corpus: training on the .NET SDK's reference documentation prose ({corpus.Describe()})");
        }
        using var interrupt = new InterruptSignals(stderr);
        // metrics.jsonl and loss.png (opened once the run's inputs are checked; a resume continues the checkpoint's file)
        TrainMetrics Metrics() => new(outDir, resumed?.Step ?? 0, resumeDir, options, stderr);
        int Interrupted(TrainMetrics metrics)
        {
            metrics.Checkpointed(); // the interrupt saved a checkpoint of the last step
            stderr.WriteLine($"llmforge {Name}: interrupted after step {metrics.Step} of {options.MaxSteps}: checkpoint saved in {outDir}; " +
                $"resume with: llmforge train --resume {outDir}{(configPath is null ? "" : $" --config {configPath}")}");
            return InterruptSignals.ExitCode;
        }
        if (variant.IsBert)
        {
            using var bertMetrics = Metrics();
            try
            {
                return TrainBertVariant.Run(variant, services.GetRequiredService<Backends.ITensorBackend>(), options, corpusPath, text.Text!, outDir, resumeDir,
                    stdout, flags, interrupt.Token, bertMetrics);
            }
            catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
            {
                return Interrupted(bertMetrics);
            }
        }

        var settings = new GptTrainingSettings
        {
            Variant = variant.Name, Corpus = text, CorpusPath = corpusPath, ResumeDirectory = resumeDir, Training = options,
            Tokenizer = new TokenizerTrainingOptions
            {
                Kind = kind, Directory = tokenizerDir, VocabSize = vocabSize,
                KindSetting = "--tokenizer", DirectorySetting = "--tokenizer-dir", VocabSizeSetting = "--vocab-size",
            },
        };
        if (resumed is null && settings.Tokenizer.FindError() is { } error) throw new CliException($"{Name}: {error}");
        GptTrainingRun run;
        try { run = GptTrainingRun.Create(settings, factory, stderr); }
        catch (InvalidDataException e) when (resumed is not null)
        {
            throw new CliException($"{Name}: {e.Message}");
        }

        double validationLoss;
        using var metrics = Metrics();
        try
        {
            validationLoss = run.Train(stdout, stderr, outDir, overwrite, interrupt.Token, metrics);
        }
        catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
        {
            return Interrupted(metrics);
        }
        return TrainFromPretrained.WriteEnding(run, options, outDir, validationLoss, stdout);
    }
}
