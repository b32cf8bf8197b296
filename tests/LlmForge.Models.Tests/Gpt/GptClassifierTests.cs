using System.Text.Json.Nodes;
using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Tokenization;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Gpt;

public sealed class GptClassifierTests
{
    private static readonly string[] Spam = ["win cash now", "free prize claim now", "cash prize win", "claim free cash", "win a free prize now", "free cash now"];
    private static readonly string[] Ham = ["see you at lunch", "call me later", "lunch at noon?", "see you later", "are you at home", "call at noon"];

    private static readonly CharTokenizer Tokenizer = CharTokenizer.FromCorpus(string.Concat(Spam.Concat(Ham)) + "~");

    private static GptClassifier Classifier(int seed = 3) => new(new GptModel(new GptConfig
    {
        VocabSize = Tokenizer.VocabSize, ContextLength = 32, EmbeddingDim = 16, Layers = 1, Heads = 2,
        EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0,
    }, new ManagedBackend(), seed), ["ham", "spam"], padTokenId: Tokenizer.Encode("~")[0], seed);

    private static List<LabelledText> Examples() =>
        [.. Spam.Select((t, i) => new LabelledText(t, "spam", i + 1)).Concat(Ham.Select((t, i) => new LabelledText(t, "ham", i + 7)))];

    [Fact]
    public void LastTokenPooling_IgnoresPadding()
    {
        var classifier = new GptTextClassifier(Classifier(), Tokenizer);
        classifier.Model.Eval();
        using var _ = GradMode.NoGrad();
        var batch = classifier.Logits(["call me later", "win", "see you at lunch"]).Logits.Data; // rows padded to 16
        for (int i = 0; i < 3; i++)
        {
            string text = new[] { "call me later", "win", "see you at lunch" }[i];
            var alone = classifier.Logits([text]).Logits.Data;
            for (int c = 0; c < 2; c++)
                Assert.True(Math.Abs(alone[c] - batch[i * 2 + c]) <= 1e-5f, $"row {i} class {c}: {alone[c]} vs {batch[i * 2 + c]}");
        }
    }

    [Fact]
    public void LastTokenRows_AreTheLastOnesOfTheMask()
    {
        Assert.Equal([2, 4], GptClassifier.LastTokenRows([1, 1, 1, 0, 1, 0], 2, 3));
        Assert.Equal([1, 3], GptClassifier.LastTokenRows(null, 2, 2));
        Assert.Throws<ArgumentException>(() => GptClassifier.LastTokenRows([1, 0, 0, 0], 2, 2));
    }

    [Fact]
    public void Pooling_SendsTheGradientToTheLastTokenOnly()
    {
        var classifier = Classifier();
        var ids = Tokenizer.Encode("win cash").ToArray();
        var hidden = Tensor.Parameter(Tensor.Randn(new ManagedBackend(), 1, 1f, 1 * ids.Length, 16));
        var pooled = hidden.Embedding([ids.Length - 1], 1);
        pooled.Sum().Backward();
        for (int t = 0; t < ids.Length; t++)
            Assert.Equal(t == ids.Length - 1 ? 16f : 0f, hidden.Grad!.AsSpan(t * 16, 16).ToArray().Sum());
        Assert.NotNull(classifier);
    }

    [Fact]
    public void FineTuning_LowersTheLoss_AndLearnsTheClasses()
    {
        var classifier = Classifier();
        var trainer = new TextClassifierTrainer(new GptTextClassifier(classifier, Tokenizer),
            new BertClassifierOptions { Epochs = 12, BatchSize = 4, LearningRate = 1e-2f, WeightDecay = 0 });
        var before = trainer.Evaluate(Examples());
        var log = new StringWriter();
        var history = trainer.Train(Examples(), Examples(), log);
        var after = history[^1];
        Assert.True(after.Loss < before.Loss * 0.5, $"loss {before.Loss:F4} -> {after.Loss:F4}\n{log}");
        Assert.True(after.Accuracy >= 0.9, $"accuracy {after}");
        Assert.Contains("epoch 12/12", log.ToString());
        var predictions = trainer.Predict(["claim your free cash prize now", "see you at home later"]);
        Assert.Equal("spam", predictions[0].Label);
        Assert.Equal("ham", predictions[1].Label);
        Assert.InRange(predictions[0].Probability, 0.5, 1.0);
    }

    [Fact]
    public void Save_WritesGpt2ForSequenceClassification_AndLoadGivesTheSameLogits()
    {
        var classifier = Classifier(seed: 8);
        string dir = Path.Combine(Path.GetTempPath(), "llmforge-gptcls-" + Guid.NewGuid().ToString("N"));
        GptClassifierCheckpoint.Save(classifier, dir);
        var config = JsonNode.Parse(File.ReadAllText(Path.Combine(dir, "config.json")))!;
        Assert.Equal("GPT2ForSequenceClassification", (string?)config["architectures"]![0]);
        Assert.Equal("spam", (string?)config["id2label"]!["1"]);
        Assert.Equal(0, (int)config["label2id"]!["ham"]!);
        Assert.Equal(classifier.PadTokenId, (int)config["pad_token_id"]!);
        using (var file = SafeTensorsFile.Open(Path.Combine(dir, "model.safetensors")))
        {
            Assert.Equal([2, 16], file.GetEntry("score.weight").Shape);
            Assert.False(file.Contains("lm_head.weight"));
            Assert.True(file.Contains("transformer.h.0.attn.c_attn.weight"));
        }
        Assert.True(GptClassifierCheckpoint.IsClassifier(dir));

        var loaded = GptClassifierCheckpoint.Load(dir, new ManagedBackend());
        Assert.Equal(classifier.Labels, loaded.Labels);
        var texts = new[] { "win cash now", "call me" };
        Assert.Equal(Logits(classifier, texts), Logits(loaded, texts));

        var (relabelled, initialized) = GptClassifierCheckpoint.LoadForClassification(dir, new ManagedBackend(), ["a", "b", "c"]);
        Assert.Equal(["score.weight"], initialized);
        Assert.Equal([3, 16], relabelled.Score.Weight.Shape);
    }

    [Fact]
    public void CausalLmDirectory_LoadsAsAClassifier_WithANewScore()
    {
        var lm = Classifier().Model;
        string dir = Path.Combine(Path.GetTempPath(), "llmforge-gptlm-" + Guid.NewGuid().ToString("N"));
        Gpt2Checkpoint.Save(lm, dir);
        Assert.False(GptClassifierCheckpoint.IsClassifier(dir));
        var (classifier, initialized) = GptClassifierCheckpoint.LoadForClassification(dir, new ManagedBackend(), ["neg", "pos"]);
        Assert.Equal(["score.weight"], initialized);
        Assert.Equal(0, classifier.PadTokenId); // eos_token_id 50256 is outside this vocabulary: 0
        Assert.Equal(lm.GetParameter("trf_blocks.0.att.W_key.weight").Data, classifier.Model.GetParameter("trf_blocks.0.att.W_key.weight").Data);
        var e = Assert.Throws<CheckpointFormatException>(() => GptClassifierCheckpoint.Load(dir, new ManagedBackend()));
        Assert.Contains("not a sequence classifier", e.Message);
    }

    private static float[] Logits(GptClassifier classifier, IReadOnlyList<string> texts)
    {
        classifier.Eval();
        using var _ = GradMode.NoGrad();
        return (float[])new GptTextClassifier(classifier, Tokenizer).Logits(texts).Logits.Data.Clone();
    }
}
