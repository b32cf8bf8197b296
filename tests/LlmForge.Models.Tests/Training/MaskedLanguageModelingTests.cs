using LlmForge.Backends;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Tests.Bert;
using LlmForge.Tests.Checkpoints;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>The <see cref="Trainer"/> with the <see cref="MaskedLanguageModeling"/> objective: BERT's pretraining, its checkpoints and exact resume.</summary>
public sealed class MaskedLanguageModelingTests : IDisposable
{
    private const int Cls = 2, Sep = 3, Mask = 4;

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    // A corpus with structure: the token after 10 + k is always 10 + (k + 1) % 8, so a masked token is predictable.
    private static int[] Corpus(int length) => [.. Enumerable.Range(0, length).Select(i => 10 + i % 8)];

    internal static MlmBatchSource Source(int seed, bool shuffle = true) =>
        MlmBatchSource.FromTokenIds(Corpus(400), sequenceLength: 10, batchSize: 8,
            new MlmMasker(20, Mask, [0, 1, Cls, Sep, Mask]), Cls, Sep, shuffle, seed);

    internal static TrainingOptions Options(int steps) => new()
    {
        MaxSteps = steps, LearningRate = 1e-2f, MinLearningRate = 1e-3f, WarmupSteps = Math.Min(10, steps - 1), EvalInterval = 1000, EvalBatches = 4,
        LogInterval = 1000, CheckpointInterval = 0, WeightDecay = 0.01f,
    };

    /// <summary>Training batches of seed 1, train-loss batches of seed 2 and validation batches of seed 3 (the last two unshuffled).</summary>
    internal static MaskedLanguageModeling Objective(BertModel model) =>
        new(model, Source(1), Source(2, shuffle: false), Source(3, shuffle: false));

    /// <summary>Checkpoints of the model directory alone (no tokenizer), each save recorded in <paramref name="saved"/>.</summary>
    internal static CheckpointFiles Files(BertModel model, List<int>? saved = null, Func<int>? step = null) =>
        new("tiny", CheckpointFiles.WordPiece, new CorpusFingerprint(null, 400, "00"),
            directory => { saved?.Add(step!()); BertCheckpoint.Save(model, directory); }, directory => BertCheckpoint.Load(model, directory));

