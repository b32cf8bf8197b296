using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Hosting;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tests.Hosting;
using LlmForge.Tests.Training.Instructions;
using LlmForge.Tokenization;
using LlmForge.Training;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>
/// Starting a run from a model directory's weights (<see cref="PretrainedModel"/>, <see cref="GptTrainingSettings.InitFrom"/>,
/// <see cref="BertPretrainingSettings.InitFrom"/>, <see cref="InstructionTuningRun"/>): the weights and tokenizer are the
/// directory's, trainer_state.json records where the run started, and such runs resume exactly.
/// </summary>
public sealed class PretrainedStartTests : IDisposable
{
    private const string Text = "the king loves the queen and the queen loves the crown; the fool knows it well.\n";
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    private static TrainingOptions Options(int steps) => new()
    {
        BatchSize = 2, MaxSteps = steps, LogInterval = 1, EvalInterval = 3, EvalBatches = 1, CheckpointInterval = 0, WarmupSteps = 1, DecaySteps = 6, Seed = 9,
    };

    /// <summary>A tiny GPT with a tokenizer saved as a model directory; a BPE (which has an end-of-text token) or a char tokenizer.</summary>
    private string SavedGpt(string name, bool bpe = false, int context = 16)
    {
        ITokenizer tokenizer = bpe
            ? BpeTrainer.Train(string.Concat(InstructionFixtures.Tasks().Select(e => PromptTemplates.Alpaca.FormatPrompt(e) + e.Output)) + Text, new BpeTrainerOptions { VocabSize = 320 })
            : CharTokenizer.FromCorpus(Text);
        var model = new GptModel(new GptConfig
        {
            VocabSize = tokenizer.VocabSize, ContextLength = context, EmbeddingDim = 16, Layers = 1, Heads = 2,
            EmbeddingDropRate = 0.1f, AttentionDropRate = 0, ResidualDropRate = 0, TieWeights = false,
        }, TestBackends.Create("Managed"), seed: 4);
        string directory = temp.File(name);
        Gpt2Checkpoint.Save(model, directory);
        tokenizer.Save(directory);
        return directory;
    }

    private static ServiceProvider Services() => LlmForgeServices.Build(LlmForgeServices.SmallVariant());

    private static float[][] Weights(LlmForge.Layers.Module model) => [.. model.NamedParameters().Select(p => p.Parameter.Data.ToArray())];

    [Fact]
    public void A_directory_loads_as_its_model_and_tokenizer_and_other_families_are_named()
    {
        string gpt = SavedGpt("gpt");
        var pretrained = PretrainedModel.Load(gpt, TestBackends.Create("Managed"));
        Assert.True(pretrained.IsCausal);
        Assert.Equal(Weights(Gpt2Checkpoint.Load(gpt, TestBackends.Create("Managed"))), Weights(pretrained.Model));
        Assert.Equal(CharTokenizer.FromCorpus(Text).Encode(Text), pretrained.Tokenizer.Encode(Text));
        Assert.Equal(Path.GetFullPath(gpt), pretrained.Directory);

        var bert = PretrainedModel.Load(FixturePath.Of("bert-tiny"), TestBackends.Create("Managed"));
        Assert.Equal("bert", bert.ModelType);
        Assert.NotNull(bert.Bert);
        Assert.IsType<WordPieceTokenizer>(bert.Tokenizer);

        var marian = Assert.Throws<CheckpointFormatException>(() => PretrainedModel.Load(FixturePath.Of("marian-tiny"), TestBackends.Create("Managed")));
        Assert.Contains("key \"model_type\" is \"marian\"", marian.Message);
        Assert.Throws<DirectoryNotFoundException>(() => PretrainedModel.Load(temp.File("missing"), TestBackends.Create("Managed")));
    }

