using System.Globalization;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Hosting;
using LlmForge.Training;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge train --variant transformer-mini --pairs FILE</c>: an encoder-decoder variant trains a translator on a
/// file of source&lt;TAB&gt;target pairs (<see cref="TranslationTrainingRun"/>): a BPE shared by both languages learned
/// from the training pairs (<c>--vocab-size</c>), teacher forcing with label smoothing (LlmForge:Translation), progress
/// and evaluations as a GPT run prints them plus <c>eval step N: bleu … chrf …</c>, metrics.jsonl and loss.png, and
/// checkpoints that are MarianMT model directories (config.json + model.safetensors) with the tokenizer's vocab.json +
/// merges.txt, optimizer.safetensors and trainer_state.json; <c>--resume DIR</c> continues one exactly. The output ends
/// with a few validation translations, <c>val_loss=…</c>, then <c>bleu=… chrf=…</c> over the whole validation split.
/// </summary>
internal static class TrainTranslationVariant
{
    /// <summary>Validation translations printed after training.</summary>
    private const int Samples = 3;

    public static int Run(ModelVariant variant, ITensorBackend backend, LlmForgeOptions configured, TrainArguments flags, TrainerState? resumed,
        string outDir, string? configPath, TextWriter stdout, TextWriter stderr)
    {
        const string Name = "train";
        if (flags.Corpus is not null || flags.Tokenizer is not null || flags.TokenizerDir is not null)
            throw new CliException($"{Name}: '{variant.Name}' is an encoder-decoder (translation) variant: it reads --pairs FILE (source<TAB>target lines) " +
                $"and learns its own BPE (--vocab-size); --{(flags.Corpus is not null ? "corpus" : flags.Tokenizer is not null ? "tokenizer" : "tokenizer-dir")} is for gpt and bert variants");
        string pairs = flags.Pairs ?? resumed?.Corpus.Path
            ?? throw new CliException($"{Name}: '{variant.Name}' is an encoder-decoder (translation) variant: give --pairs FILE (source<TAB>target lines)");
        if (resumed is not null && resumed.Objective != SequenceToSequence.ObjectiveKind)
            throw new CliException($"{Name}: '{flags.Resume}' is a {resumed.Objective} checkpoint, not a translation run's ({SequenceToSequence.ObjectiveKind})");
        var options = configured.Training;
        if (resumed is not null && resumed.Step >= options.MaxSteps)
            throw new CliException(
                $"{Name}: '{flags.Resume}' is at step {resumed.Step}, which already reaches MaxSteps {options.MaxSteps}: give --steps N above {resumed.Step} to train further");
        stderr.WriteLine($"variant {variant.Describe()}");

        // --out's problems show now, before any training work; the lock is held until the run ends.
        using var directoryLock = RunDirectoryLock.Acquire(outDir);
        bool inPlace = flags.Resume is not null && Path.GetFullPath(outDir) == Path.GetFullPath(flags.Resume);
        if (!flags.Overwrite && !inPlace && ExistingCheckpoint.Describe(outDir) is { } existing)
            throw new CliException($"{Name}: '{outDir}' already holds {existing}: continue it with --resume {outDir}, or pass --overwrite to replace it");

        TranslationTrainingRun run;
        try
        {
            run = TranslationTrainingRun.Create(new TranslationTrainingSettings
            {
                Variant = variant, PairsPath = pairs, VocabSize = flags.VocabSize, ResumeDirectory = flags.Resume,
                Training = options, Translation = configured.Translation,
            }, backend, stderr);
        }
        catch (Exception e) when (e is InvalidDataException or FileNotFoundException or ArgumentException)
        {
            throw new CliException($"{Name}: {e.Message}");
        }

        using var interrupt = new InterruptSignals(stderr);
        using var metrics = new TrainMetrics(outDir, resumed?.Step ?? 0, flags.Resume, options, stderr);
        TrainingResult result;
        try
        {
            result = run.Train(stdout, stderr, outDir, flags.Overwrite, interrupt.Token, metrics);
        }
        catch (OperationCanceledException) when (interrupt.Token.IsCancellationRequested)
        {
            metrics.Checkpointed();
            stderr.WriteLine($"llmforge {Name}: interrupted after step {metrics.Step} of {options.MaxSteps}: checkpoint saved in {outDir}; " +
                $"resume with: llmforge train --resume {outDir}{(configPath is null ? "" : $" --config {configPath}")}");
            return InterruptSignals.ExitCode;
        }
        stdout.WriteLine($"saved {outDir}");

        var scores = run.ScoreValidation();
        stdout.WriteLine("--- validation translations ---");
        for (int i = 0; i < Math.Min(Samples, run.ValidationPairs.Count); i++)
        {
            stdout.WriteLine($"source: {run.ValidationPairs[i].Source}");
            stdout.WriteLine($"  reference: {run.ValidationPairs[i].Target}");
            stdout.WriteLine($"  model:     {scores.Translations[i]}");
        }
        stdout.WriteLine(scores.Bleu);
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"val_loss={result.ValidationLoss:F4}"));
        stdout.WriteLine(string.Create(CultureInfo.InvariantCulture, $"bleu={scores.Bleu.Score:F2} chrf={scores.ChrF:F2}"));
        return 0;
    }
}
