using System.Globalization;
using System.Text.Json;
using LlmForge.Checkpoints;
using LlmForge.Tokenization;

namespace LlmForge.Cli.Commands.Bert;

/// <summary><c>llmforge info</c> for a BERT directory: the architecture, parameter count, heads and header-only weight check.</summary>
public static class BertInfo
{
    /// <returns>The exit code: 1 when model.safetensors does not match config.json or would not load (see <see cref="BertCheckpoint.Check"/>).</returns>
    public static int Write(TextWriter o, TextWriter stderr, string directory, bool json)
    {
        string configPath = Path.Combine(directory, BertConfigJson.FileName);
        var c = BertConfigJson.Load(configPath);
        string modelType = BertConfigJson.ReadModelType(configPath) ?? BertConfigJson.BertModelType;
        string weightsPath = Path.Combine(directory, BertCheckpoint.WeightsFileName);
        var weights = File.Exists(weightsPath) ? BertCheckpoint.Check(directory) : null;
        var heads = weights?.Heads ?? new BertHeads(Pooler: true, MaskedLM: true, Classifier: c.Labels.Count > 0);
        long parameters = BertParameterMap.ParameterCount(c with { Labels = heads.Classifier && c.Labels.Count == 0 ? ["?"] : c.Labels }, heads);
        var tokenizer = WordPieceTokenizerFiles.Present(directory) ? WordPieceTokenizer.FromDirectory(directory) : null;
        string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

        if (json)
        {
            using var buffer = new MemoryStream();
            using (var w = new Utf8JsonWriter(buffer))
            {
                w.WriteStartObject();
                w.WriteString("model_type", modelType);
                w.WriteString("architecture", heads.Architecture);
                w.WriteNumber("num_hidden_layers", c.Layers);
                w.WriteNumber("num_attention_heads", c.Heads);
                w.WriteNumber("hidden_size", c.HiddenSize);
                w.WriteNumber("intermediate_size", c.IntermediateSize);
                w.WriteNumber("max_position_embeddings", c.MaxPositions);
                w.WriteNumber("vocab_size", c.VocabSize);
                w.WriteNumber("type_vocab_size", c.TypeVocabSize);
                w.WriteString("layer_norm_position", c.NormPosition.ToString().ToLowerInvariant());
                w.WriteNumber("parameters", parameters);
                w.WriteStartArray("labels");
                foreach (var label in c.Labels) w.WriteStringValue(label);
                w.WriteEndArray();
                if (weights is null) w.WriteNull("weights");
                else
                {
                    w.WriteStartObject("weights");
                    w.WriteString("file", weights.Path);
                    w.WriteBoolean("matches", weights.Matches);
                    w.WriteNumber("tensors", weights.Tensors);
                    w.WriteNumber("parameters", weights.Parameters);
                    w.WriteStartArray("problems");
                    foreach (var p in weights.Problems) w.WriteStringValue(p);
                    w.WriteEndArray();
                    w.WriteEndObject();
                }
                if (tokenizer is null) w.WriteNull("tokenizer");
                else
                {
                    w.WriteStartObject("tokenizer");
                    w.WriteString("type", "wordpiece");
                    w.WriteNumber("vocab_size", tokenizer.VocabSize);
                    w.WriteBoolean("do_lower_case", tokenizer.LowerCase);
                    w.WriteEndObject();
                }
                w.WriteEndObject();
            }
            o.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
        }
        else
        {
            o.WriteLine($"model          {directory}");
            o.WriteLine($"model_type     {modelType} ({heads.Architecture})");
            o.WriteLine($"layers         {c.Layers} (num_hidden_layers), {c.NormPosition.ToString().ToLowerInvariant()}-LN");
            o.WriteLine($"heads          {c.Heads} (num_attention_heads), head dim {c.HeadDim}");
            o.WriteLine($"hidden         {c.HiddenSize} (hidden_size), intermediate {c.IntermediateSize}");
            o.WriteLine($"positions      {c.MaxPositions} (max_position_embeddings), token types {c.TypeVocabSize}");
            o.WriteLine($"vocab          {c.VocabSize} (vocab_size)");
            if (c.Labels.Count > 0) o.WriteLine($"labels         {string.Join(", ", c.Labels)} (id2label)");
            o.WriteLine($"parameters     {N(parameters)} (decoder tied to the word embeddings)");
            o.WriteLine(weights is null ? $"weights        none ({BertCheckpoint.WeightsFileName} not found)"
                : weights.Matches ? $"weights        {BertCheckpoint.WeightsFileName} matches config.json: {heads}, {N(weights.Parameters)} parameters, {string.Join("/", weights.DTypes)}"
                : $"weights        {BertCheckpoint.WeightsFileName} does NOT match config.json: {string.Join("; ", weights.Problems)}");
            o.WriteLine(tokenizer is null ? "tokenizer      none"
                : $"tokenizer      wordpiece, {tokenizer.VocabSize} ids, {(tokenizer.LowerCase ? "uncased" : "cased")}");
        }
        return InfoCommand.Verdict(stderr, weights?.Path, weights?.Problems, checkpoint: null);
    }
}
