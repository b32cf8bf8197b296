using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using LlmForge.Tests.Samples;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// <c>llmforge train</c>'s metrics.jsonl and loss.png, and <c>llmforge plot</c>, on a tiny gpt-char (context 16, 2
/// layers of 32) that trains 8 steps in a fraction of a second, evaluating every 4 steps.
/// </summary>
public sealed class TrainMetricsTests : IDisposable
{
    private readonly TrainScratch dir = new("metrics");

    public void Dispose() => dir.Dispose();

    [Fact]
    public void Train_writes_one_line_per_step_with_the_printed_losses_and_eval_keys_on_eval_steps_and_a_loss_png()
    {
        string model = dir.File("m");
        var (code, stdout, stderr) = Train("--out", model, "--steps", "8");
        Assert.True(code == 0, stderr);
        Assert.Contains($"metrics -> {Path.Combine(model, "metrics.jsonl")}, loss.png\n", stderr);
        var lines = File.ReadAllLines(Path.Combine(model, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        Assert.Equal(Enumerable.Range(1, 8), lines.Select(l => l.GetProperty("step").GetInt32()));
        foreach (var line in lines)
        {
            int step = line.GetProperty("step").GetInt32();
            // the same loss as the step's printed line (LogInterval 1)
            string printed = stdout.Split('\n').Single(l => l.StartsWith($"step {step}/8 |", StringComparison.Ordinal));
            Assert.Contains($"| loss {line.GetProperty("loss").GetDouble().ToString("F4", CultureInfo.InvariantCulture)} |", printed);
            Assert.True(line.GetProperty("elapsed").GetDouble() >= 0);
            Assert.True(line.GetProperty("tokens_per_second").GetDouble() >= 0);
            Assert.True(line.GetProperty("lr").GetDouble() > 0);
            bool eval = step % 4 == 0;
            Assert.Equal(eval, line.TryGetProperty("val_loss", out var val));
            Assert.Equal(eval, line.TryGetProperty("train_loss", out var train));
            if (eval)
                Assert.Contains($"eval step {step}: train_loss {train.GetDouble().ToString("F4", CultureInfo.InvariantCulture)} val_loss {val.GetDouble().ToString("F4", CultureInfo.InvariantCulture)}", stdout);
        }
        PngFile.AssertValid(Path.Combine(model, "loss.png"), 900, 560);
    }

    [Fact]
    public void A_resumed_run_has_the_metrics_of_an_uninterrupted_one_apart_from_timings()
    {
        string straight = dir.File("straight"), split = dir.File("split");
        Assert.Equal(0, Train("--out", straight, "--steps", "8").Code);
        Assert.Equal(0, Train("--out", split, "--steps", "4").Code);
        var (code, _, stderr) = Cli.Run("train", "--config", Config(), "--resume", split, "--steps", "8");
        Assert.True(code == 0, stderr);
        Assert.Equal(WithoutTimings(straight), WithoutTimings(split));
    }

    [Fact]
    public void Plot_redraws_the_png_and_prints_a_summary_line()
    {
        string model = dir.File("m");
        var (code, stdout, stderr) = Train("--out", model, "--steps", "8");
        Assert.True(code == 0, stderr);
        string valLoss = stdout.TrimEnd().Split('\n')[^1]["val_loss=".Length..];
        var metrics = File.ReadAllLines(Path.Combine(model, "metrics.jsonl")).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
        var best = metrics.Where(m => m.TryGetProperty("val_loss", out _)).MinBy(m => m.GetProperty("val_loss").GetDouble());
        string last = metrics[^1].GetProperty("loss").GetDouble().ToString("F4", CultureInfo.InvariantCulture);

        string png = dir.File("pictures/curves.png");
        (code, stdout, stderr) = Cli.Run("plot", "--run", model, "--png", png);
        Assert.True(code == 0, stderr);
        Assert.Equal($"8 steps | last loss {last} | best val_loss {best.GetProperty("val_loss").GetDouble().ToString("F4", CultureInfo.InvariantCulture)} " +
            $"at step {best.GetProperty("step").GetInt32()} -> {png}\n", stdout);
        Assert.Equal(valLoss, metrics[^1].GetProperty("val_loss").GetDouble().ToString("F4", CultureInfo.InvariantCulture)); // the line train ends with
        PngFile.AssertValid(png, 900, 560);

        File.Delete(Path.Combine(model, "loss.png"));
        (code, stdout, stderr) = Cli.Run("plot", "--run", model);
        Assert.True(code == 0, stderr);
        Assert.EndsWith($" -> {Path.Combine(model, "loss.png")}\n", stdout);
        PngFile.AssertValid(Path.Combine(model, "loss.png"), 900, 560);
    }

    [Fact]
    public void Plot_errors_are_one_line_naming_the_directory_the_file_or_the_line()
    {
        AssertFails(2, "llmforge plot: --run is required");
        AssertFails(2, $"llmforge plot: --run '{dir.File("none")}': no such directory", "--run", dir.File("none"));
        string empty = dir.File("empty");
        Directory.CreateDirectory(empty);
        string metrics = Path.Combine(empty, "metrics.jsonl");
        AssertFails(1, $"llmforge plot: {metrics}: no such file", "--run", empty);
        File.WriteAllText(metrics, "{\"step\":1,\"loss\":2.5}\n{\"step\":2,\"loss\":2.4}\nnot json\n");
        AssertFails(1, $"llmforge plot: {metrics} line 3: ", "--run", empty);
        File.WriteAllText(metrics, "");
        AssertFails(1, $"llmforge plot: {metrics}: no steps recorded", "--run", empty);
    }

    [Fact]
    public void A_directory_holding_only_metrics_is_not_a_checkpoint_to_refuse()
    {
        string model = dir.File("m");
        Directory.CreateDirectory(model);
        File.WriteAllText(Path.Combine(model, "metrics.jsonl"), "{\"step\":1,\"loss\":2.5}\n{\"step\":2,\"loss\":2.4}\n");
        var (code, _, stderr) = Train("--out", model, "--steps", "2");
        Assert.True(code == 0, stderr);
        Assert.Equal(2, File.ReadAllLines(Path.Combine(model, "metrics.jsonl")).Length); // the new run's, not the old lines after them
        Assert.DoesNotContain("\"loss\":2.5}", File.ReadAllText(Path.Combine(model, "metrics.jsonl")));
    }

    private void AssertFails(int exitCode, string start, params string[] args)
    {
        var (code, stdout, stderr) = Cli.Run(["plot", .. args]);
        Assert.Equal(exitCode, code);
        Assert.Equal("", stdout);
        string[] lines = stderr.TrimEnd('\n').Split('\n');
        Assert.StartsWith(start, lines[0]);
        Assert.DoesNotContain("   at ", stderr);
    }

    /// <summary>metrics.jsonl's lines without the two timing keys.</summary>
    private static string[] WithoutTimings(string model) =>
        [.. File.ReadAllLines(Path.Combine(model, "metrics.jsonl")).Select(l =>
        {
            var node = JsonNode.Parse(l)!.AsObject();
            node.Remove("elapsed");
            node.Remove("tokens_per_second");
            return node.ToJsonString();
        })];

    private (int Code, string Out, string Err) Train(params string[] args) =>
        Cli.Run(["train", "--corpus", dir.Corpus(), "--seed", "3", "--config", Config(), .. args]);

    private string Config() => dir.Write("tiny.json", """
        {
          "LlmForge": {
            "Training": {
              "BatchSize": 2, "GradientAccumulationSteps": 2, "EvalInterval": 4, "EvalBatches": 2, "LogInterval": 1,
              "CheckpointInterval": 4, "WarmupSteps": 2, "DecaySteps": 8
            },
            "Variants": { "gpt-char": { "ContextLength": 16, "EmbeddingDim": 32, "Layers": 2, "Heads": 2, "Dropout": 0.1 } }
          }
        }
        """);
}
