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
/// <c>llmforge train --init-from DIR [--objective causal-lm|instruct] [--corpus FILE | --data FILE] …</c>: a new run
/// from a model directory's weights, shape and tokenizer, with a fresh optimizer and schedule — next-token training on
/// a corpus (<see cref="GptTrainingRun"/> with <see cref="GptTrainingSettings.InitFrom"/>), or instruction fine-tuning
/// on an instruction file (<see cref="InstructionTuningRun"/>) — and <c>--resume</c> of such a run (its trainer_state.json
/// has "init_from"). Ends as train does: <c>saved DIR</c>, a sample, <c>val_loss=…</c>. A BERT directory goes to
/// masked-LM pretraining (<see cref="TrainBertVariant"/>).
/// </summary>
internal static class TrainFromPretrained
{
    /// <summary>Whether the flags, or the checkpoint --resume names (its trainer_state.json has "init_from"), ask for this path.</summary>
    public static bool Applies(TrainArguments flags)
    {
        if (flags.Lora || flags.LoraRank is not null) return true;
        if (flags.InitFrom is not null || flags.Objective is not null || flags.Data is not null || flags.Template is not null) return true;
        string? state = flags.Resume is null ? null : Path.Combine(flags.Resume, TrainerStateJson.FileName);
        if (state is null || !File.Exists(state)) return false;
        try { return TrainerStateJson.Load(state).InitializedFrom is not null; }
        catch (CheckpointFormatException) { return false; } // train's own resume reports it
    }

    public static int Run(string name, TrainArguments flags, TextWriter stdout, TextWriter stderr)
    {
        if (flags.InitFrom is not null && flags.Resume is not null)
            throw new CliException($"{name}: --init-from starts a new run and --resume continues one: give one of them");
        if (flags.LoraRank is not null && !flags.Lora) throw new CliException($"{name}: --lora-rank sets the rank of --lora's adapters: add --lora");
        if (flags.Lora && flags.InitFrom is null) throw new CliException($"{name}: --lora trains adapters on a pretrained model: give --init-from DIR");
        TrainerState? resumed = flags.Resume is null ? null : TrainingCheckpoint.Load(ModelDirectory.Require(name, "resume", flags.Resume));
        // A resume continues the checkpoint's data unless --data says otherwise.
        if (flags.Data is null && resumed?.Objective == InstructionTuning.ObjectiveKind) flags = flags with { Data = resumed.Corpus.Path };
        string objective = CheckFlags(name, flags, resumed);
        bool instruct = objective == TrainObjectives.Instruct;
        string? initFrom = flags.InitFrom is { } dir ? ModelDirectory.Require(name, "init-from", dir) : null;
        // The model's family decides the objective's model: a causal LM, or a BERT for masked-LM training.
        string modelType = PretrainedModel.ReadModelType(initFrom ?? Lora.LoraTraining.ModelDirectoryOf(flags.Resume!, resumed!));
        bool encoder = PretrainedModel.EncoderModelTypes.Contains(modelType);
        if (encoder && flags.Lora) throw new CliException($"{name}: --lora adapts a causal LM (GPT-2, Llama family); '{initFrom}' holds a {modelType} model");
        if (encoder && instruct) throw new CliException($"{name}: --objective instruct trains a causal LM; '{initFrom}' holds a {modelType} model");

        var overrides = new Dictionary<string, string?>(flags.Settings);
        if (flags.Backend is not null) overrides["LlmForge:Backend"] = flags.Backend;
        if ((flags.Steps ?? resumed?.MaxSteps) is { } steps) overrides["LlmForge:Training:MaxSteps"] = steps.ToString(CultureInfo.InvariantCulture);
        if (flags.LoraRank is { } rank) overrides["LlmForge:Lora:Rank"] = rank.ToString(CultureInfo.InvariantCulture);
        if ((flags.Seed ?? resumed?.Seed) is { } seed) overrides["LlmForge:Training:Seed"] = seed.ToString(CultureInfo.InvariantCulture);
        using var services = CliServices.Build(CliConfiguration.Build(flags.Config, overrides));
        var factory = services.GetRequiredService<IModelFactory>();
        var configured = services.GetRequiredService<IOptions<LlmForgeOptions>>().Value;
        var options = configured.Training;
        var lora = flags.Lora ? configured.Lora : null;
        if (resumed is not null && resumed.Step >= options.MaxSteps)
            throw new CliException($"{name}: '{flags.Resume}' is at step {resumed.Step}, which already reaches MaxSteps {options.MaxSteps}: give --steps N above {resumed.Step} to train further");

        string outDir = flags.Out ?? flags.Resume ?? Path.Combine("out", $"{Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(initFrom!)))}-{objective}");
        using var directoryLock = RunDirectoryLock.Acquire(outDir);
        bool inPlace = flags.Resume is not null && Path.GetFullPath(outDir) == Path.GetFullPath(flags.Resume);
        if (!flags.Overwrite && !inPlace && ExistingCheckpoint.Describe(outDir) is { } existing)
            throw new CliException($"{name}: '{outDir}' already holds {existing}: continue it with --resume {outDir}, or pass --overwrite to replace it");

        using var interrupt = new InterruptSignals(stderr);
        using var metrics = new TrainMetrics(outDir, resumed?.Step ?? 0, flags.Resume, options, stderr);
        try
        {
            if (instruct) return Instruct(flags, initFrom, lora, options, factory, outDir, stdout, stderr, interrupt.Token, metrics);
            var (corpusPath, text) = Corpus(flags, resumed, stderr);
            return encoder
                ? MaskedLm(flags, initFrom, resumed, modelType, corpusPath, text, options, services.GetRequiredService<Backends.ITensorBackend>(), outDir, stdout, interrupt.Token, metrics)
                : CausalLm(flags, initFrom, lora, corpusPath, text, options, factory, outDir, stdout, stderr, interrupt.Token, metrics);
        }
        catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
        {
            metrics.Checkpointed();
            stderr.WriteLine($"llmforge {name}: interrupted after step {metrics.Step} of {options.MaxSteps}: checkpoint saved in {outDir}; " +
                $"resume with: llmforge train --resume {outDir}{(flags.Config is null ? "" : $" --config {flags.Config}")}");
            return InterruptSignals.ExitCode;
        }
    }

