using LlmForge.Bert;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Tests.Bert;
using LlmForge.Tokenization;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

public class BertClassifierTrainerTests
{
    private static readonly WordPieceTokenizer Tokenizer = new(
        ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "the", "day", "was", "good", "bad", "very", "a", "night", "and"]);

    // Sentiment by the word "good" / "bad" among filler words.
    private static List<LabelledText> Examples(int count, int seed)
    {
        var rng = new Random(seed);
        string[] filler = ["the", "day", "was", "very", "a", "night", "and"];
        return [.. Enumerable.Range(0, count).Select(i =>
        {
            bool positive = rng.Next(2) == 0;
            var words = Enumerable.Range(0, 3 + rng.Next(4)).Select(_ => filler[rng.Next(filler.Length)]).ToList();
            words.Insert(rng.Next(words.Count + 1), positive ? "good" : "bad");
            return new LabelledText(string.Join(' ', words), positive ? "pos" : "neg", i + 1);
        })];
    }

    [Fact]
    public void Fine_tuning_learns_a_keyword_task_and_predicts_it()
    {
        var config = BertTestModels.Small with { VocabSize = Tokenizer.VocabSize, Labels = ["neg", "pos"] };
        var model = new BertModel(config, BertTestModels.Backend, BertHeads.SequenceClassification, seed: 3);
        var trainer = new BertClassifierTrainer(model, Tokenizer, new BertClassifierOptions { Epochs = 8, BatchSize = 8, LearningRate = 3e-3f });
        var log = new StringWriter();
        var history = trainer.Train(Examples(96, 1), Examples(40, 2), log);
        Assert.Equal(8, history.Count);
        Assert.True(history[^1].Accuracy >= 0.95, log.ToString());
        Assert.Contains("epoch 8/8 | train_loss", log.ToString());
        var predictions = trainer.Predict(["the day was very good", "a bad night"]);
        Assert.Equal(["pos", "neg"], predictions.Select(p => p.Label));
        Assert.All(predictions, p => Assert.InRange(p.Probability, 0.5, 1));
    }

    [Fact]
    public void A_non_finite_loss_stops_fine_tuning_naming_the_settings_unless_a_skip_is_left()
    {
        var config = BertTestModels.Small with { VocabSize = Tokenizer.VocabSize, Labels = ["neg", "pos"] };
        var model = new BertModel(config, BertTestModels.Backend, BertHeads.SequenceClassification, seed: 3);
        Array.Fill(model.NamedParameters().First().Parameter.Data, float.NaN);
        var e = Assert.Throws<TrainingDivergedException>(() =>
            new BertClassifierTrainer(model, Tokenizer, new BertClassifierOptions { Epochs = 1, BatchSize = 8 }).Train(Examples(16, 1), null, new StringWriter()));
        Assert.Equal((1, "loss"), (e.Step, e.Quantity));
        Assert.Contains("BertClassifierOptions.LearningRate, now 0.0001", e.Message);

        var log = new StringWriter();
        e = Assert.Throws<TrainingDivergedException>(() =>
            new BertClassifierTrainer(model, Tokenizer, new BertClassifierOptions { Epochs = 1, BatchSize = 8, SkipNonFiniteSteps = 1 }).Train(Examples(16, 1), null, log));
        Assert.Contains("step 1: the loss is NaN: step skipped, no update (1 of 1 allowed skips used)", log.ToString());
        Assert.Contains("after skipping 1 such steps", e.Message);
    }

    [Fact]
    public void An_unknown_label_names_the_line()
    {
        var config = BertTestModels.Small with { VocabSize = Tokenizer.VocabSize, Labels = ["neg", "pos"] };
        var trainer = new BertClassifierTrainer(new BertModel(config, BertTestModels.Backend, BertHeads.SequenceClassification), Tokenizer, new());
        var e = Assert.Throws<ArgumentException>(() => trainer.Evaluate([new LabelledText("good", "meh", 7)]));
        Assert.Contains("line 7: label 'meh' is not one of the model's classes (neg, pos)", e.Message);
    }
}
