using LlmForge.Checkpoints;
using static LlmForge.Cli.Commands.Info.InfoWriter;

namespace LlmForge.Cli.Commands.Info;

/// <summary><c>llmforge info</c> for an encoder-decoder (MarianMT) directory: its config keys, parameter count, weights check and tokenizer files.</summary>
internal static class MarianInfo
{
    /// <summary>The SentencePiece files an opus-mt directory ships beside the weights.</summary>
    private static readonly string[] TokenizerFiles = ["source.spm", "target.spm", "vocab.json"];

    /// <returns>The exit code: 1 when model.safetensors does not match config.json or would not load (see <see cref="MarianCheckpoint.Check"/>).</returns>
    public static int Write(TextWriter o, TextWriter stderr, string directory, bool json)
    {
        string configPath = Path.Combine(directory, MarianConfigJson.FileName);
        var c = MarianConfigJson.Load(configPath);
        string modelType = BertConfigJson.ReadModelType(configPath) ?? MarianConfigJson.MarianModelType;
        var report = ModelWeights.Exists(directory) ? MarianCheckpoint.Check(directory) : null;
        Weights? weights = report is null ? null : new(report.Path, report.Matches, report.Tensors, report.Parameters, report.DTypes, report.Problems);
        long parameters = MarianParameterMap.ParameterCount(c);
        string normPosition = c.NormPosition.ToString().ToLowerInvariant();
        string activation = Layers.ActivationFunctions.Name(c.Activation);
        var tokenizerFiles = TokenizerFiles.Where(f => File.Exists(Path.Combine(directory, f))).ToList();

        if (json)
        {
            Json(o, w =>
            {
                w.WriteString("model_type", modelType);
                w.WriteString("architecture", "MarianMTModel");
                w.WriteNumber("encoder_layers", c.EncoderLayers);
                w.WriteNumber("decoder_layers", c.DecoderLayers);
                w.WriteNumber("encoder_attention_heads", c.EncoderHeads);
                w.WriteNumber("decoder_attention_heads", c.DecoderHeads);
                w.WriteNumber("d_model", c.ModelDim);
                w.WriteNumber("encoder_ffn_dim", c.EncoderFfnDim);
                w.WriteNumber("decoder_ffn_dim", c.DecoderFfnDim);
                w.WriteNumber("max_position_embeddings", c.MaxPositions);
                w.WriteNumber("vocab_size", c.VocabSize);
                w.WriteString("activation_function", activation);
                w.WriteBoolean("scale_embedding", c.ScaleEmbedding);
                w.WriteString("layer_norm_position", normPosition);
                w.WriteNumber("pad_token_id", c.PadTokenId);
                w.WriteNumber("eos_token_id", c.EosTokenId);
                w.WriteNumber("decoder_start_token_id", c.DecoderStartTokenId);
                w.WriteNumber("parameters", parameters);
                WeightsJson(w, weights, withDTypes: false);
                w.WriteStartArray("tokenizer_files");
                foreach (var f in tokenizerFiles) w.WriteStringValue(f);
                w.WriteEndArray();
            });
        }
        else
        {
            Line(o, "model", directory);
            Line(o, "model_type", $"{modelType} (MarianMTModel, encoder-decoder)");
            Line(o, "layers", $"{c.EncoderLayers} encoder + {c.DecoderLayers} decoder (encoder_layers, decoder_layers), {normPosition}-LN");
            Line(o, "heads", $"{c.EncoderHeads} encoder, {c.DecoderHeads} decoder (self- and cross-attention), head dim {c.HeadDim}");
            Line(o, "hidden", $"{c.ModelDim} (d_model), ffn {c.EncoderFfnDim} / {c.DecoderFfnDim}, {activation}" +
                (c.ScaleEmbedding ? ", embeddings ×√d_model" : ""));
            Line(o, "positions", $"{c.MaxPositions} (max_position_embeddings), fixed sinusoids");
            Line(o, "vocab", $"{c.VocabSize} (vocab_size, shared by source and target), pad {c.PadTokenId}, eos {c.EosTokenId}, decoder start {c.DecoderStartTokenId}");
            Line(o, "parameters", $"{Count(parameters)} (lm_head tied to model.shared)");
            WeightsLine(o, MarianCheckpoint.WeightsFileName, weights, "MarianMTModel");
            TokenizerLine(o, tokenizerFiles.Count == 0 ? null : $"sentencepiece files {string.Join(", ", tokenizerFiles)}");
        }
        return Verdict(stderr, weights, checkpoint: null);
    }
}
