using System.Text;
using System.Text.Json;

namespace LlmForge.Training;

/// <summary>
/// Writes a run's <see cref="TrainingProgress"/> to <c>DIR/metrics.jsonl</c>, one JSON object per step:
/// <code>{"step":4,"loss":2.71,"lr":0.001,"tokens":64,"tokens_per_second":5120.3,"elapsed":0.0125,"train_loss":2.65,"val_loss":2.69}</code>
/// (<c>train_loss</c> and <c>val_loss</c> only on evaluation steps, with an <see cref="IScoredObjective"/>'s scores such as <c>bleu</c> and <c>chrf</c>; <c>elapsed</c> in seconds; a non-finite number as
/// null; no step target, which a resume may raise, so the lines of a run stopped early and extended match a straight run's).
/// Reported lines are held until <see cref="Flush"/>, which the caller calls when a checkpoint is saved (and at the end):
/// they are then appended whole, in one write, and forced to disk. So the file never holds a torn line, and always
/// ends at a checkpoint's step: a run that diverges or crashes between checkpoints leaves the file as its last checkpoint
/// left it (a torn tail from a power loss is dropped when a resumed run reopens the file). A resumed run keeps the lines
/// of steps up to the resumed step and drops the rest, so its file equals an uninterrupted run's apart from the timings.
/// </summary>
public sealed class TrainingMetricsWriter : IProgress<TrainingProgress>, IDisposable
{
    /// <summary>The file's name in the run directory.</summary>
    public const string FileName = "metrics.jsonl";

    private readonly FileStream _file;
    private readonly StringBuilder _pending = new();

    private TrainingMetricsWriter(string path, FileStream file) => (Path, _file) = (path, file);

    /// <summary>The file written.</summary>
    public string Path { get; }

    /// <summary>
    /// Opens <paramref name="directory"/>/metrics.jsonl for a run starting after <paramref name="startStep"/>: a new run
    /// (0) starts an empty file; a resumed run starts from the lines of steps 1..<paramref name="startStep"/> of
    /// <paramref name="resumedFrom"/>'s metrics.jsonl (by default the directory's own), or none when it has no such file.
    /// </summary>
    /// <param name="directory">The run directory (created when missing).</param>
    /// <param name="startStep">Steps done before this run (<see cref="Trainer.Step"/> after a resume).</param>
    /// <param name="resumedFrom">The checkpoint directory resumed, when it is not <paramref name="directory"/>.</param>
    public static TrainingMetricsWriter Open(string directory, int startStep = 0, string? resumedFrom = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentOutOfRangeException.ThrowIfNegative(startStep);
        Directory.CreateDirectory(directory);
        string path = System.IO.Path.Combine(directory, FileName);
        string source = System.IO.Path.Combine(resumedFrom ?? directory, FileName);
        var kept = startStep > 0 && File.Exists(source) ? LinesUpTo(source, startStep) : [];
        // rewritten through a temporary file and a rename, so a crash here leaves the old file or the new one
        string temporary = path + ".tmp";
        File.WriteAllLines(temporary, kept);
        File.Move(temporary, path, overwrite: true);
        return new TrainingMetricsWriter(path, new FileStream(path, FileMode.Append, FileAccess.Write, FileShare.Read));
    }

    /// <summary>Holds <paramref name="value"/>'s line until the next <see cref="Flush"/>.</summary>
    public void Report(TrainingProgress value) => _pending.Append(Line(value)).Append('\n');

    /// <summary>Appends the lines reported since the last flush, in one write, and forces them to disk (call it at each checkpoint and at the end).</summary>
    public void Flush()
    {
        if (_pending.Length == 0) return;
        _file.Write(Encoding.UTF8.GetBytes(_pending.ToString()));
        _file.Flush(flushToDisk: true);
        _pending.Clear();
    }

    /// <summary>Closes the file; lines not flushed (steps after the last checkpoint, which a resume repeats) are dropped.</summary>
    public void Dispose() => _file.Dispose();

    /// <summary>The JSON line of one step (without the newline).</summary>
    public static string Line(TrainingProgress value)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("step", value.Step);
            Number(json, "loss", value.Loss);
            Number(json, "lr", value.LearningRate);
            json.WriteNumber("tokens", value.Tokens);
            Number(json, "tokens_per_second", value.TokensPerSecond);
            Number(json, "elapsed", value.Elapsed.TotalSeconds);
            if (value.TrainLoss is { } train) Number(json, "train_loss", train);
            if (value.ValidationLoss is { } validation) Number(json, "val_loss", validation);
            foreach (var score in value.Scores ?? []) Number(json, score.Name, score.Value);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static void Number(Utf8JsonWriter json, string name, double value)
    {
        if (double.IsFinite(value)) json.WriteNumber(name, value); // JSON has no NaN or infinity
        else json.WriteNull(name);
    }

    /// <summary>The lines of <paramref name="path"/> whose step is at most <paramref name="step"/>, up to the first line that does not parse (a torn tail).</summary>
    private static List<string> LinesUpTo(string path, int step)
    {
        var kept = new List<string>();
        foreach (string line in File.ReadLines(path))
        {
            int? lineStep = StepOf(line);
            if (lineStep is null) break;
            if (lineStep <= step) kept.Add(line);
        }
        return kept;
    }

    private static int? StepOf(string line)
    {
        try
        {
            using var document = JsonDocument.Parse(line);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("step", out var step) && step.TryGetInt32(out int value) ? value : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
