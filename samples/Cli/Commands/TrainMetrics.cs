using LlmForge.Plotting;
using LlmForge.Training;

namespace LlmForge.Cli.Commands;

/// <summary>
/// What <c>llmforge train</c> records of a run besides its checkpoints: every step appended to DIR/metrics.jsonl
/// (<see cref="TrainingMetricsWriter"/>), and DIR/loss.png redrawn from it (<see cref="TrainingCurves"/>) at each
/// checkpoint step and when the run ends. The last step reported is kept for the interrupt's line. A picture that
/// cannot be drawn (no font on the machine) is one stderr line, never a failed run.
/// </summary>
internal sealed class TrainMetrics : IProgress<TrainingProgress>, IDisposable
{
    private readonly TrainingMetricsWriter _writer;
    private readonly TrainingOptions _options;
    private readonly TextWriter _stderr;
    private bool _drawFailed;

    /// <param name="outDir">The run directory.</param>
    /// <param name="startStep">The resumed step, 0 for a new run.</param>
    /// <param name="resumeDir">The checkpoint resumed (its metrics.jsonl is continued), or null.</param>
    /// <param name="options">The run's training options (checkpoint interval, max steps).</param>
    /// <param name="stderr">Where the one announcing line (and a drawing failure) goes.</param>
    public TrainMetrics(string outDir, int startStep, string? resumeDir, TrainingOptions options, TextWriter stderr)
    {
        _writer = TrainingMetricsWriter.Open(outDir, startStep, resumeDir);
        _options = options;
        _stderr = stderr;
        PngPath = Path.Combine(outDir, TrainingCurves.PngFileName);
        stderr.WriteLine($"metrics -> {_writer.Path}, {TrainingCurves.PngFileName}");
    }

    /// <summary>The picture's path.</summary>
    public string PngPath { get; }

    /// <summary>The last step reported.</summary>
    public int Step { get; private set; }

    public void Report(TrainingProgress value)
    {
        Step = value.Step;
        _writer.Report(value);
        // the Trainer saves a checkpoint after reporting these steps (see Trainer.Train)
        if ((_options.CheckpointInterval > 0 && value.Step % _options.CheckpointInterval == 0) || value.Step == _options.MaxSteps)
        {
            _writer.Flush();
            Draw();
        }
    }

    /// <summary>Redraws loss.png from the file written so far (nothing when no step was reported).</summary>
    public void Draw()
    {
        if (_drawFailed) return;
        try
        {
            var metrics = TrainingCurves.Read(_writer.Path);
            if (metrics.Count > 0) TrainingCurves.Draw(metrics, PngPath, TrainingCurves.TitleFor(Path.GetDirectoryName(PngPath)!));
        }
        catch (InvalidOperationException e)
        {
            _drawFailed = true;
            _stderr.WriteLine($"llmforge train: {TrainingCurves.PngFileName} not drawn: {e.Message}");
        }
    }

    public void Dispose() => _writer.Dispose();
}
