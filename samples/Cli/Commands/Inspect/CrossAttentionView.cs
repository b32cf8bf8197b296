using LlmForge.EncoderDecoder;
using LlmForge.Inspection;
using LlmForge.Plotting;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands.Inspect;

/// <summary>
/// <c>llmforge inspect --model DIR --attention --text "…"</c> on a translator (MarianMT directory): the greedy
/// translation of the text and every decoder layer's and head's cross-attention over the source
/// (<see cref="CrossAttentionMap"/>), as lines (or JSON) and, with <c>--png</c>, one heat map per head: target tokens
/// down, source tokens across.
/// </summary>
internal static class CrossAttentionView
{
    public static int Run(string command, string directory, EncoderDecoderModel model, string text, string? png, bool json, TextWriter stdout)
    {
        ITranslationTokenizer tokenizer;
        try { tokenizer = TranslationTokenizerFiles.Load(directory); }
        catch (FileNotFoundException e) { throw new CliException($"{command}: --attention needs the translator's tokenizer to encode --text: {e.Message}"); }
        if (text.Trim().Length == 0) throw new CliException($"{command}: --text is empty");
        CrossAttentionMap map;
        try { map = CrossAttentionMap.Of(model, tokenizer, text); }
        catch (ArgumentException e) { throw new CliException($"{command}: --text: {e.Message}"); }
        if (png is not null) Draw(png, map);
        Write(stdout, map, png, json);
        return 0;
    }

    /// <summary>One PNG: a row of panels per decoder layer, a panel per head, target tokens down and source tokens across.</summary>
    public static string Draw(string path, CrossAttentionMap map)
    {
        var (panels, titles) = AttentionMaps.Panels(map.Weights, "cross-attention ");
        bool readable = map.SourceTokens.Count <= 40 && map.TargetTokens.Count <= 40;
        return PngChart.HeatmapGrid(path, panels, titles, "source token", "target token",
            readable ? [.. map.SourceTokens.Select(AttentionMaps.Visible)] : null, panelSize: 360,
            rowTickLabels: readable ? [.. map.TargetTokens.Select(AttentionMaps.Visible)] : null);
    }

    private static void Write(TextWriter o, CrossAttentionMap map, string? png, bool json)
    {
        if (json)
        {
            Info.InfoWriter.Json(o, w =>
            {
                w.WriteString("translation", map.Translation);
                w.WriteStartArray("source_tokens");
                foreach (var t in map.SourceTokens) w.WriteStringValue(t);
                w.WriteEndArray();
                w.WriteStartArray("target_tokens");
                foreach (var t in map.TargetTokens) w.WriteStringValue(t);
                w.WriteEndArray();
                if (png is null) w.WriteNull("png"); else w.WriteString("png", png);
                InspectWriter.WriteMaps(w, "cross_attentions", map.Weights); // [layer][head][target][source]
            });
            return;
        }
        int layers = map.Weights.Length, heads = map.Weights[0].Length, t = map.TargetTokens.Count, s = map.SourceTokens.Count;
        o.WriteLine($"translation: {map.Translation}");
        o.WriteLine($"source tokens ({s}): {string.Join(" ", map.SourceTokens.Select(AttentionMaps.Visible))}");
        o.WriteLine($"target tokens ({t}): {string.Join(" ", map.TargetTokens.Select(AttentionMaps.Visible))}");
        o.WriteLine($"cross-attention: {layers} decoder layers × {heads} heads, each [{t}, {s}] (row: target token, column: source token)");
        foreach (var (layer, head, strongest) in map.StrongestSources())
            o.WriteLine($"layer {layer} head {head}: strongest source per target token: {string.Join(" ", strongest)}");
        if (png is not null) o.WriteLine($"wrote {png}");
    }
}
