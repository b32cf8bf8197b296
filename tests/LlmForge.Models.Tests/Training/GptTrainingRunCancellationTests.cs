using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tokenization;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>
/// <see cref="GptTrainingRun.Train"/> with a cancellation token (what the CLI's Ctrl-C cancels): the step in flight
/// finishes, a checkpoint of it is saved, <see cref="OperationCanceledException"/> follows, and resuming that
/// checkpoint to the end gives the straight run's bytes.
/// </summary>
public sealed class GptTrainingRunCancellationTests : IDisposable
{
    private static readonly string Text = string.Concat(Enumerable.Repeat("to be or not to be, that is the question.\n", 40));

    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    /// <summary>Cancels its source when the progress line of <c>step</c> is written: a progress callback at that step.</summary>
    private sealed class CancelAtStep(int step, CancellationTokenSource source) : StringWriter
    {
        public override void WriteLine(string? value)
        {
            base.WriteLine(value);
            if (value?.StartsWith($"step {step}/", StringComparison.Ordinal) == true) source.Cancel();
        }
    }

    internal static GptTrainingRun NewRun()
    {
        var tokenizer = CharTokenizer.FromCorpus(Text);
        var config = new GptConfig
        {
            VocabSize = tokenizer.VocabSize, ContextLength = 8, EmbeddingDim = 16, Layers = 1, Heads = 2,
            EmbeddingDropRate = 0.1f, AttentionDropRate = 0.1f, ResidualDropRate = 0.1f, TieWeights = false,
        };
        var options = new TrainingOptions
        {
            BatchSize = 2, MaxSteps = 8, LogInterval = 1, EvalInterval = 4, EvalBatches = 1, CheckpointInterval = 0,
            WarmupSteps = 1, DecaySteps = 8, Seed = 5,
        };
        return new GptTrainingRun(new GptModel(config, new ManagedBackend(), seed: 5), options, tokenizer,
            new GptRunDescription("tiny", TokenizerKinds.Char, null), tokenizer.Encode(Text).ToArray());
    }

    [Theory]
    [InlineData(3)]
    [InlineData(4)] // an evaluation step
    public void Cancelling_at_step_k_saves_step_k_and_resuming_it_ends_on_the_straight_runs_bytes(int k)
    {
        string straight = temp.File("straight"), cancelled = temp.File("cancelled");
        NewRun().Train(TextWriter.Null, TextWriter.Null, straight);

        using var source = new CancellationTokenSource();
        var run = NewRun();
        var log = new StringWriter();
        var e = Assert.Throws<OperationCanceledException>(() => run.Train(new CancelAtStep(k, source), log, cancelled, cancellationToken: source.Token));
        Assert.Equal(source.Token, e.CancellationToken);
        Assert.Equal(k, run.Step);
        Assert.Contains($"checkpoint step {k} -> {cancelled}", log.ToString());
        var state = TrainingCheckpoint.Load(cancelled);
        Assert.Equal(k, state.Step);
        Assert.False(File.Exists(Path.Combine(cancelled, RunDirectoryLock.FileName))); // released

        var resumed = NewRun();
        resumed.Resume(cancelled, state);
        resumed.Train(TextWriter.Null, TextWriter.Null, cancelled);
        foreach (string file in new[] { "model.safetensors", "optimizer.safetensors" })
            Assert.Equal(File.ReadAllBytes(Path.Combine(straight, file)), File.ReadAllBytes(Path.Combine(cancelled, file)));
    }

    [Fact]
    public void A_new_run_refuses_a_directory_holding_a_checkpoint_unless_told_to_overwrite_it()
    {
        string directory = temp.File("m");
        NewRun().Train(TextWriter.Null, TextWriter.Null, directory);
        byte[] weights = File.ReadAllBytes(Path.Combine(directory, "model.safetensors"));
        var e = Assert.Throws<CheckpointExistsException>(() => NewRun().Train(TextWriter.Null, TextWriter.Null, directory));
        Assert.Equal($"{directory}: already holds a training checkpoint at step 8; a new run would replace it: resume it, write elsewhere, or allow overwriting it", e.Message);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(directory, "model.safetensors")));
        NewRun().Train(TextWriter.Null, TextWriter.Null, directory, overwrite: true);
        Assert.Equal(weights, File.ReadAllBytes(Path.Combine(directory, "model.safetensors"))); // same seed, same bytes, and no refusal
    }
}
