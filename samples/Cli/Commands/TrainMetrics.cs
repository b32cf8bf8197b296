using LlmForge.Plotting;
using LlmForge.Training;

namespace LlmForge.Cli.Commands;

/// <summary>
/// What <c>llmforge train</c> records of a run besides its checkpoints: every step to DIR/metrics.jsonl
/// (<see cref="TrainingMetricsWriter"/>, flushed at each checkpoint step, so the file matches the checkpoint), and
/// DIR/loss.png redrawn from it (<see cref="TrainingCurves"/>) then. The file is opened at the first step reported, so
/// a run that fails its checks before training (a resume that does not match, a corpus too short) leaves it alone. The last step reported is kept for the interrupt's line. A picture that
/// cannot be drawn (no font on the machine) is one stderr line, never a failed run.
/// </summary>
internal sealed class TrainMetrics : IProgress<TrainingProgress>, IDisposable
{
    private readonly string _outDir;
    private readonly int _startStep;
    private readonly string? _resumeDir;
    private readonly TrainingOptions _options;
    private readonly TextWriter _stderr;
    private TrainingMetricsWriter? _writer;
    private bool _drawFailed;

    /// <param name="outDir">The run directory.</param>
    /// <param name="startStep">The resumed step, 0 for a new run.</param>
    /// <param name="resumeDir">The checkpoint resumed (its metrics.jsonl is continued), or null.</param>
    /// <param name="options">The run's training options (checkpoint interval, max steps).</param>
    /// <param name="stderr">Where the one announcing line (and a drawing failure) goes.</param>
    public TrainMetrics(string outDir, int startStep, string? resumeDir, TrainingOptions options, TextWriter stderr)
    {
        (_outDir, _startStep, _resumeDir, _options, _stderr) = (outDir, startStep, resumeDir, options, stderr);
        PngPath = Path.Combine(outDir, TrainingCurves.PngFileName);
    }

    /// <summary>The picture's path.</summary>
    public string PngPath { get; }

    /// <summary>The last step reported.</summary>
    public int Step { get; private set; }

    public void Report(TrainingProgress value)
    {
        Step = value.Step;
        if (_writer is null)
        {
            _writer = TrainingMetricsWriter.Open(_outDir, _startStep, _resumeDir);
            _stderr.WriteLine($"metrics -> {_writer.Path}, {TrainingCurves.PngFileName}");
        }
        _writer.Report(value);
        // the Trainer saves a checkpoint right after reporting these steps (the same TrainingOptions rule)
        if (_options.IsCheckpointStep(value.Step))
            Checkpointed();
    }

    /// <summary>A checkpoint of the last step reported was saved (also by an interrupt): flush the file and redraw loss.png.</summary>
    public void Checkpointed()
    {
        if (_writer is null) return;
        _writer.Flush();
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

    public void Dispose() => _writer?.Dispose();
}
