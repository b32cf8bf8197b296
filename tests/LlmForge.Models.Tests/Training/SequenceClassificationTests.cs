using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Tests.Bert;
using LlmForge.Tokenization;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>The <see cref="SequenceClassification"/> objective's streams: epochs of batches, whole-set evaluations, exact resume.</summary>
public class SequenceClassificationTests
{
    private static readonly WordPieceTokenizer Tokenizer = new(["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "good", "bad", "day"]);

    private static List<LabelledText> Texts(int count) =>
        [.. Enumerable.Range(0, count).Select(i => new LabelledText(i % 2 == 0 ? "good day" : "bad day", i % 2 == 0 ? "pos" : "neg", i + 1))];

    private static BertModel Model() => new(BertTestModels.Small with { VocabSize = Tokenizer.VocabSize, Labels = ["neg", "pos"] },
        BertTestModels.Backend, BertHeads.SequenceClassification, seed: 2);

    [Fact]
    public void An_epoch_is_every_text_once_in_batches_and_an_evaluation_weighs_every_text_once()
    {
        var objective = new SequenceClassification(Model(), Tokenizer, Texts(10), Texts(3), batchSize: 4, seed: 1);
        Assert.Equal((3, 3), (objective.BatchesPerEpoch, objective.EvaluationBatches));
        using (GradMode.NoGrad())
        {
            Assert.Equal([4.0, 4, 2, 4, 4, 2], Enumerable.Range(0, 6).Select(_ => objective.NextLoss(TrainingStream.Train).Weight));
            objective.BeginEvaluation(TrainingStream.Validation);
            Assert.Equal([3.0, 0, 0], Enumerable.Range(0, 3).Select(_ => objective.NextLoss(TrainingStream.Validation).Weight));
            objective.BeginEvaluation(TrainingStream.TrainEvaluation);
            Assert.Equal([4.0, 4, 2], Enumerable.Range(0, 3).Select(_ => objective.NextLoss(TrainingStream.TrainEvaluation).Weight));
        }
    }

    [Fact]
    public void A_restored_training_stream_draws_the_batches_the_first_would_have()
    {
        var model = Model();
        model.Eval();
        var first = new SequenceClassification(model, Tokenizer, Texts(10), null, batchSize: 3, seed: 5);
        var second = new SequenceClassification(model, Tokenizer, Texts(10), null, batchSize: 3, seed: 5);
        using (GradMode.NoGrad())
        {
            for (int i = 0; i < 5; i++) first.NextLoss(TrainingStream.Train); // into the second epoch
            second.RestoreStreams(first.CaptureStreams(), "s.json");
            for (int i = 0; i < 6; i++)
                Assert.Equal(first.NextLoss(TrainingStream.Train).Loss.Item(), second.NextLoss(TrainingStream.Train).Loss.Item());
        }
        var other = new SequenceClassification(model, Tokenizer, Texts(10), null, batchSize: 3, seed: 6);
        var e = Assert.Throws<CheckpointFormatException>(() => other.RestoreStreams(first.CaptureStreams(), "s.json"));
        Assert.Contains("key \"samplers.train.seed\" is 5 but this run's seed is 6", e.Message);
    }
}
