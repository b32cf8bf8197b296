using System.Text;
using System.Text.Json;
using LlmForge.Diagnostics;
using LlmForge.EncoderDecoder;
using LlmForge.Layers;

namespace LlmForge.Checkpoints;

/// <summary>
/// <see cref="EncoderDecoderConfig"/> ↔ Hugging Face MarianMT <c>config.json</c> (model_type "marian", or
/// "llmforge-marian" for the pre-LN layout transformers' Marian does not compute). The size keys are required; the
/// others take the config's defaults. Keys that would change the math in ways not implemented here — separate source
/// and target vocabularies, learned positions, an embedding norm, a final norm in a post-LN model — are rejected,
/// naming the key.
/// </summary>
public static class MarianConfigJson
{
    /// <summary>The config file's name in a model directory.</summary>
    public const string FileName = "config.json";

    /// <summary>The model_type of a MarianMT layout (post-LN).</summary>
    public const string MarianModelType = "marian";

    /// <summary>The model_type LlmForge writes for its pre-LN encoder-decoder, which transformers' Marian would compute wrong.</summary>
    public const string LlmForgeModelType = "llmforge-marian";

    /// <summary>Whether <paramref name="modelType"/> names a config this reader handles.</summary>
    public static bool IsMarianModelType(string? modelType) => modelType is MarianModelType or LlmForgeModelType;

    /// <summary>Reads and validates a config.json.</summary>
    /// <exception cref="CheckpointFormatException">Invalid JSON, a missing or mistyped key or an invalid value; the message names the file and key.</exception>
    public static EncoderDecoderConfig Load(string path) => Parse(ModelFile.ReadAllText(path), path);

    /// <summary>Parses config.json text; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="CheckpointFormatException">A bad key (every bad value is one line of the message).</exception>
    public static EncoderDecoderConfig Parse(string json, string source = FileName)
    {
        using var document = ConfigJsonKeys.ParseObject(json, source, "a config");
        var keys = new ConfigJsonKeys(document.RootElement, source);
        string modelType = keys.RequiredString("model_type");
        if (!IsMarianModelType(modelType))
            throw keys.Error("model_type", $"is \"{Printable.Escape(modelType)}\"; this reader handles \"{MarianModelType}\" and \"{LlmForgeModelType}\" configs only.");
        keys.Unsupported("share_encoder_decoder_embeddings", expected: true, why: "source and target share one vocabulary and embedding here");
        keys.Unsupported("static_position_embeddings", expected: true, why: "positions are Marian's fixed sinusoids here");
        keys.Unsupported("normalize_embedding", expected: false, why: "there is no norm on the embeddings here");
        keys.Unsupported("tie_word_embeddings", expected: true, why: "the output layer is the shared embedding here");
        bool preLn = keys.OptionalBool("normalize_before", false);
        if (!preLn && modelType == LlmForgeModelType)
            throw keys.Error("normalize_before", $"is false: a post-LN model is model_type \"{MarianModelType}\".");
        if (preLn && modelType == MarianModelType)
            throw keys.Error("normalize_before", $"is true, which transformers' Marian does not compute: a pre-LN model is model_type \"{LlmForgeModelType}\".");
        keys.Unsupported("add_final_layer_norm", expected: preLn, why: "a final norm after each stack comes with normalize_before (pre-LN) here");
        if (keys.OptionalFloat("activation_dropout", 0f) != 0f)
            throw keys.Error("activation_dropout", "is not 0, which is not supported: the feed-forward has no dropout inside here.");

        int vocab = keys.RequiredInt("vocab_size");
        if (keys.Get("decoder_vocab_size") is not null && keys.OptionalNullableInt("decoder_vocab_size") is int decoderVocab && decoderVocab != vocab)
            throw keys.Error("decoder_vocab_size", $"is {decoderVocab}, not vocab_size {vocab}: source and target share one vocabulary here.");
        int pad = keys.RequiredInt("pad_token_id");
        var config = new EncoderDecoderConfig
        {
            VocabSize = vocab,
            ModelDim = keys.RequiredInt("d_model"),
            EncoderLayers = keys.RequiredInt("encoder_layers"),
            DecoderLayers = keys.RequiredInt("decoder_layers"),
            EncoderHeads = keys.RequiredInt("encoder_attention_heads"),
            DecoderHeads = keys.RequiredInt("decoder_attention_heads"),
            EncoderFfnDim = keys.RequiredInt("encoder_ffn_dim"),
            DecoderFfnDim = keys.RequiredInt("decoder_ffn_dim"),
            Activation = keys.OptionalEnum("activation_function", ActivationFunction.Silu, [.. ActivationFunctions.ConfigNames]),
            ScaleEmbedding = keys.OptionalBool("scale_embedding", false),
            MaxPositions = keys.RequiredInt("max_position_embeddings"),
            PadTokenId = pad,
            EosTokenId = keys.RequiredInt("eos_token_id"),
            DecoderStartTokenId = keys.OptionalInt("decoder_start_token_id", pad),
            NormPosition = preLn ? LayerNormPosition.Pre : LayerNormPosition.Post,
            LayerNormEpsilon = keys.OptionalFloat("layer_norm_eps", 1e-5f),
            DropRate = keys.OptionalFloat("dropout", 0.1f),
            AttentionDropRate = keys.OptionalFloat("attention_dropout", 0f),
            InitStd = keys.OptionalFloat("init_std", 0.02f),
        };
        var problems = config.Problems();
        if (problems.Count > 0) throw new CheckpointFormatException(source, string.Join(Environment.NewLine, problems));
        return config;
    }

