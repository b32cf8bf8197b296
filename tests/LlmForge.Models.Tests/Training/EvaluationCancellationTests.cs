using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Tests.Bert;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>Evaluation loops take a cancellation token: a cancelled one throws before scoring and leaves the model's mode as it was.</summary>
public sealed class EvaluationCancellationTests
{
    [Fact]
    public void A_cancelled_gpt_evaluation_throws_and_restores_the_training_mode()
    {
        var run = GptTrainingRunCancellationTests.NewRun();
        var source = new LlmForge.Data.RandomWindowSampler(Enumerable.Range(0, 64).Select(i => i % 10).ToArray(), 2, 8, seed: 1);
        run.Model.Train();
        Assert.Throws<OperationCanceledException>(() => run.Trainer.Evaluate(source, 3, new CancellationToken(canceled: true)));
        Assert.True(run.Model.IsTraining);
        Assert.True(double.IsFinite(run.Trainer.Evaluate(source, 1, CancellationToken.None)));
    }

    [Fact]
    public void A_cancelled_bert_evaluation_throws_and_restores_the_training_mode()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var trainer = new BertPretrainer(model, BertPretrainerTests.Options(5));
        model.Train();
        Assert.Throws<OperationCanceledException>(() => trainer.Evaluate(BertPretrainerTests.Source(2), new CancellationToken(canceled: true)));
        Assert.True(model.IsTraining);
    }
}
