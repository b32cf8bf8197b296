using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Tokenization;
using static LlmForge.Cli.Commands.Info.InfoWriter;

namespace LlmForge.Cli.Commands.Info;

/// <summary><c>llmforge info</c> for a BERT directory: the BERT config keys, heads, parameter count, weights check and WordPiece tokenizer.</summary>
internal static class BertInfo
{
    /// <returns>The exit code: 1 when model.safetensors does not match config.json or would not load (see <see cref="BertCheckpoint.Check"/>).</returns>
    public static int Write(TextWriter o, TextWriter stderr, string directory, bool json)
    {
        string configPath = Path.Combine(directory, BertConfigJson.FileName);
        var c = BertConfigJson.Load(configPath);
        string modelType = BertConfigJson.ReadModelType(configPath) ?? BertConfigJson.BertModelType;
        var report = ModelWeights.Exists(directory) ? BertCheckpoint.Check(directory) : null;
        Weights? weights = report is null ? null : new(report.Path, report.Matches, report.Tensors, report.Parameters, report.DTypes, report.Problems);
        var heads = report?.Heads ?? new BertHeads(Pooler: true, MaskedLM: true, Classifier: c.Labels.Count > 0);
        long parameters = BertParameterMap.ParameterCount(c with { Labels = heads.Classifier && c.Labels.Count == 0 ? ["?"] : c.Labels }, heads);
        var tokenizer = WordPieceTokenizerFiles.Present(directory) ? WordPieceTokenizer.FromDirectory(directory) : null;
        string normPosition = c.NormPosition.ToString().ToLowerInvariant();

        if (json)
        {
            Json(o, w =>
            {
                w.WriteString("model_type", modelType);
                w.WriteString("architecture", heads.Architecture);
                w.WriteNumber("num_hidden_layers", c.Layers);
                w.WriteNumber("num_attention_heads", c.Heads);
                w.WriteNumber("hidden_size", c.HiddenSize);
                w.WriteNumber("intermediate_size", c.IntermediateSize);
                w.WriteNumber("max_position_embeddings", c.MaxPositions);
                w.WriteNumber("vocab_size", c.VocabSize);
                w.WriteNumber("type_vocab_size", c.TypeVocabSize);
                w.WriteString("layer_norm_position", normPosition);
                w.WriteNumber("parameters", parameters);
                w.WriteStartArray("labels");
                foreach (var label in c.Labels) w.WriteStringValue(label);
                w.WriteEndArray();
                WeightsJson(w, weights, withDTypes: false);
                TokenizerJson(w, tokenizer is null ? null : "wordpiece", tokenizer?.VocabSize ?? 0, t => t.WriteBoolean("do_lower_case", tokenizer!.LowerCase));
            });
        }
        else
        {
            Line(o, "model", directory);
            Line(o, "model_type", $"{modelType} ({heads.Architecture})");
            Line(o, "layers", $"{c.Layers} (num_hidden_layers), {normPosition}-LN");
            Line(o, "heads", $"{c.Heads} (num_attention_heads), head dim {c.HeadDim}");
            Line(o, "hidden", $"{c.HiddenSize} (hidden_size), intermediate {c.IntermediateSize}");
            Line(o, "positions", $"{c.MaxPositions} (max_position_embeddings), token types {c.TypeVocabSize}");
            Line(o, "vocab", $"{c.VocabSize} (vocab_size)");
            if (c.Labels.Count > 0) Line(o, "labels", $"{string.Join(", ", c.Labels)} (id2label)");
            Line(o, "parameters", $"{Count(parameters)} (decoder tied to the word embeddings)");
            WeightsLine(o, BertCheckpoint.WeightsFileName, weights, heads.ToString());
            TokenizerLine(o, tokenizer is null ? null : $"wordpiece, {tokenizer.VocabSize} ids, {(tokenizer.LowerCase ? "uncased" : "cased")}");
        }
        return Verdict(stderr, weights, checkpoint: null);
    }
}
