using System.Globalization;
using System.Text.Json;
using LlmForge.Cli.Hosting;
using LlmForge.Checkpoints;

namespace LlmForge.Cli.Commands.Info;

/// <summary>
/// What <c>llmforge info</c> writes the same way for every architecture: the "key           value" text lines, one
/// JSON object per run, the weights check, the checkpoint integrity, the tokenizer slot, number formats and the
/// exit code. <see cref="GptInfo"/> and <see cref="BertInfo"/> add what only their architecture has.
/// </summary>
internal static class InfoWriter
{
    /// <summary>The text lines' key column: the value starts at this column.</summary>
    private const int KeyWidth = 15;

    /// <summary>The weights check of either architecture, as info prints it.</summary>
    public sealed record Weights(string Path, bool Matches, int Tensors, long Parameters, IReadOnlyList<string> DTypes, IReadOnlyList<string> Problems);

    /// <summary>One text line: the key padded to the value column, then the value.</summary>
    public static void Line(TextWriter o, string key, string value) => o.WriteLine($"{key.PadRight(KeyWidth - 1)} {value}");

    /// <summary>One JSON object on one line, its members written by <paramref name="members"/>.</summary>
    public static void Json(TextWriter o, Action<Utf8JsonWriter> members)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            members(w);
            w.WriteEndObject();
        }
        o.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
    }

    /// <summary>The weights line: none, a match (<paramref name="matchDetail"/> says what was found), or the problems.</summary>
    public static void WeightsLine(TextWriter o, string fileName, Weights? weights, string matchDetail) => Line(o, "weights",
        weights is null ? $"none ({fileName} not found)"
        : weights.Matches ? $"{Path.GetFileName(weights.Path)} matches config.json: {matchDetail}, {Count(weights.Parameters)} parameters, {string.Join("/", weights.DTypes)}"
        : $"{Path.GetFileName(weights.Path)} does NOT match config.json: {string.Join("; ", weights.Problems)}");

    /// <summary>The "weights" member: null, or the file, verdict, counts (dtypes when <paramref name="withDTypes"/>) and problems.</summary>
    public static void WeightsJson(Utf8JsonWriter w, Weights? weights, bool withDTypes)
    {
        if (weights is null) { w.WriteNull("weights"); return; }
        w.WriteStartObject("weights");
        w.WriteString("file", weights.Path);
        w.WriteBoolean("matches", weights.Matches);
        w.WriteNumber("tensors", weights.Tensors);
        w.WriteNumber("parameters", weights.Parameters);
        if (withDTypes) Strings(w, "dtypes", weights.DTypes);
        Strings(w, "problems", weights.Problems);
        w.WriteEndObject();
    }

    /// <summary>The tokenizer line: "none", or <paramref name="description"/>.</summary>
    public static void TokenizerLine(TextWriter o, string? description) => Line(o, "tokenizer", description ?? "none");

    /// <summary>The "tokenizer" member: null, or its type, vocabulary size and what <paramref name="details"/> adds.</summary>
    public static void TokenizerJson(Utf8JsonWriter w, string? type, int vocabSize, Action<Utf8JsonWriter> details)
    {
        if (type is null) { w.WriteNull("tokenizer"); return; }
        w.WriteStartObject("tokenizer");
        w.WriteString("type", type);
        w.WriteNumber("vocab_size", vocabSize);
        details(w);
        w.WriteEndObject();
    }

    /// <summary>The checkpoint line of a training checkpoint; nothing for a plain model directory.</summary>
    public static void CheckpointLine(TextWriter o, CheckpointIntegrity? checkpoint)
    {
        if (checkpoint is null) return; // not a training checkpoint: nothing records the files' checksums
        Line(o, "checkpoint", checkpoint.Intact
            ? $"{TrainerStateJson.FileName} (step {checkpoint.Step}): every file matches its recorded size and SHA-256"
            : $"NOT intact: {checkpoint.Problem}");
    }

    /// <summary>The "checkpoint" member: null, or intact, step and problem.</summary>
    public static void CheckpointJson(Utf8JsonWriter w, CheckpointIntegrity? checkpoint)
    {
        if (checkpoint is null) { w.WriteNull("checkpoint"); return; }
        w.WriteStartObject("checkpoint");
        w.WriteBoolean("intact", checkpoint.Intact);
        if (checkpoint.Step is int step) w.WriteNumber("step", step);
        else w.WriteNull("step");
        if (checkpoint.Problem is { } problem) w.WriteString("problem", problem);
        else w.WriteNull("problem");
        w.WriteEndObject();
    }

    /// <summary>The exit code; each failed check is also one line on stderr, for scripts that read only that.</summary>
    public static int Verdict(TextWriter stderr, Weights? weights, CheckpointIntegrity? checkpoint)
    {
        bool weightsFail = weights is { Problems.Count: > 0 };
        if (weightsFail) stderr.WriteLine($"llmforge info: {weights!.Path}: {string.Join("; ", weights.Problems)}.");
        if (checkpoint is { Intact: false }) stderr.WriteLine($"llmforge info: {checkpoint.Problem}");
        return weightsFail || checkpoint is { Intact: false } ? 1 : 0;
    }

    /// <summary>124439808 → "124,439,808".</summary>
    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Lower(bool value) => value ? "true" : "false";

    private static void Strings(Utf8JsonWriter w, string name, IReadOnlyList<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values) w.WriteStringValue(v);
        w.WriteEndArray();
    }
}
