using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Tests.Bert;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

public class BertPretrainerTests
{
    private const int Cls = 2, Sep = 3, Mask = 4;

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

    [Fact]
    public void Run_lowers_the_masked_token_loss_and_reports_it()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var trainer = new BertPretrainer(model, Options(150));
        var log = new StringWriter();
        int saved = 0;
        var result = trainer.Run(Source(1), () => Source(2, shuffle: false), () => Source(3, shuffle: false), log, _ => saved++);
        Assert.Equal(150, result.Steps);
        Assert.True(result.FinalValidationLoss < 0.3 * result.InitialValidationLoss,
            $"val loss {result.InitialValidationLoss:F3} → {result.FinalValidationLoss:F3}");
        Assert.Equal(1, saved); // only at the end (CheckpointInterval 0)
        Assert.Contains("eval step 150: train_loss", log.ToString());
    }

    [Fact]
    public void Same_seed_same_losses()
    {
        double[] Losses()
        {
            var model = new BertModel(BertTestModels.Small with { HiddenDropRate = 0.1f }, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 4);
            var trainer = new BertPretrainer(model, Options(5));
            var source = Source(7);
            return [.. Enumerable.Range(0, 5).Select(_ => trainer.TrainStep(source).Loss)];
        }
        Assert.Equal(Losses(), Losses());
    }

    [Fact]
    public void A_non_finite_loss_stops_the_run_before_any_checkpoint()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        Array.Fill(model.NamedParameters().First().Parameter.Data, float.NaN);
        var trainer = new BertPretrainer(model, Options(5));
        int saved = 0;
        var e = Assert.Throws<TrainingDivergedException>(() =>
            trainer.Run(Source(1), () => Source(2, shuffle: false), () => Source(3, shuffle: false), new StringWriter(), _ => saved++));
        Assert.Equal((1, "loss"), (e.Step, e.Quantity));
        Assert.Contains("Training:LearningRate (now 0.01)", e.Message);
        Assert.Equal((0, 0), (saved, trainer.Step));
    }

    [Fact]
    public void Cancellation_finishes_the_step_saves_it_and_throws()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var trainer = new BertPretrainer(model, Options(5));
        var saved = new List<int>();
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.Throws<OperationCanceledException>(() => trainer.Run(Source(1), () => Source(2, shuffle: false), () => Source(3, shuffle: false),
            new StringWriter(), saved.Add, cancelled.Token));
        Assert.Equal([1], saved);
        Assert.Equal(1, trainer.Step);
    }

    [Fact]
    public void A_model_without_the_mlm_head_is_refused()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.SequenceClassification);
        Assert.Contains("no masked-LM head", Assert.Throws<ArgumentException>(() => new BertPretrainer(model, Options(1))).Message);
    }
}