    /// <summary>The objective, after refusing flags that do not go together; one line naming them.</summary>
    private static string CheckFlags(string name, TrainArguments flags, TrainerState? resumed)
    {
        string? resumedObjective = resumed is null ? null
            : resumed.Objective == InstructionTuning.ObjectiveKind ? TrainObjectives.Instruct : TrainObjectives.CausalLm;
        string objective = flags.Objective ?? resumedObjective ?? TrainObjectives.CausalLm;
        if (flags.InitFrom is null && resumed is null)
            throw new CliException($"{name}: --objective/--data/--template start from a pretrained model: give --init-from DIR");
        string? conflicting = flags.Variant is not null ? "--variant" : flags.Tokenizer is not null ? "--tokenizer"
            : flags.TokenizerDir is not null ? "--tokenizer-dir" : flags.VocabSize is not null ? "--vocab-size" : null;
        if (conflicting is not null)
            throw new CliException($"{name}: {conflicting} does not go with {(flags.InitFrom is not null ? "--init-from" : "--resume of a run started with --init-from")}: " +
                $"the shape and tokenizer are those of '{flags.InitFrom ?? flags.Resume}' (its config.json and tokenizer files)");
        if (resumedObjective is not null && objective != resumedObjective)
            throw new CliException($"{name}: --objective {objective} differs from the checkpoint's objective ({resumed!.Objective} in {Path.Combine(flags.Resume!, TrainerStateJson.FileName)})");
        if (objective == TrainObjectives.Instruct)
        {
            if (flags.Data is null) throw new CliException($"{name}: --objective instruct needs --data FILE (.jsonl or a JSON array of instruction/input/output objects)");
            if (flags.Corpus is not null) throw new CliException($"{name}: --corpus is for --objective causal-lm; instruction data is --data FILE");
        }
        else if (flags.Data is not null || flags.Template is not null)
        {
            throw new CliException($"{name}: --{(flags.Data is not null ? "data" : "template")} is for --objective instruct");
        }
        return objective;
    }

    private static int Instruct(TrainArguments flags, string? initFrom, Lora.LoraOptions? lora, TrainingOptions options, IModelFactory factory, string outDir,
        TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, TrainMetrics metrics)
    {
        var run = InstructionTuningRun.Create(new InstructionTuningSettings
        {
            DataPath = flags.Data!, InitFrom = initFrom, ResumeDirectory = flags.Resume, Training = options,
            Template = flags.Template ?? AlpacaPromptTemplate.TemplateName, Lora = lora,
        }, factory, stderr);
        // Validation examples answered before and after tuning (greedy): the first one shown, up to 100 scored by exact match.
        var lines = run.Objective.ValidationExamples.Select(e => e.Line).Take(ScoredExamples).ToHashSet();
        var scored = InstructionDataFile.Read(flags.Data!).Where(e => lines.Contains(e.Line)).ToList();
        var example = scored[0];
        string Respond() => run.Responder.Respond(example.Instruction, example.Input, maxNewTokens: 32).ReplaceLineEndings("\\n");
        string ExactMatch() => $"exact match {run.Responder.ExactMatches(scored)}/{scored.Count} validation examples";
        string? before = null;
        if (flags.Resume is null)
        {
            double initial = run.Trainer.Evaluate(TrainingStream.Validation);
            stdout.WriteLine($"eval step 0: val_loss {initial.ToString("F4", CultureInfo.InvariantCulture)} (response tokens, before tuning), {ExactMatch()}");
            before = Respond();
        }
        var result = run.Train(stdout, stderr, outDir, flags.Overwrite, cancellationToken, metrics);
        stdout.WriteLine($"saved {outDir}");
        if (run.Adapters is not null) stdout.WriteLine(Lora.LoraTraining.MergeHint(run.Start.Directory, outDir));
        stdout.WriteLine($"--- sample (validation line {example.Line}) ---");
        stdout.WriteLine($"instruction: {example.Instruction}{(example.Input.Length > 0 ? $" | input: {example.Input}" : "")}");
        stdout.WriteLine($"expected: {example.Output}");
        if (before is not null) stdout.WriteLine($"before: {before}");
        stdout.WriteLine($"response: {Respond()}");
        stdout.WriteLine($"after tuning: {ExactMatch()}");
        stdout.WriteLine($"val_loss={result.ValidationLoss.ToString("F4", CultureInfo.InvariantCulture)}");
        return 0;
    }

