using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>llmforge train --init-from DIR</c> (next-token training and <c>--objective instruct --data FILE</c>) through the
/// CLI entry point, on a tiny GPT with a small byte-level BPE saved in the test, and the one-line errors of flags that
/// do not go together.
/// </summary>
public sealed class TrainFromPretrainedTests : IDisposable
{
    private readonly TrainScratch dir = new("init-from");

    public void Dispose() => dir.Dispose();

    private static string Tasks => TinyPretrained.Tasks;

    private string Pretrained() => TinyPretrained.In(dir);

    private string Config() => dir.Write("small.json", """
        { "LlmForge": { "Training": { "BatchSize": 4, "EvalInterval": 4, "EvalBatches": 10, "LogInterval": 1, "CheckpointInterval": 0,
                                      "WarmupSteps": 1, "DecaySteps": 8, "LearningRate": 0.01 } } }
        """);

    private static JsonElement State(string directory) => JsonDocument.Parse(File.ReadAllText(Path.Combine(directory, "trainer_state.json"))).RootElement;

    [Fact]
    public void Instruct_tunes_a_pretrained_directory_prints_before_and_after_and_resumes()
    {
        string start = Pretrained(), output = dir.File("tuned");
        var (code, stdout, stderr) = Cli.Run("train", "--config", Config(), "--init-from", start, "--objective", "instruct", "--data", Tasks, "--steps", "4", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains($"initialized from '{start}' (", stderr);
        Assert.Contains(", gpt2 tokenizer): fresh optimizer and schedule", stderr);
        Assert.Contains("instruction data: 39 examples, 36 for training and 3 for validation (template alpaca", stderr);
        Assert.Matches(@"eval step 0: val_loss \d+\.\d{4} \(response tokens, before tuning\)", stdout);
        Assert.Contains("\nbefore: ", stdout);
        Assert.Contains("\nresponse: ", stdout);
        Assert.Matches(@"val_loss=\d+\.\d{4}\n$", stdout);
        var state = State(output);
        Assert.Equal(InstructionTuning.ObjectiveKind, state.GetProperty("objective").GetString());
        Assert.Equal(Path.GetFullPath(start), state.GetProperty("init_from").GetString());
        Assert.Equal(Path.GetFullPath(Tasks), state.GetProperty("corpus").GetProperty("path").GetString());

        // --resume continues with the checkpoint's data, objective and starting point
        var resumed = Cli.Run("train", "--config", Config(), "--resume", output, "--steps", "6");
        Assert.True(resumed.Code == 0, resumed.Err);
        Assert.Contains($"resumed '{output}' at step 4 of 6", resumed.Err);
        Assert.Equal(6, State(output).GetProperty("step").GetInt32());
        Assert.Equal(Path.GetFullPath(start), State(output).GetProperty("init_from").GetString());
    }

    [Fact]
    public void Next_token_training_starts_from_the_directory_and_keeps_its_tokenizer()
    {
        string start = Pretrained(), output = dir.File("lm");
        var (code, stdout, stderr) = Cli.Run("train", "--config", Config(), "--init-from", start, "--corpus", dir.Corpus(), "--steps", "2", "--out", output);
        Assert.True(code == 0, stderr);
        Assert.Contains("val_loss=", stdout);
        Assert.Equal(File.ReadAllText(Path.Combine(start, "vocab.json")), File.ReadAllText(Path.Combine(output, "vocab.json")));
        Assert.Equal(File.ReadAllText(Path.Combine(start, "config.json")), File.ReadAllText(Path.Combine(output, "config.json")));
        Assert.Equal(Path.GetFullPath(start), State(output).GetProperty("init_from").GetString());
    }

    public static TheoryData<string[], string> Conflicts => new()
    {
        { ["--init-from", "DIR", "--resume", "DIR"], "--init-from starts a new run and --resume continues one: give one of them" },
        { ["--init-from", "DIR", "--variant", "gpt-char"], "--variant does not go with --init-from: the shape and tokenizer are those of" },
        { ["--init-from", "DIR", "--tokenizer", "bpe"], "--tokenizer does not go with --init-from" },
        { ["--init-from", "DIR", "--objective", "instruct"], "--objective instruct needs --data FILE" },
        { ["--init-from", "DIR", "--data", "TASKS"], "--data is for --objective instruct" },
        { ["--objective", "instruct", "--data", "TASKS"], "--objective/--data/--template start from a pretrained model: give --init-from" },
        { ["--init-from", "DIR", "--objective", "instruct", "--data", "TASKS", "--corpus", "TASKS"], "--corpus is for --objective causal-lm" },
        { ["--init-from", "MISSING"], "--init-from 'MISSING': no such directory" },
    };

    [Theory, MemberData(nameof(Conflicts))]
    public void Flags_that_do_not_go_together_are_one_line(string[] args, string expected)
    {
        string start = Pretrained(), missing = dir.File("missing");
        string Resolve(string a) => a.Replace("DIR", start).Replace("TASKS", Tasks).Replace("MISSING", missing);
        var (code, stdout, stderr) = Cli.Run(["train", .. args.Select(Resolve), "--out", dir.File("out")]);
        Assert.Equal(2, code);
        Assert.Equal("", stdout);
        Assert.Contains(Resolve(expected), stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }

    [Fact]
    public void A_bad_data_line_names_the_file_line_and_key()
    {
        string data = dir.Write("bad.jsonl", "{\"instruction\": \"Say hi.\", \"output\": \"hi\"}\n{\"instruction\": \"Say bye.\"}\n");
        var (code, _, stderr) = Cli.Run("train", "--init-from", Pretrained(), "--objective", "instruct", "--data", data, "--out", dir.File("out"));
        Assert.Equal(1, code);
        Assert.Equal($"llmforge train: {data}: line 2: key \"output\" is missing.\n", stderr.Split("\n").Where(l => l.StartsWith("llmforge", StringComparison.Ordinal)).Select(l => l + "\n").Single());
    }
}
