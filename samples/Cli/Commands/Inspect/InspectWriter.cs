using System.Globalization;
using System.Text.Json;
using LlmForge.Cli.Commands.Info;
using LlmForge.Inspection;

namespace LlmForge.Cli.Commands.Inspect;

/// <summary>
/// What <c>llmforge inspect</c> prints: the module tree and the components' table, a parameter view, or the attention
/// summary — as aligned text lines, or (<c>--json</c>) one JSON object on one line.
/// </summary>
internal static class InspectWriter
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>The module tree (modules with their subtotals, parameters with shape, count, MB) then the components.</summary>
    public static void Breakdown(TextWriter o, string modelType, ParameterBreakdown breakdown, bool json)
    {
        if (json)
        {
            InfoWriter.Json(o, w =>
            {
                w.WriteString("model", modelType);
                w.WriteNumber("parameters", breakdown.Total);
                w.WriteNumber("megabytes", Math.Round(breakdown.TotalMegabytes, 4));
                w.WriteStartArray("tensors");
                foreach (var p in breakdown.Parameters)
                {
                    w.WriteStartObject();
                    w.WriteString("name", p.Name);
                    Shape(w, p.Shape);
                    w.WriteNumber("parameters", p.Count);
                    w.WriteNumber("megabytes", Math.Round(p.Megabytes, 4));
                    if (p.TiedTo is null) w.WriteNull("tied_to"); else w.WriteString("tied_to", p.TiedTo);
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WritePropertyName("tree");
                Tree(w, breakdown.Root);
                w.WriteStartArray("components");
                foreach (var c in breakdown.Components)
                {
                    w.WriteStartObject();
                    w.WriteString("name", c.Name);
                    w.WriteString("kind", c.Kind);
                    w.WriteNumber("parameters", c.Count);
                    w.WriteNumber("megabytes", Math.Round(c.Megabytes, 4));
                    w.WriteEndObject();
                }
                w.WriteEndArray();
                w.WriteStartObject("by_kind");
                foreach (var (kind, count) in breakdown.ByKind()) w.WriteNumber(kind, count);
                w.WriteEndObject();
            });
            return;
        }
        o.WriteLine($"{modelType}: {breakdown.Total:N0} parameters, {breakdown.TotalMegabytes:F2} MB as float32");
        o.WriteLine();
        o.WriteLine($"{"module / parameter",-46} {"shape",-16} {"parameters",14} {"MB",10}");
        foreach (var child in breakdown.Root.Children) Tree(o, child, 0);
        o.WriteLine();
        o.WriteLine($"{"component",-30} {"kind",-12} {"parameters",14} {"MB",10}");
        foreach (var c in breakdown.Components)
            o.WriteLine($"{c.Name,-30} {c.Kind,-12} {c.Count,14:N0} {c.Megabytes,10:F2}");
        o.WriteLine($"{"total",-30} {"",-12} {breakdown.Total,14:N0} {breakdown.TotalMegabytes,10:F2}");
        o.WriteLine("by kind: " + string.Join(", ", breakdown.ByKind().Select(k => $"{k.Kind} {k.Count:N0}")));
    }

    /// <summary>A parameter (or one row): name, shape, statistics, the first <paramref name="count"/> values.</summary>
    public static void Parameter(TextWriter o, ParameterView view, int count, bool json)
    {
        var shown = view.Values.Take(count).ToArray();
        if (json)
        {
            InfoWriter.Json(o, w =>
            {
                w.WriteString("name", view.Name);
                Shape(w, view.Shape);
                if (view.Row is { } r) w.WriteNumber("row", r); else w.WriteNull("row");
                var s = view.Statistics;
                w.WriteNumber("count", s.Count);
                Number(w, "mean", s.Mean);
                Number(w, "std", s.Std);
                Number(w, "min", s.Min);
                Number(w, "max", s.Max);
                w.WriteStartArray("values");
                foreach (float v in shown)
                    if (float.IsFinite(v)) w.WriteNumberValue(v); else w.WriteStringValue(v.ToString(Invariant));
                w.WriteEndArray();
            });
            return;
        }
        string what = view.Row is { } row ? $"{view.Name}[{row}]" : view.Name;
        o.WriteLine($"{what}: shape [{string.Join(", ", view.Shape)}]{(view.Row is null ? "" : $", row {view.Row} of {view.Shape[0]}")}, {view.Statistics.Count:N0} values");
        var st = view.Statistics;
        o.WriteLine($"mean {G(st.Mean)}  std {G(st.Std)}  min {G(st.Min)}  max {G(st.Max)}{(st.NonFinite > 0 ? $"  non-finite {st.NonFinite}" : "")}");
        o.WriteLine($"first {shown.Length}: {string.Join(" ", shown.Select(v => G(v)))}");
    }

    /// <summary>The tokens and, per layer and head, where each query looks most (the key with the largest weight).</summary>
    public static void Attention(TextWriter o, AttentionMaps maps, string? png, bool json)
    {
        if (json)
        {
            InfoWriter.Json(o, w =>
            {
                w.WriteStartArray("tokens");
                foreach (var t in maps.Tokens) w.WriteStringValue(t);
                w.WriteEndArray();
                if (png is null) w.WriteNull("png"); else w.WriteString("png", png);
                WriteMaps(w, "attentions", maps.Weights); // [layer][head][query][key]
            });
            return;
        }
        int layers = maps.Weights.Length, heads = maps.Weights[0].Length, t = maps.Tokens.Count;
        o.WriteLine($"tokens ({t}): {string.Join(" ", maps.Tokens.Select(AttentionMaps.Visible))}");
        o.WriteLine($"attention: {layers} layers × {heads} heads, each [{t}, {t}] (row: query, column: key)");
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++)
            {
                var w = maps.Weights[l][h];
                var strongest = Enumerable.Range(0, t).Select(i => Enumerable.Range(0, t).MaxBy(j => w[i, j])); // per query
                o.WriteLine($"layer {l} head {h}: strongest key per query: {string.Join(" ", strongest)}");
            }
        if (png is not null) o.WriteLine($"wrote {png}");
    }

    /// <summary>Attention maps [layer][head] → [query, key] as nested JSON arrays under <paramref name="name"/>.</summary>
    public static void WriteMaps(System.Text.Json.Utf8JsonWriter w, string name, float[][][,] weights)
    {
        w.WriteStartArray(name);
        foreach (var layer in weights)
        {
            w.WriteStartArray();
            foreach (var head in layer)
            {
                w.WriteStartArray();
                for (int i = 0; i < head.GetLength(0); i++)
                {
                    w.WriteStartArray();
                    for (int j = 0; j < head.GetLength(1); j++) w.WriteNumberValue(head[i, j]);
                    w.WriteEndArray();
                }
                w.WriteEndArray();
            }
            w.WriteEndArray();
        }
        w.WriteEndArray();
    }

    private static void Tree(TextWriter o, ModuleNode node, int depth)
    {
        string indent = new(' ', 2 * depth);
        o.WriteLine($"{indent + node.Name + " (" + node.Type + ")",-63} {node.Count,14:N0} {ParameterBreakdown.Megabytes(node.Count),10:F2}");
        foreach (var p in node.Parameters)
        {
            string shape = "[" + string.Join(", ", p.Shape) + "]";
            string count = p.TiedTo is null ? p.Count.ToString("N0", Invariant) : $"tied: {p.TiedTo}";
            o.WriteLine($"{indent + "  " + p.Name,-46} {shape,-16} {count,14} {p.Megabytes,10:F2}");
        }
        foreach (var child in node.Children) Tree(o, child, depth + 1);
    }

    private static void Tree(Utf8JsonWriter w, ModuleNode node)
    {
        w.WriteStartObject();
        w.WriteString("name", node.Name);
        w.WriteString("type", node.Type);
        w.WriteNumber("parameters", node.Count);
        w.WriteStartArray("tensors");
        foreach (var p in node.Parameters) w.WriteStringValue(p.Name);
        w.WriteEndArray();
        w.WriteStartArray("children");
        foreach (var child in node.Children) Tree(w, child);
        w.WriteEndArray();
        w.WriteEndObject();
    }

    private static void Shape(Utf8JsonWriter w, IReadOnlyList<int> shape)
    {
        w.WriteStartArray("shape");
        foreach (int d in shape) w.WriteNumberValue(d);
        w.WriteEndArray();
    }

    /// <summary>A number, or its text when not finite (JSON has no NaN).</summary>
    private static void Number(Utf8JsonWriter w, string name, double value)
    {
        if (double.IsFinite(value)) w.WriteNumber(name, value); else w.WriteString(name, value.ToString(Invariant));
    }

    private static string G(double v) => v.ToString("G6", Invariant);
}
