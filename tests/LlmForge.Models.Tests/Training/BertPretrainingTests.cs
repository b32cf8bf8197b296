using LlmForge.Checkpoints;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tokenization;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>
/// <see cref="BertPretraining.Run"/>, the masked-LM pipeline end to end: WordPiece trained on the corpus (or read from a
/// directory), a tail held out, an encoder trained, and a Hugging Face BERT directory that loads back.
/// </summary>
public sealed class BertPretrainingTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private string Corpus()
    {
        string path = temp.File("corpus.txt");
        File.WriteAllText(path, string.Concat(Enumerable.Range(0, 300).Select(i => $"the king is good. the queen is {(i % 2 == 0 ? "kind" : "wise")}.\n")));
        return path;
    }

    private BertPretrainingSettings Settings(string corpus, string output, int steps = 30) => new()
    {
        Corpus = corpus, OutputDirectory = output, VocabSize = 40, SequenceLength = 16,
        Model = new BertConfig { Layers = 1, HiddenSize = 16, Heads = 2, IntermediateSize = 32, HiddenDropRate = 0f, AttentionDropRate = 0f },
        Training = new TrainingOptions
        {
            MaxSteps = steps, BatchSize = 8, LearningRate = 5e-3f, MinLearningRate = 5e-4f, WarmupSteps = 3, Beta2 = 0.999f,
            EvalInterval = steps, EvalBatches = 2, LogInterval = 10, Seed = 7,
        },
    };

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Trains_lowers_the_loss_and_saves_a_BERT_directory_that_loads(string backend)
    {
        string output = temp.File("model");
        var log = new StringWriter();
        var result = BertPretraining.Run(Settings(Corpus(), output), TestBackends.Create(backend), log);

        Assert.Equal(30, result.Steps);
        Assert.True(result.FinalValidationLoss < result.InitialValidationLoss,
            $"val loss {result.InitialValidationLoss:F4} → {result.FinalValidationLoss:F4}");
        Assert.Equal(["config.json", "model.safetensors", "optimizer.safetensors", "tokenizer_config.json", "trainer_state.json", "vocab.txt"],
            Directory.GetFiles(output).Select(Path.GetFileName).Order());
        Assert.Equal(30, TrainingCheckpoint.Load(output).Step);
        var tokenizer = WordPieceTokenizer.FromDirectory(output);
        var config = BertConfigJson.Load(Path.Combine(output, BertConfigJson.FileName));
        Assert.Equal(tokenizer.VocabSize, config.VocabSize);
        Assert.Equal(16, config.MaxPositions);
        Assert.True(BertCheckpoint.Check(output).Matches);
        string text = log.ToString();
        Assert.Contains($"tokenizer: trained a {tokenizer.VocabSize}-token WordPiece vocabulary on ", text);
        Assert.Contains("saved step 30 to " + output, text);
    }

    /// <summary>
    /// The library pipeline's resume: 8 steps straight against 4 steps then <see cref="BertPretrainingSettings.ResumeDirectory"/>
    /// to 8 (one cosine over 8 steps in both: DecaySteps 8) give the same model.safetensors and optimizer.safetensors bytes.
    /// </summary>
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Resuming_a_checkpoint_ends_on_the_straight_runs_bytes(string backend)
    {
        string corpus = Corpus(), straight = temp.File("straight"), resumed = temp.File("resumed");
        BertPretrainingSettings Steps(string output, int steps)
        {
            var settings = Settings(corpus, output, steps);
            settings.Training.DecaySteps = 8;
            settings.Training.EvalInterval = 4;
            settings.Training.GradientAccumulationSteps = 2;
            return settings with { Model = settings.Model with { HiddenDropRate = 0.1f } };
        }
        BertPretraining.Run(Steps(straight, 8), TestBackends.Create(backend), TextWriter.Null);
        BertPretraining.Run(Steps(resumed, 4), TestBackends.Create(backend), TextWriter.Null);
        var log = new StringWriter();
        var result = BertPretraining.Run(Steps(resumed, 8) with { ResumeDirectory = resumed }, TestBackends.Create(backend), log);

        Assert.Equal(8, result.Steps);
        Assert.Contains($"resumed '{resumed}' at step 4 of 8", log.ToString());
        Assert.Contains("eval step 4: val_loss ", log.ToString());
        foreach (string file in new[] { "model.safetensors", "optimizer.safetensors", "vocab.txt", "config.json" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, file)), File.ReadAllBytes(Path.Combine(resumed, file)));
    }

    [Fact]
    public void A_given_vocabulary_is_used_instead_of_training_one()
    {
        string first = temp.File("first"), second = temp.File("second");
        BertPretraining.Run(Settings(Corpus(), first, steps: 4), TestBackends.Create("Managed"), TextWriter.Null);
        var log = new StringWriter();
        BertPretraining.Run(Settings(Corpus(), second, steps: 4) with { TokenizerDirectory = first, VocabSize = 999 }, TestBackends.Create("Managed"), log);
        Assert.Equal(File.ReadAllText(Path.Combine(first, "vocab.txt")), File.ReadAllText(Path.Combine(second, "vocab.txt")));
        Assert.Contains("WordPiece tokens from " + Path.Combine(first, "vocab.txt"), log.ToString());
    }

    [Fact]
    public void A_corpus_too_short_for_one_row_names_the_settings_before_building_anything()
    {
        string tiny = temp.File("tiny.txt");
        File.WriteAllText(tiny, "the king is good.\n");
        var settings = Settings(tiny, temp.File("out")) with { SequenceLengthSetting = "Variants:bert-mini:ContextLength" };
        var e = Assert.Throws<InvalidDataException>(() => BertPretraining.Run(settings, TestBackends.Create("Managed"), TextWriter.Null));
        Assert.Contains($"the corpus '{tiny}' has ", e.Message);
        Assert.EndsWith("(ValidationFraction 0.1); Variants:bert-mini:ContextLength 16 needs at least 15 in each " +
            "([CLS] and [SEP] take two of its positions): give a longer corpus or a shorter sequence.", e.Message);
    }
}
