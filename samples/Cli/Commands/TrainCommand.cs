using System.Globalization;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Data;
using LlmForge.Generation;
using LlmForge.Hosting;
using LlmForge.Tokenization;
using LlmForge.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge train [--variant NAME] [--config FILE] [--corpus FILE] [--out DIR] [--steps N] [--backend managed|mkl] [--seed S]
/// [--tokenizer char|gpt2|bpe] [--tokenizer-dir DIR] [--vocab-size N] [--resume DIR]</c>: the main job. Trains a GPT of a
/// named variant of appsettings.json (default gpt-char, nanoGPT's CPU "baby" shape: context 64, 4 layers, 4 heads,
/// 128 dims) on a text, checkpoints it (Hugging Face layout + optimizer.safetensors + trainer_state.json) every
/// Training:CheckpointInterval steps and at the end, prints a sample; the last line is <c>val_loss=…</c>.
/// <c>--resume DIR</c> continues such a checkpoint exactly. A bert variant runs masked-LM pretraining instead
/// (<see cref="TrainBertVariant"/>).
/// </summary>
public sealed class TrainCommand : ICommand
{
    public string Name => "train";

    public string Summary => "train a small GPT on a text and generate from it (or --resume a checkpoint)";

    public const string Usage = """
        usage: llmforge train [--config FILE] [--variant NAME] [--corpus FILE] [--out DIR] [--steps N] [--backend managed|mkl]
                              [--seed S] [--tokenizer char|gpt2|bpe] [--tokenizer-dir DIR] [--vocab-size N] [--resume DIR]

          --config FILE         a configuration overlay on appsettings.json (only the keys it sets)
          --variant NAME        a model variant of LlmForge:Variants (default: LlmForge:Variant, gpt-char)
          --corpus FILE         the UTF-8 text to train on (default: the .NET SDK's documentation prose)
          --out DIR             the checkpoint directory (default out/VARIANT; with --resume, the resumed DIR)
          --steps N             Training:MaxSteps, the step the run ends at
          --seed S              Training:Seed: initialization, data order, dropout
          --tokenizer KIND      char (default): the corpus's characters; gpt2: GPT-2's BPE from --tokenizer-dir
                                (encoder.json + vocab.bpe or vocab.json + merges.txt); bpe: a byte-level BPE learned
                                from the corpus, --vocab-size ids (default 512, at least 257)
          --resume DIR          continue the checkpoint in DIR exactly (its variant, seed, tokenizer, corpus and
                                MaxSteps unless given); --steps may raise MaxSteps

        A checkpoint (every Training:CheckpointInterval steps and at the end) is the Hugging Face model directory
        (config.json, model.safetensors, tokenizer files) plus optimizer.safetensors and trainer_state.json.
        The last line is val_loss=<number>.

        """;

    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        if (args is ["--help"] or ["-h"]) { stdout.Write(Usage); return 0; }
        var flags = CliArguments.Parse(Name, args);
        string? variantFlag = flags.String("variant"), backendFlag = flags.String("backend");
        int? stepsFlag = flags.Int("steps", min: 1);
        ulong? seedFlag = flags.ULong("seed");
        string? configPath = flags.String("config"), outFlag = flags.String("out"), corpusFlag = flags.String("corpus");
        string? tokenizerFlag = flags.Choice("tokenizer", [.. TokenizerKinds.All]);
        string? tokenizerDir = flags.String("tokenizer-dir");
        int? vocabSize = flags.Int("vocab-size");
        string? resumeDir = flags.String("resume");
        flags.RejectUnknown();

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
        var overrides = new Dictionary<string, string?>();
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
        stderr.WriteLine($"variant {variant.Describe()}");
        if (variant.IsBert && (resumed is not null || tokenizerFlag is not null || tokenizerDir is not null || vocabSize is not null))
            throw new CliException($"{Name}: --resume and --tokenizer/--tokenizer-dir/--vocab-size are for GPT variants; '{variant.Name}' is a bert variant (it trains a WordPiece vocabulary)");
        if (resumed is not null && resumed.Step >= options.MaxSteps)
            throw new CliException(
                $"{Name}: '{resumeDir}' is at step {resumed.Step}, which already reaches MaxSteps {options.MaxSteps}: give --steps N above {resumed.Step} to train further");

        string text;
        if (corpusPath is not null) text = TextFile.Read(corpusPath);
        else
        {
            var corpus = DefaultCorpus.Load();
            text = corpus.Text;
            stderr.WriteLine($"no --corpus: training on the .NET SDK's reference documentation prose ({corpus.Describe()})");
        }
        if (variant.IsBert) return TrainBertVariant.Run(variant, services.GetRequiredService<Backends.ITensorBackend>(), options, corpusPath, text, outDir, stdout);

        string kind = resumed?.Tokenizer ?? tokenizerFlag ?? TokenizerKinds.Char;
        ITokenizer tokenizer = resumeDir is not null
            ? TokenizerKinds.Load(kind, resumeDir)
            : TrainTokenizer.Create(Name, kind, text, tokenizerDir, vocabSize, stderr);
        int[] ids;
        try { ids = [.. tokenizer.Encode(text)]; }
        catch (ArgumentException e) when (resumed is not null) // only a char vocabulary can miss a character
        {
            throw new CliException($"{Name}: the corpus does not fit the checkpoint's {kind} tokenizer (resume with the corpus the run trained on): {e.Message}");
        }
        // The variant's shape and kinds (gpt-char by default: nanoGPT's baby GPT), with the tokenizer's vocabulary.
        var model = factory.CreateGpt(variant.Name, tokenizer.VocabSize, GptTrainingRun.DataSeed(options.Seed));
        var run = new GptTrainingRun(model, options, tokenizer,
            new GptRunDescription(variant.Name, kind, corpusPath is null ? null : Path.GetFullPath(corpusPath)), ids);
        if (resumed is not null) Resume(run, resumeDir!, resumed, stderr);
        stderr.WriteLine($"model: {model.ParameterCount():N0} parameters, vocab {tokenizer.VocabSize}, backend {model.Backend.Name}, {run.TrainTokens:N0} training tokens");

        double validationLoss = run.Train(stdout, stderr, outDir);
        stdout.WriteLine($"saved {outDir}");
        var generator = new TextGenerator(model.AsLanguageModel(), new SamplingOptions { Temperature = 0.8f, TopK = 200, Seed = options.Seed }, tokenizer.EndOfTextId);
        stdout.WriteLine("--- sample ---");
        generator.Complete(tokenizer, "\n", 200, stdout.Write);
        stdout.WriteLine();
        stdout.WriteLine($"val_loss={validationLoss.ToString("F4", CultureInfo.InvariantCulture)}");
        return 0;
    }

    private static void Resume(GptTrainingRun run, string directory, TrainerState state, TextWriter stderr)
    {
        var options = run.Options;
        run.Resume(directory, state);
        stderr.WriteLine($"resumed '{directory}' at step {state.Step} of {options.MaxSteps}");
        if (options.MaxSteps != state.MaxSteps && options.DecaySteps == 0)
            stderr.WriteLine($"note: MaxSteps {state.MaxSteps} -> {options.MaxSteps} stretches the cosine decay from here on " +
                "(Training:DecaySteps 0 follows MaxSteps); set Training:DecaySteps to keep one schedule");
    }
}