    [Fact]
    public void Training_lowers_the_masked_token_loss_and_checkpoints_at_the_end()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var saved = new List<int>();
        Trainer? trainer = null;
        trainer = new Trainer(Objective(model), Options(150), Files(model, saved, () => trainer!.Step));
        double initial = trainer.Evaluate(TrainingStream.Validation);
        var log = new StringWriter();
        var result = trainer.Train(log, log, temp.File("mlm"));
        Assert.Equal(150, result.Steps);
        Assert.True(result.ValidationLoss < 0.3 * initial, $"val loss {initial:F3} → {result.ValidationLoss:F3}");
        Assert.Equal([150], saved); // only at the end (CheckpointInterval 0)
        Assert.Contains("eval step 150: train_loss", log.ToString());
        Assert.Equal(MaskedLanguageModeling.ObjectiveKind, TrainingCheckpoint.Load(temp.File("mlm")).Objective);
    }

    [Fact]
    public void Same_seed_same_losses()
    {
        double[] Losses()
        {
            var model = new BertModel(BertTestModels.Small with { HiddenDropRate = 0.1f }, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 4);
            var trainer = new Trainer(new MaskedLanguageModeling(model, Source(7), Source(2), Source(3)), Options(5));
            return [.. Enumerable.Range(0, 5).Select(_ => trainer.TrainStep().Loss)];
        }
        Assert.Equal(Losses(), Losses());
    }

    [Fact]
    public void Every_evaluation_scores_the_same_masked_tokens()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var trainer = new Trainer(Objective(model), Options(5));
        Assert.Equal(trainer.Evaluate(TrainingStream.Validation), trainer.Evaluate(TrainingStream.Validation));
    }

    [Fact]
    public void A_non_finite_loss_stops_the_run_before_any_checkpoint()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        Array.Fill(model.NamedParameters().First().Parameter.Data, float.NaN);
        var saved = new List<int>();
        var trainer = new Trainer(Objective(model), Options(5), Files(model, saved, () => 0));
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Train(TextWriter.Null, TextWriter.Null, temp.File("nan")));
        Assert.Equal((1, "loss"), (e.Step, e.Quantity));
        Assert.Contains("Training:LearningRate (now 0.01)", e.Message);
        Assert.Equal((0, 0), (saved.Count, trainer.Step));
    }

    [Fact]
    public void Cancellation_finishes_the_step_saves_it_and_throws()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var saved = new List<int>();
        Trainer? trainer = null;
        trainer = new Trainer(Objective(model), Options(5), Files(model, saved, () => trainer!.Step));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => trainer.Train(TextWriter.Null, TextWriter.Null, temp.File("c"), cancellationToken: cancelled.Token));
        Assert.Equal([1], saved);
        Assert.Equal(1, trainer.Step);
    }

    [Fact]
    public void A_model_without_the_mlm_head_is_refused()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.SequenceClassification);
        Assert.Contains("no masked-LM head", Assert.Throws<ArgumentException>(() => Objective(model)).Message);
    }

    /// <summary>
    /// 8 steps straight against 4 steps, a checkpoint, a new process's worth of objects resuming it and 4 more steps:
    /// every parameter and every optimizer moment equal bit for bit, with dropout, gradient accumulation and an
    /// evaluation at step 4, and both checkpoints' model.safetensors and optimizer.safetensors byte-equal.
    /// </summary>
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Eight_steps_straight_equal_four_then_a_resume_then_four(string backendName)
    {
        var config = BertTestModels.Small with { HiddenDropRate = 0.1f, AttentionDropRate = 0.1f };
        var options = Options(8);
        options.GradientAccumulationSteps = 2;
        options.EvalInterval = 4;
        options.EvalBatches = 2;
        options.DecaySteps = 8;
        options.WarmupSteps = 2;
        Trainer New()
        {
            var model = new BertModel(config, TestBackends.Create(backendName), BertHeads.MaskedLanguageModel, seed: 9);
            return new Trainer(Objective(model), options, Files(model));
        }
        string straightDirectory = temp.File("straight"), resumedDirectory = temp.File("resumed");
        var straight = New();
        straight.Train(TextWriter.Null, TextWriter.Null, straightDirectory);

        var first = New();
        using var cancel = new CancellationTokenSource();
        var stopAtFour = new CancelAt(4, cancel);
        Assert.Throws<OperationCanceledException>(() =>
            first.Train(TextWriter.Null, TextWriter.Null, resumedDirectory, cancellationToken: cancel.Token, progress: stopAtFour));
        Assert.Equal(4, TrainingCheckpoint.Load(resumedDirectory).Step);

        var resumed = New();
        resumed.Resume(resumedDirectory, TrainingCheckpoint.Load(resumedDirectory));
        Assert.Equal(4, resumed.Step);
        resumed.Train(TextWriter.Null, TextWriter.Null, resumedDirectory);

        var expected = straight.Model.NamedParameters().ToList();
        var actual = resumed.Model.NamedParameters().ToList();
        Assert.Equal(expected.Select(p => p.Name), actual.Select(p => p.Name));
        for (int i = 0; i < expected.Count; i++)
            Assert.True(expected[i].Parameter.Data.AsSpan().SequenceEqual(actual[i].Parameter.Data), $"{expected[i].Name} differs");
        var expectedMoments = straight.Optimizer.State().ToList();
        var actualMoments = resumed.Optimizer.State().ToList();
        Assert.Equal(expectedMoments.Select(m => m.Name), actualMoments.Select(m => m.Name));
        for (int i = 0; i < expectedMoments.Count; i++)
            Assert.True(expectedMoments[i].Values.AsSpan().SequenceEqual(actualMoments[i].Values), $"{expectedMoments[i].Name} differs");
        Assert.Equal(straight.ValidationLoss, resumed.ValidationLoss);
        foreach (string file in new[] { BertCheckpoint.WeightsFileName, OptimizerStateFile.FileName })
            Assert.Equal(File.ReadAllBytes(Path.Combine(straightDirectory, file)), File.ReadAllBytes(Path.Combine(resumedDirectory, file)));
    }

    [Fact]
    public void A_checkpoint_of_another_objective_is_refused_naming_the_key()
    {
        var gpt = GptTrainingRunCancellationTests.NewRun();
        string directory = temp.File("gpt");
        gpt.Train(TextWriter.Null, TextWriter.Null, directory);
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var trainer = new Trainer(Objective(model), Options(8), Files(model));
        var e = Assert.Throws<CheckpointFormatException>(() => trainer.Resume(directory, TrainingCheckpoint.Load(directory)));
        Assert.Contains("key \"objective\" is causal-lm but this run's objective is masked-lm", e.Message);
    }

    /// <summary>Cancels its source when step <c>step</c> is reported.</summary>
    private sealed class CancelAt(int step, CancellationTokenSource source) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value)
        {
            if (value.Step == step) source.Cancel();
        }
    }
}
