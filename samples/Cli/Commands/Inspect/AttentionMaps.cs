using LlmForge.Bert;
using LlmForge.Cli.Commands.Bert;
using LlmForge.Cli.Hosting;
using LlmForge.Gpt;
using LlmForge.Inspection;
using LlmForge.Layers;
using LlmForge.Plotting;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands.Inspect;

/// <summary>Every layer's and head's attention weights over one text: the tokens and [layer][head] → [T, T] (query row, key column).</summary>
internal sealed record AttentionMaps(IReadOnlyList<string> Tokens, float[][][,] Weights)
{
    /// <summary>The label of a GPT's learned sink token (sink_token), the first key of its maps.</summary>
    public const string SinkLabel = "<sink>";

    /// <summary>Encodes <paramref name="text"/> with the directory's tokenizer and runs the model once asking for its attentions.</summary>
    public static AttentionMaps Compute(string command, string directory, Module model, string text)
    {
        IReadOnlyList<LlmForge.Autograd.Tensor> attentions;
        int[] ids;
        ITokenizer tokenizer;
        switch (model)
        {
            case BertModel bert:
                var wordPiece = BertDirectory.LoadTokenizer(command, directory);
                tokenizer = wordPiece;
                ids = wordPiece.EncodeForModel(text).InputIds; // [CLS] … [SEP]
                RequireLength(command, ids.Length, bert.Config.MaxPositions, "max_position_embeddings");
                attentions = bert.Encode(new BertInput(ids, 1, ids.Length), ForwardOutputs.Attentions).Attentions!;
                break;
            case GptModel gpt:
                tokenizer = ModelDirectory.LoadTokenizer(directory)
                    ?? throw new CliException($"{command}: --attention needs the tokenizer files in '{directory}' to encode --text; none found");
                ids = [.. tokenizer.Encode(text)];
                RequireLength(command, ids.Length, gpt.Config.ContextLength, "n_positions");
                attentions = gpt.Forward(ids, 1, ids.Length, ForwardOutputs.Attentions).Attentions!;
                break;
            default:
                throw new CliException($"{command}: --attention reads a GPT or BERT model, not a {model.GetType().Name}");
        }
        var tokens = ids.Select(id => tokenizer.Decode([id]) is { Length: > 0 } piece ? piece : $"#{id}").ToArray();
        if (model is GptModel { Config.SinkToken: true }) tokens = [SinkLabel, .. tokens]; // its maps hold the sink at 0
        var weights = attentions.Select(layer =>
        {
            int heads = layer.Shape[1], t = layer.Shape[2];
            var perHead = new float[heads][,];
            for (int h = 0; h < heads; h++)
            {
                perHead[h] = new float[t, t];
                for (int i = 0; i < t; i++)
                    for (int j = 0; j < t; j++)
                        perHead[h][i, j] = layer.Data[(h * t + i) * t + j]; // batch 1: (1, nh, T, T)
            }
            return perHead;
        }).ToArray();
        return new AttentionMaps(tokens, weights);
    }

    /// <summary>One PNG: a row of panels per layer, a panel per head, the tokens along both axes when few enough to read.</summary>
    public static string Draw(string path, AttentionMaps maps)
    {
        var (panels, titles) = Panels(maps.Weights);
        var labels = maps.Tokens.Count <= 32 ? maps.Tokens.Select(Visible).ToArray() : null;
        return PngChart.HeatmapGrid(path, panels, titles, "key", "query", labels);
    }

    /// <summary>[layer][head] maps as a grid of heat-map panels (a row per layer) titled "{prefix}layer L, head H".</summary>
    public static (double[,][,] Panels, string[,] Titles) Panels(float[][][,] weights, string prefix = "")
    {
        int layers = weights.Length, heads = weights[0].Length;
        var panels = new double[layers, heads][,];
        var titles = new string[layers, heads];
        for (int l = 0; l < layers; l++)
            for (int h = 0; h < heads; h++)
            {
                var w = weights[l][h];
                var panel = new double[w.GetLength(0), w.GetLength(1)];
                for (int i = 0; i < w.GetLength(0); i++)
                    for (int j = 0; j < w.GetLength(1); j++) panel[i, j] = w[i, j];
                panels[l, h] = panel;
                titles[l, h] = $"{prefix}layer {l}, head {h}";
            }
        return (panels, titles);
    }

    /// <summary>A token as a tick label: whitespace made visible (GPT-2's leading space as ·).</summary>
    public static string Visible(string token) => token.Replace(' ', '·').Replace("\n", "\\n", StringComparison.Ordinal).Replace("\t", "\\t", StringComparison.Ordinal);

    private static void RequireLength(string command, int length, int max, string key)
    {
        if (length == 0) throw new CliException($"{command}: --text encodes to no tokens");
        if (length > max) throw new CliException($"{command}: --text is {length} tokens, more than the model's {max} ({key}); shorten it");
    }
}