    [Fact]
    public void A_causal_lm_run_starts_from_the_directorys_weights_and_tokenizer_and_resumes_exactly()
    {
        string start = SavedGpt("start");
        using var services = Services();
        var factory = services.GetRequiredService<IModelFactory>();
        GptTrainingRun Run(int steps, string? resume = null) => GptTrainingRun.Create(new GptTrainingSettings
        {
            Variant = "v", Corpus = TokenizerCorpus.FromText(Text + Text + Text), InitFrom = resume is null ? start : null, ResumeDirectory = resume,
            Training = Options(steps),
        }, factory, TextWriter.Null);

        var fresh = Run(6);
        Assert.Equal(Weights(Gpt2Checkpoint.Load(start, TestBackends.Create("Managed"))), Weights(fresh.Model)); // not the variant's random init
        Assert.Equal(16, fresh.Model.Config.ContextLength); // the directory's shape, not variant v's
        Assert.Equal(0, fresh.Step);
        string straight = temp.File("straight"), resumed = temp.File("resumed");
        fresh.Train(TextWriter.Null, TextWriter.Null, straight);
        Run(3).Train(TextWriter.Null, TextWriter.Null, resumed);
        var state = TrainingCheckpoint.Load(resumed);
        Assert.Equal(Path.GetFullPath(start), state.InitializedFrom);
        Assert.Equal(TokenizerKinds.Char, state.Tokenizer);

        var again = Run(6, resume: resumed);
        again.Train(TextWriter.Null, TextWriter.Null, resumed);
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.safetensors")), File.ReadAllBytes(Path.Combine(resumed, "model.safetensors")));
        Assert.Equal(Path.GetFullPath(start), TrainingCheckpoint.Load(resumed).InitializedFrom); // a resume keeps it
    }

    [Fact]
    public void A_bert_directory_starts_masked_lm_training_from_its_weights_and_vocabulary()
    {
        string fixture = FixturePath.Of("bert-tiny"), output = temp.File("bert");
        var log = new StringWriter();
        BertPretraining.Run(new BertPretrainingSettings
        {
            Corpus = "corpus", CorpusText = string.Concat(Enumerable.Repeat("hello world, this is a small corpus. ", 40)), OutputDirectory = output,
            InitFrom = fixture, SequenceLength = 16, Training = Options(2),
        }, TestBackends.Create("Managed"), log);
        Assert.Contains($"initialized from '{fixture}'", log.ToString());
        var saved = BertConfigJson.Load(Path.Combine(output, "config.json"));
        var original = BertConfigJson.Load(Path.Combine(fixture, "config.json"));
        Assert.Equal((original.VocabSize, original.HiddenSize, original.Layers, original.MaxPositions), (saved.VocabSize, saved.HiddenSize, saved.Layers, saved.MaxPositions));
        Assert.Equal(File.ReadAllText(Path.Combine(fixture, "vocab.txt")).Split('\n', StringSplitOptions.RemoveEmptyEntries),
            File.ReadAllText(Path.Combine(output, "vocab.txt")).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(Path.GetFullPath(fixture), TrainingCheckpoint.Load(output).InitializedFrom);
    }

    [Fact]
    public void An_instruction_run_resumes_exactly_and_refuses_a_bert_directory()
    {
        string start = SavedGpt("bpe", bpe: true, context: 160);
        using var services = Services();
        var factory = services.GetRequiredService<IModelFactory>();
        InstructionTuningRun Run(int steps, string? resume = null) => InstructionTuningRun.Create(new InstructionTuningSettings
        {
            DataPath = InstructionFixtures.TasksPath, InitFrom = resume is null ? start : null, ResumeDirectory = resume,
            Training = Options(steps),
        }, factory, TextWriter.Null);

        string straight = temp.File("straight"), resumed = temp.File("resumed");
        Run(6).Train(TextWriter.Null, TextWriter.Null, straight);
        Run(3).Train(TextWriter.Null, TextWriter.Null, resumed);
        Run(6, resume: resumed).Train(TextWriter.Null, TextWriter.Null, resumed);
        Assert.Equal(File.ReadAllBytes(Path.Combine(straight, "model.safetensors")), File.ReadAllBytes(Path.Combine(resumed, "model.safetensors")));
        var state = TrainingCheckpoint.Load(resumed);
        Assert.Equal(InstructionTuning.ObjectiveKind, state.Objective);
        Assert.Equal(Path.GetFullPath(start), state.InitializedFrom);

        var e = Assert.Throws<ArgumentException>(() => InstructionTuningRun.Create(new InstructionTuningSettings
        {
            DataPath = InstructionFixtures.TasksPath, InitFrom = FixturePath.Of("bert-tiny"), Training = Options(2),
        }, factory, TextWriter.Null));
        Assert.Contains("holds a bert model (an encoder)", e.Message);
    }
}
