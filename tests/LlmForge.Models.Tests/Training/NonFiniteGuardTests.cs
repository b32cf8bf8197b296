using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Data;
using LlmForge.Gpt;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tokenization;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>
/// The NaN / infinity policy: a non-finite step is never applied; SkipNonFiniteSteps bad steps are skipped and counted,
/// the next one stops the run; and a checkpoint is never written while any parameter or moment is not finite.
/// </summary>
public sealed class NonFiniteGuardTests : IDisposable
{
    private static readonly GptConfig Tiny = new()
    {
        VocabSize = 5, ContextLength = 4, EmbeddingDim = 8, Layers = 1, Heads = 2,
        EmbeddingDropRate = 0, AttentionDropRate = 0, ResidualDropRate = 0, TieWeights = false, QkvBias = false,
    };

    private const int Poisoned = 4; // the token whose embedding row is NaN: a batch holding it has a NaN loss

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Batches of tokens 0..3, except those listed in <paramref name="poisonedDraws"/> (0-based), which hold token 4.</summary>
    private sealed class Batches(params int[] poisonedDraws) : ITokenBatchSource
    {
        private readonly TokenBatch _batch = new(2, Tiny.ContextLength);
        private int _draw;

        public TokenBatch NextBatch()
        {
            bool poisoned = poisonedDraws.Contains(_draw);
            for (int i = 0; i < _batch.Inputs.Length; i++)
            {
                _batch.Inputs[i] = poisoned && i == 1 ? Poisoned : (i + _draw) % 4;
                _batch.Targets[i] = (i + _draw + 1) % 4;
            }
            _draw++;
            return _batch;
        }
    }

    private static Trainer Trainer(int skips, ITokenBatchSource source)
    {
        var model = new GptModel(Tiny, new ManagedBackend(), seed: 1);
        float[] embedding = model.GetParameter("tok_emb.weight").Data;
        for (int c = 0; c < Tiny.EmbeddingDim; c++) embedding[Poisoned * Tiny.EmbeddingDim + c] = float.NaN;
        return GptTrainers.Over(model, new TrainingOptions { BatchSize = 2, MaxSteps = 10, WarmupSteps = 0, SkipNonFiniteSteps = skips }, source);
    }

    private static float[] Weights(Trainer trainer) => [.. trainer.Gpt().GetParameter("out_head.weight").Data];

    [Fact]
    public void The_first_non_finite_loss_stops_before_the_update_naming_the_step_and_the_settings()
    {
        var trainer = Trainer(skips: 0, new Batches(2));
        
        trainer.TrainStep();
        trainer.TrainStep();
        float[] before = Weights(trainer);
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainStep());
        Assert.Equal((3, "loss"), (e.Step, e.Quantity));
        Assert.StartsWith("step 3: the loss is NaN: training diverged and stopped before saving anything of this step", e.Message);
        Assert.Contains("Training:LearningRate (now 0.001)", e.Message);
        Assert.Contains("Training:GradientClip (now 1; 0 = off)", e.Message);
        Assert.Contains("Training:SkipNonFiniteSteps (now 0)", e.Message);
        Assert.Equal(2, trainer.Step);
        Assert.Equal(before, Weights(trainer)); // no update from the bad step
    }

    [Fact]
    public void Allowed_skips_are_counted_and_take_no_update_then_the_next_bad_step_stops_the_run()
    {
        var trainer = Trainer(skips: 2, new Batches(1, 3, 5));
        var skipped = new List<string>();
        trainer.NonFinite.OnSkip = skipped.Add;
        
        trainer.TrainStep(); // draw 0
        trainer.TrainStep(); // draw 1 skipped, draw 2 applied
        Assert.Equal((2, 1), (trainer.Step, trainer.NonFinite.Skipped));
        Assert.Equal("step 2: the loss is NaN: step skipped, no update (1 of 2 allowed skips used)", Assert.Single(skipped));
        Assert.All(trainer.Model.NamedParameters().Where(p => p.Name != "tok_emb.weight"),
            p => Assert.Equal(-1, NonFiniteGuard.IndexOfNonFinite(p.Parameter.Data)));
        trainer.TrainStep(); // draw 3 skipped, draw 4 applied
        Assert.Equal((3, 2), (trainer.Step, trainer.NonFinite.Skipped));
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.TrainStep()); // draw 5: no skip left
        Assert.Contains("step 4: the loss is NaN", e.Message);
        Assert.Contains("after skipping 2 such steps", e.Message);
    }

    [Fact]
    public void A_checkpoint_of_a_non_finite_parameter_is_refused_and_the_directory_keeps_its_last_good_checkpoint()
    {
        var trainer = Trainer(skips: 1, new Batches(1));
        
        trainer.TrainStep();
        string directory = temp.File("ckpt");
        var good = GptTrainers.Over(new GptModel(Tiny, new ManagedBackend(), seed: 1), new TrainingOptions { BatchSize = 2, WarmupSteps = 0 }, new Batches());
        good.TrainStep();
        TrainingCheckpoint.Save(directory, good.Gpt(), new CharTokenizer("abcde"), good.Optimizer, State(good));
        var files = Directory.GetFiles(directory).ToDictionary(f => f, File.ReadAllBytes);

        var e = Assert.Throws<TrainingDivergedException>(() =>
            TrainingCheckpoint.Save(directory, trainer.Gpt(), new CharTokenizer("abcde"), trainer.Optimizer, State(trainer)));
        Assert.Equal("parameter 'tok_emb.weight'", e.Quantity);
        Assert.StartsWith($"step 1: parameter 'tok_emb.weight' holds NaN at index {Poisoned * Tiny.EmbeddingDim}: refusing to save", e.Message);
        Assert.Equal(files.Keys.Order(), Directory.GetFiles(directory).Order());
        foreach (var (path, bytes) in files) Assert.Equal(bytes, File.ReadAllBytes(path));
        Assert.Equal(1, TrainingCheckpoint.Load(directory).Step);
    }

    [Theory]
    [InlineData(double.PositiveInfinity, 1.0, "loss")]
    [InlineData(2.0, double.NaN, "gradient norm")]
    public void A_non_finite_gradient_norm_counts_as_a_bad_step_too(double loss, double norm, string quantity)
    {
        var guard = new NonFiniteGuard(0, "hint");
        Assert.True(guard.Admit(1, 2.0, 1.0));
        var e = Assert.Throws<TrainingDivergedException>(() => guard.Admit(7, loss, norm));
        Assert.Equal((7, quantity), (e.Step, e.Quantity));
        Assert.EndsWith("; hint.", e.Message);
    }

    private static TrainerState State(Trainer trainer) => new()
    {
        Step = trainer.Step, MaxSteps = 10, Seed = 1, Variant = "tiny", Tokenizer = TokenizerKinds.Char, Optimizer = "adamw",
        Corpus = new CorpusFingerprint(null, 10, "00"), 
        Streams = TrainingCheckpointTests.Streams(new(0, 1), new(0, 5), new(2, 4)),
        Dropout = DropoutCounters.Capture(trainer.Model),
    };
}
