using System.Globalization;
using System.Text.Json;

namespace LlmForge.Plotting;

/// <summary>
/// The training curves of a run from its metrics.jsonl (written by LlmForge.Training.TrainingMetricsWriter): read the
/// lines, draw loss.png (the training loss of every step, and the train and validation losses of the evaluations,
/// against the step) and summarize them in one line.
/// </summary>
public static class TrainingCurves
{
    /// <summary>The picture's name in the run directory.</summary>
    public const string PngFileName = "loss.png";

    /// <summary>
    /// Reads every line of <paramref name="path"/> (blank lines skipped). Each is an object with a numeric
    /// <c>step</c> and <c>loss</c> (null for a non-finite one), and optional <c>lr</c>, <c>train_loss</c>, <c>val_loss</c>.
    /// </summary>
    /// <exception cref="FileNotFoundException">No such file.</exception>
    /// <exception cref="InvalidDataException">A line that is not such an object: the message names the file and line number.</exception>
    public static IReadOnlyList<TrainingMetric> Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path)) throw new FileNotFoundException($"{path}: no such file", path);
        var metrics = new List<TrainingMetric>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                metrics.Add(Parse(line));
            }
            catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException)
            {
                throw new InvalidDataException($"{path} line {number}: {e.Message}", e);
            }
        }
        return metrics;
    }

    /// <summary>
    /// Draws <paramref name="metrics"/> into <paramref name="pngPath"/> (<see cref="PngChart.Lines"/>): "train loss
    /// (step)" over every step, and "train loss (eval)" and "val loss (eval)" at the evaluation steps.
    /// </summary>
    /// <returns>The path written.</returns>
    /// <exception cref="ArgumentException">No metrics.</exception>
    public static string Draw(IReadOnlyList<TrainingMetric> metrics, string pngPath, string title = "Training loss")
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Count == 0) throw new ArgumentException($"{pngPath}: no metrics to draw (the run has reported no step yet).", nameof(metrics));
        var series = new List<LineSeries>
        {
            new("train loss (step)", [.. metrics.Select(m => (double)m.Step)], [.. metrics.Select(m => m.Loss)]),
        };
        var evaluations = metrics.Where(m => m.ValidationLoss is not null).ToList();
        if (evaluations.Count > 0)
        {
            double[] steps = [.. evaluations.Select(m => (double)m.Step)];
            series.Add(new LineSeries("train loss (eval)", steps, [.. evaluations.Select(m => m.TrainLoss ?? double.NaN)]));
            series.Add(new LineSeries("val loss (eval)", steps, [.. evaluations.Select(m => m.ValidationLoss!.Value)]));
        }
        return PngChart.Lines(pngPath, title, "step", "loss (cross-entropy, nats)", series);
    }

    /// <summary>The picture's title for the run in <paramref name="runDirectory"/>: "Training loss: NAME", NAME its folder's name.</summary>
    public static string TitleFor(string runDirectory) =>
        $"Training loss: {Path.GetFileName(Path.TrimEndingDirectorySeparator(Path.GetFullPath(runDirectory)))}";

    /// <summary>"8 steps | last loss 2.7134 | best val_loss 2.6901 at step 8" (without the val part when no step evaluated).</summary>
    /// <exception cref="ArgumentException">No metrics.</exception>
    public static string Summarize(IReadOnlyList<TrainingMetric> metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        if (metrics.Count == 0) throw new ArgumentException("no metrics to summarize.", nameof(metrics));
        var last = metrics[^1];
        string text = string.Create(CultureInfo.InvariantCulture, $"{last.Step} steps | last loss {last.Loss:F4}");
        // the smallest finite validation loss, the earliest step on a tie
        var best = metrics.Where(m => m.ValidationLoss is { } v && double.IsFinite(v)).MinBy(m => m.ValidationLoss);
        return best is null ? text : string.Create(CultureInfo.InvariantCulture, $"{text} | best val_loss {best.ValidationLoss:F4} at step {best.Step}");
    }

    private static TrainingMetric Parse(string line)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"expected a JSON object, got {root.ValueKind}");
        if (!root.TryGetProperty("step", out var step) || !step.TryGetInt32(out int stepValue))
            throw new FormatException("no integer \"step\"");
        if (!root.TryGetProperty("loss", out _)) throw new FormatException("no \"loss\"");
        return new TrainingMetric(stepValue, Number(root, "loss") ?? double.NaN, Number(root, "lr") ?? double.NaN, Number(root, "train_loss"), Number(root, "val_loss"));
    }

    /// <summary>The number under <paramref name="name"/>; null when absent or null; a non-number is a <see cref="FormatException"/> naming the key.</summary>
    private static double? Number(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null) return null;
        if (value.ValueKind != JsonValueKind.Number) throw new FormatException($"\"{name}\" is {value.ValueKind}, not a number");
        return value.GetDouble();
    }
}
