using System.Globalization;
using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Cli.Hosting;
using LlmForge.Data;
using LlmForge.Generation;
using LlmForge.Gpt;
using LlmForge.Tokenization;
using LlmForge.Training;
using LlmForge.Training.Optimizers;
using Microsoft.Extensions.Configuration;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge train [--config appsettings.json] [--corpus FILE] [--out DIR] [--steps N] [--backend managed|mkl] [--seed S]</c>:
/// the main job. Trains a character-level GPT (nanoGPT's CPU "baby" shape: context 64, 4 layers, 4 heads, 128 dims)
/// on a text, saves it in the Hugging Face layout, prints a sample; the last line is <c>val_loss=…</c>.
/// </summary>
public sealed class TrainCommand : ICommand
{
    public string Name => "train";

    public string Summary => "train a small GPT on a text and generate from it";

    public int Run(string[] args, TextWriter stdout, TextWriter stderr)
    {
        var flags = CliArguments.Parse(Name, args);
        var options = new TrainingOptions();
        if (flags.String("config") is { } configPath)
        {
            if (!File.Exists(configPath)) throw new FileNotFoundException($"{configPath}: configuration file not found", configPath);
            new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(configPath)).Build()
                .GetSection("LlmForge:Training").Bind(options);
        }
        options.MaxSteps = flags.Int("steps", min: 1) ?? options.MaxSteps;
        options.Seed = flags.ULong("seed") ?? options.Seed;
        var check = new TrainingOptionsValidator().Validate(null, options);
        if (check.Failed) throw new CliException($"{Name}: {check.FailureMessage}");
        string outDir = flags.String("out") ?? Path.Combine("out", "gpt-char");
        var backend = BackendFactory.FromArguments(flags);
        string? corpusPath = flags.String("corpus");
        flags.RejectUnknown();

        string text;
        if (corpusPath is not null) text = TextFile.Read(corpusPath);
        else
        {
            var corpus = DefaultCorpus.Load();
            text = corpus.Text;
            stderr.WriteLine($"no --corpus: training on the .NET SDK's reference documentation prose ({corpus.Describe()})");
        }
        var tokenizer = CharTokenizer.FromCorpus(text);
        int[] ids = tokenizer.Encode(text).ToArray();
        var (train, validation) = TrainValidationSplit.Split(ids, 1 - options.ValidationFraction);

        const int context = 64;
        var config = new GptConfig
        {
            VocabSize = tokenizer.VocabSize, ContextLength = context, EmbeddingDim = 128, Layers = 4, Heads = 4,
            EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0, TieWeights = false, QkvBias = false,
        };
        int seed = (int)(options.Seed & int.MaxValue);
        var model = new GptModel(config, backend, seed);
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
