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
        run.Model.Train();
        Assert.Throws<OperationCanceledException>(() => run.Trainer.Evaluate(TrainingStream.Validation, new CancellationToken(canceled: true)));
        Assert.True(run.Model.IsTraining);
        Assert.True(double.IsFinite(run.Trainer.Evaluate(TrainingStream.Validation, CancellationToken.None)));
    }

    [Fact]
    public void A_cancelled_bert_evaluation_throws_and_restores_the_training_mode()
    {
        var model = new BertModel(BertTestModels.Small, BertTestModels.Backend, BertHeads.MaskedLanguageModel, seed: 1);
        var trainer = new Trainer(MaskedLanguageModelingTests.Objective(model), MaskedLanguageModelingTests.Options(5));
        model.Train();
        Assert.Throws<OperationCanceledException>(() => trainer.Evaluate(TrainingStream.Validation, new CancellationToken(canceled: true)));
        Assert.True(model.IsTraining);
    }
}
