using System.CommandLine;
using LlmForge.Cli.Parsing;
using LlmForge.Plotting;
using LlmForge.Training;

namespace LlmForge.Cli.Commands;

/// <summary>
/// <c>llmforge plot --run DIR [--png FILE]</c>: redraws a training run's loss curves from DIR/metrics.jsonl (which
/// <c>llmforge train</c> writes, one JSON line per step) into DIR/loss.png or FILE (<see cref="TrainingCurves"/>), and
/// prints one summary line: <c>8 steps | last loss 2.7134 | best val_loss 2.6901 at step 8 -> DIR/loss.png</c>.
/// </summary>
public sealed class PlotCommand : ICommand
{
    public string Name => "plot";

    public string Summary => "draw a training run's loss curves (metrics.jsonl) as a PNG";

    public string Synopsis => "usage: llmforge plot --run DIR [--png FILE]";

    public string Notes => """
        DIR/metrics.jsonl holds one JSON object per step (step, loss, lr, tokens_per_second, elapsed, and
        train_loss/val_loss on evaluation steps); train writes it and redraws DIR/loss.png at every checkpoint.
        """;

    private static readonly Option<string?> RunDir = Flag.Text("--run", "DIR", "a training run's directory (llmforge train --out), holding metrics.jsonl");
    private static readonly Option<string?> Png = Flag.Text("--png", "FILE", "the picture to write (default DIR/loss.png)");

    public IReadOnlyList<Option> Options { get; } = [RunDir, Png];

    public int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr)
    {
        string? run = parsed.GetValue(RunDir);
        if (run is null) throw new CliException($"{Name}: --run is required");
        if (!Directory.Exists(run)) throw new CliException($"{Name}: --run '{run}': no such directory");
        string metricsPath = Path.Combine(run, TrainingMetricsWriter.FileName);
        if (!File.Exists(metricsPath))
            throw new InvalidDataException($"{metricsPath}: no such file: '{run}' is not a run directory of llmforge train (it writes {TrainingMetricsWriter.FileName})");
        var metrics = TrainingCurves.Read(metricsPath);
        if (metrics.Count == 0) throw new InvalidDataException($"{metricsPath}: no steps recorded");
        string png = TrainingCurves.Draw(metrics, parsed.GetValue(Png) ?? Path.Combine(run, TrainingCurves.PngFileName),
            TrainingCurves.TitleFor(run));
        stdout.WriteLine($"{TrainingCurves.Summarize(metrics)} -> {png}");
        return 0;
    }
}