    /// <summary>Validates <paramref name="config"/> and writes it as config.json, atomically.</summary>
    public static void Save(EncoderDecoderConfig config, string path) => AtomicFile.WriteAllText(path, ToJson(config));

    /// <summary>The config.json text: MarianConfig's keys (what MarianMTModel.save_pretrained writes that changes the math).</summary>
    public static string ToJson(EncoderDecoderConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        bool marian = config.NormPosition == LayerNormPosition.Post;
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("architectures");
            json.WriteStringValue(marian ? "MarianMTModel" : "LlmForgeMarianMTModel");
            json.WriteEndArray();
            json.WriteString("model_type", marian ? MarianModelType : LlmForgeModelType);
            json.WriteNumber("vocab_size", config.VocabSize);
            json.WriteNumber("decoder_vocab_size", config.VocabSize);
            json.WriteNumber("d_model", config.ModelDim);
            json.WriteNumber("encoder_layers", config.EncoderLayers);
            json.WriteNumber("decoder_layers", config.DecoderLayers);
            json.WriteNumber("encoder_attention_heads", config.EncoderHeads);
            json.WriteNumber("decoder_attention_heads", config.DecoderHeads);
            json.WriteNumber("encoder_ffn_dim", config.EncoderFfnDim);
            json.WriteNumber("decoder_ffn_dim", config.DecoderFfnDim);
            json.WriteString("activation_function", config.Activation == ActivationFunction.Silu ? "swish" : ActivationFunctions.Name(config.Activation));
            json.WriteBoolean("scale_embedding", config.ScaleEmbedding);
            json.WriteNumber("max_position_embeddings", config.MaxPositions);
            json.WriteBoolean("static_position_embeddings", true);
            json.WriteBoolean("share_encoder_decoder_embeddings", true);
            json.WriteBoolean("tie_word_embeddings", true);
            json.WriteBoolean("normalize_before", !marian);
            json.WriteBoolean("add_final_layer_norm", !marian);
            json.WriteNumber("pad_token_id", config.PadTokenId);
            json.WriteNumber("eos_token_id", config.EosTokenId);
            json.WriteNumber("forced_eos_token_id", config.EosTokenId);
            json.WriteNumber("decoder_start_token_id", config.DecoderStartTokenId);
            json.WriteStartArray("bad_words_ids"); // generate() never picks the pad token
            json.WriteStartArray();
            json.WriteNumberValue(config.PadTokenId);
            json.WriteEndArray();
            json.WriteEndArray();
            json.WriteNumber("layer_norm_eps", config.LayerNormEpsilon);
            json.WriteNumber("dropout", config.DropRate);
            json.WriteNumber("attention_dropout", config.AttentionDropRate);
            json.WriteNumber("activation_dropout", 0);
            json.WriteNumber("init_std", config.InitStd);
            json.WriteBoolean("is_encoder_decoder", true);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }
}
