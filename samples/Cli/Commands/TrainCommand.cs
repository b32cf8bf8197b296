using System.Globalization;
using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Data;
using LlmForge.Generation;
using LlmForge.Gpt;
using LlmForge.Hosting;
using LlmForge.Tokenization;
using LlmForge.Training;
using LlmForge.Training.Optimizers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge train [--variant NAME] [--config FILE] [--corpus FILE] [--out DIR] [--steps N] [--backend managed|mkl] [--seed S]</c>:
/// the main job. Trains a character-level GPT of a named variant of appsettings.json (default gpt-char, nanoGPT's CPU
/// "baby" shape: context 64, 4 layers, 4 heads, 128 dims) on a text, saves it in the Hugging Face layout, prints a
/// sample; the last line is <c>val_loss=…</c>. A bert variant runs masked-LM pretraining instead (<see cref="TrainBertVariant"/>).
/// </summary>
public sealed class TrainCommand : ICommand
{
    public string Name => "train";

    public string Summary => "train a small GPT on a text and generate from it";

    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var flags = CliArguments.Parse(Name, args);
        // Flags are the last configuration source: they override --config, appsettings.json and LlmForge__* variables.
        var overrides = new Dictionary<string, string?>();
        if (flags.String("variant") is { } variantFlag) overrides["LlmForge:Variant"] = variantFlag;
        if (flags.String("backend") is { } backendFlag) overrides["LlmForge:Backend"] = backendFlag;
        if (flags.Int("steps", min: 1) is { } stepsFlag) overrides["LlmForge:Training:MaxSteps"] = stepsFlag.ToString(CultureInfo.InvariantCulture);
        if (flags.ULong("seed") is { } seedFlag) overrides["LlmForge:Training:Seed"] = seedFlag.ToString(CultureInfo.InvariantCulture);
        string? configPath = flags.String("config");
        string? outFlag = flags.String("out");
        string? corpusPath = flags.String("corpus");
        flags.RejectUnknown();

        using var services = CliServices.Build(CliConfiguration.Build(configPath, overrides));
        IModelFactory factory;
        TrainingOptions options;
        try
        {
            factory = services.GetRequiredService<IModelFactory>();
            options = services.GetRequiredService<IOptions<LlmForgeOptions>>().Value.Training;
        }
        catch (OptionsValidationException e) { throw new CliException($"{Name}: {e.Message}"); } // a configuration mistake is a user error
        var variant = factory.GetVariant();
        string outDir = outFlag ?? Path.Combine("out", variant.Name);
        stderr.WriteLine($"variant {variant.Describe()}");

        string text;
        if (corpusPath is not null) text = TextFile.Read(corpusPath);
        else
        {
            var corpus = DefaultCorpus.Load();
            text = corpus.Text;
            stderr.WriteLine($"no --corpus: training on the .NET SDK's reference documentation prose ({corpus.Describe()})");
        }
        if (variant.IsBert) return TrainBertVariant.Run(variant, services.GetRequiredService<ITensorBackend>(), options, corpusPath, text, outDir, stdout);
        var tokenizer = CharTokenizer.FromCorpus(text);
        int[] ids = tokenizer.Encode(text).ToArray();
        var (train, validation) = TrainValidationSplit.Split(ids, 1 - options.ValidationFraction);

        int seed = (int)(options.Seed & int.MaxValue);
        // The variant's shape and kinds (gpt-char by default: nanoGPT's baby GPT), with the character vocabulary.
        var model = factory.CreateGpt(variant.Name, tokenizer.VocabSize, seed);
        var backend = model.Backend;
        int context = model.Config.ContextLength;
        var named = model.NamedParameters().Select(p => new NamedParameter(p.Name, p.Parameter));
        var optimizer = new AdamW(ParameterGroup.ForWeightDecay(named, options.WeightDecay), options.Beta1, options.Beta2, options.Epsilon);
        int decaySteps = options.DecaySteps > 0 ? options.DecaySteps : options.MaxSteps;
        // A short run keeps its warm-up under a tenth of the decay, so the schedule stays a warm-up then a decay.
        var schedule = new WarmupCosineSchedule(options.LearningRate, options.MinLearningRate,
            Math.Min(options.WarmupSteps, decaySteps / 10), decaySteps);
        var trainBatches = new RandomWindowSampler(train, options.BatchSize, context, seed);
        var validationBatches = new RandomWindowSampler(validation, options.BatchSize, context, seed + 1);
        var progress = new TrainingProgress(stdout, options.MaxSteps, options.LogInterval);
        stderr.WriteLine($"model: {model.ParameterCount():N0} parameters, vocab {tokenizer.VocabSize}, backend {backend.Name}, {train.Length:N0} training tokens");

        double validationLoss = double.NaN;
        for (int step = 0; step < options.MaxSteps; step++)
        {
            float lr = (float)schedule.GetLearningRate(step);
            var batch = trainBatches.NextBatch();
            var (_, loss) = model.Forward(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength);
            loss.Backward();
            if (options.GradientClip > 0) GradientClipping.ClipGlobalNorm(optimizer.Parameters, options.GradientClip);
            optimizer.Step(lr);
            optimizer.ZeroGrad();
            progress.ReportStep(step + 1, loss.Item(), lr, batch.TokenCount);
            if ((step + 1) % options.EvalInterval == 0 || step + 1 == options.MaxSteps)
            {
                double trainLoss = Evaluate(model, trainBatches, options.EvalBatches);
                validationLoss = Evaluate(model, validationBatches, options.EvalBatches);
                progress.ReportEval(step + 1, trainLoss, validationLoss);
            }
        }

        Gpt2Checkpoint.Save(model, outDir);
        tokenizer.Save(outDir);
        stdout.WriteLine($"saved {outDir}");
        var generator = new TextGenerator(model.AsLanguageModel(), new SamplingOptions { Temperature = 0.8f, TopK = 200, Seed = options.Seed });
        stdout.WriteLine("--- sample ---");
        generator.Complete(tokenizer, "\n", 200, stdout.Write);
        stdout.WriteLine();
        stdout.WriteLine($"val_loss={validationLoss.ToString("F4", CultureInfo.InvariantCulture)}");
        return 0;
    }

    /// <summary>Mean loss over <paramref name="batches"/> batches, no graph, model in eval mode.</summary>
    private static double Evaluate(GptModel model, RandomWindowSampler source, int batches)
    {
        using var _ = GradMode.NoGrad();
        model.Eval();
        double sum = 0;
        for (int i = 0; i < batches; i++)
        {
            var batch = source.NextBatch();
            sum += model.Forward(batch.Inputs, batch.Targets, batch.BatchSize, batch.SequenceLength).Loss.Item();
        }
        model.Train();
        return sum / batches;
    }
}