    /// <summary>--corpus, the resumed run's corpus, or the default corpus.</summary>
    private static (string? Path, string Text) Corpus(TrainArguments flags, TrainerState? resumed, TextWriter stderr)
    {
        string? corpusPath = flags.Corpus ?? resumed?.Corpus.Path;
        if (corpusPath is not null) return (corpusPath, TextFile.Read(corpusPath));
        var corpus = DefaultCorpus.Load();
        stderr.WriteLine($"no --corpus: training on the .NET SDK's reference documentation prose ({corpus.Describe()})");
        return (null, corpus.Text);
    }

    /// <summary>A BERT directory: masked-LM training from its weights (<see cref="BertPretraining"/>), ending as pretrain-bert does.</summary>
    private static int MaskedLm(TrainArguments flags, string? initFrom, TrainerState? resumed, string modelType, string? corpusPath, string text,
        TrainingOptions options, Backends.ITensorBackend backend, string outDir, TextWriter stdout, CancellationToken cancellationToken, TrainMetrics metrics)
    {
        // pretrain-bert's --seq-len (a variant's ContextLength key) when given; the directory's max_position_embeddings caps it.
        int sequenceLength = flags.Settings.Where(s => s.Key.EndsWith(":ContextLength", StringComparison.Ordinal))
            .Select(s => int.Parse(s.Value!, CultureInfo.InvariantCulture)).FirstOrDefault(DefaultBertSequenceLength);
        var result = BertPretraining.Run(new BertPretrainingSettings
        {
            Corpus = corpusPath ?? "the default corpus", CorpusText = text, OutputDirectory = outDir, InitFrom = initFrom, ResumeDirectory = flags.Resume,
            Variant = resumed?.Variant ?? modelType, SequenceLength = sequenceLength, Training = options,
        }, backend, stdout, cancellationToken, metrics);
        return Bert.BertPretrainingReport.Write(result, stdout);
    }

    /// <summary>Validation examples the exact-match figure answers (each a greedy generation).</summary>
    private const int ScoredExamples = 100;

    /// <summary>Tokens per masked-LM row when no --seq-len is given (capped at the directory's max_position_embeddings).</summary>
    private const int DefaultBertSequenceLength = 128;

    private static int CausalLm(TrainArguments flags, string? initFrom, Lora.LoraOptions? lora, string? corpusPath, string corpusText, TrainingOptions options, IModelFactory factory,
        string outDir, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken, TrainMetrics metrics)
    {
        var text = TokenizerCorpus.FromText(corpusText);
        var run = GptTrainingRun.Create(new GptTrainingSettings
        {
            Variant = "pretrained", Corpus = text, CorpusPath = corpusPath, InitFrom = initFrom, ResumeDirectory = flags.Resume, Training = options, Lora = lora,
        }, factory, stderr);
        double validationLoss = run.Train(stdout, stderr, outDir, flags.Overwrite, cancellationToken, metrics);
        return WriteEnding(run, options, outDir, validationLoss, stdout);
    }

    /// <summary>How a GPT run of train ends: "saved DIR", a 200-token sample from "\n", and the last line val_loss=….</summary>
    internal static int WriteEnding(GptTrainingRun run, TrainingOptions options, string outDir, double validationLoss, TextWriter stdout)
    {
        stdout.WriteLine($"saved {outDir}");
        if (run.Adapters is not null && run.Description.InitializedFrom is { } baseDirectory) stdout.WriteLine(Lora.LoraTraining.MergeHint(baseDirectory, outDir));
        var generator = new TextGenerator(run.Model.AsLanguageModel(), new SamplingOptions { Temperature = 0.8f, TopK = 200, Seed = options.Seed }, run.Tokenizer.EndOfTextId);
        stdout.WriteLine("--- sample ---");
        generator.Complete(run.Tokenizer, "\n", 200, stdout.Write);
        stdout.WriteLine();
        stdout.WriteLine($"val_loss={validationLoss.ToString("F4", CultureInfo.InvariantCulture)}");
        return 0;
    }
}
