using System.Text;
using System.Text.Json;
using LlmForge.Diagnostics;
using LlmForge.Layers;

namespace LlmForge.Checkpoints;

/// <summary>
/// <see cref="GptConfig"/> ↔ Hugging Face GPT-2 <c>config.json</c> (model_type "gpt2", or "llmforge-gpt" for the
/// layouts transformers cannot compute; GPT2Config's key names), plus LlmForge's own keys: qkv_bias, position_embedding_type, rope_theta,
/// sliding_window, normalization, feed_forward (written only when "gated"), sink_token (written only when true), and "llmforge" (the component kinds by name, see <see cref="ComponentKindsJson"/>). Keys absent from the file take GPT2Config's defaults, except the
/// five that fix the architecture's size, which are required. Other HF keys are ignored, but those
/// that would change the math unsupportedly (scale_attn_by_inverse_layer_idx, …) are rejected.
/// </summary>
public static class GptConfigJson
{
    /// <summary>The config file's name in a model directory (Hugging Face's).</summary>
    public const string FileName = "config.json";

    /// <summary>The model_type of a layout transformers' GPT2LMHeadModel computes exactly.</summary>
    public const string Gpt2ModelType = "gpt2";

    /// <summary>
    /// The model_type of every other layout (rotary or sinusoidal positions, RMSNorm, a sliding window, a gated feed-forward, no q/k/v
    /// bias): transformers refuses an unknown model_type, where "gpt2" would load it with a warning and compute
    /// wrong logits. Both are read; older LlmForge directories label these "gpt2" too.
    /// </summary>
    public const string LlmForgeModelType = "llmforge-gpt";

    /// <summary>Whether <paramref name="config"/> is a layout transformers' GPT-2 computes exactly (what "gpt2" may label).</summary>
    public static bool IsHuggingFaceGpt2(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.PositionEmbedding == PositionEmbeddingType.Absolute && config.Normalization == NormalizationType.LayerNorm
            && config.SlidingWindow is null && config.QkvBias && config.FeedForward == FeedForwardType.Mlp && config.Kinds is null
            && config.RopeConvention == RotaryConvention.RotateHalf;
    }

    /// <summary>Reads and validates a config.json.</summary>
    /// <exception cref="CheckpointFormatException">Invalid JSON, a missing required key, a wrong type or an invalid value; the message names the file and key.</exception>
    public static GptConfig Load(string path) => Parse(ModelFile.ReadAllText(path), path);

    /// <summary>
    /// Parses config.json text; <paramref name="source"/> names it in error messages. A Llama-layout model_type
    /// ("llama", "qwen2", "mistral") is read by <see cref="LlamaConfigJson.Parse"/>.
    /// </summary>
    public static GptConfig Parse(string json, string source = FileName)
    {
        using (var document = ConfigJsonKeys.ParseObject(json, source, "a config"))
        {
            var keys = new ConfigJsonKeys(document.RootElement, source);

            string modelType = keys.RequiredString("model_type");
            if (LlamaConfigJson.Handles(modelType)) return LlamaConfigJson.Parse(json, source);
            if (modelType is not (Gpt2ModelType or LlmForgeModelType))
            {
                throw keys.Error("model_type", $"is \"{Printable.Escape(modelType)}\"; this reader handles \"{Gpt2ModelType}\", \"{LlmForgeModelType}\", " +
                    $"\"{LlamaConfigJson.LlamaModelType}\", \"{LlamaConfigJson.Qwen2ModelType}\" and \"{LlamaConfigJson.MistralModelType}\" configs only.");
            }
            keys.Unsupported("scale_attn_weights", expected: true, why: "attention is always scaled by 1/sqrt(head_dim)");
            keys.Unsupported("scale_attn_by_inverse_layer_idx", expected: false, why: "attention is scaled by 1/sqrt(head_dim) only");
            keys.Unsupported("add_cross_attention", expected: false, why: "GPT blocks have no cross-attention");

            var config = new GptConfig
            {
                VocabSize = keys.RequiredInt("vocab_size"),
                ContextLength = keys.RequiredInt("n_positions"),
                EmbeddingDim = keys.RequiredInt("n_embd"),
                Layers = keys.RequiredInt("n_layer"),
                Heads = keys.RequiredInt("n_head"),
                InnerDim = keys.OptionalNullableInt("n_inner"),
                Activation = keys.OptionalEnum("activation_function", ActivationFunction.GeluTanh, ActivationNames),
                LayerNormEpsilon = keys.OptionalFloat("layer_norm_epsilon", 1e-5f),
                ResidualDropRate = keys.OptionalFloat("resid_pdrop", 0.1f),
                EmbeddingDropRate = keys.OptionalFloat("embd_pdrop", 0.1f),
                AttentionDropRate = keys.OptionalFloat("attn_pdrop", 0.1f),
                InitializerRange = keys.OptionalFloat("initializer_range", 0.02f),
                BosTokenId = keys.OptionalInt("bos_token_id", 50256),
                EosTokenId = keys.OptionalInt("eos_token_id", 50256),
                TieWeights = keys.OptionalBool("tie_word_embeddings", true),
                QkvBias = keys.OptionalBool("qkv_bias", true),
                PositionEmbedding = keys.OptionalEnum("position_embedding_type", PositionEmbeddingType.Absolute, PositionNames),
                RopeTheta = keys.OptionalDouble("rope_theta", 10000),
                RopeConvention = keys.OptionalEnum(LlamaConfigJson.RopeConventionKey, RotaryConvention.RotateHalf, LlamaConfigJson.ConventionNames),
                SlidingWindow = keys.OptionalNullableInt("sliding_window"),
                Normalization = keys.OptionalEnum("normalization", NormalizationType.LayerNorm, NormalizationNames),
                FeedForward = keys.OptionalEnum(FeedForwardKey, FeedForwardType.Mlp, FeedForwardNames),
                SinkToken = keys.OptionalBool(SinkTokenKey, false),
                Kinds = ComponentKindsJson.Read(keys),
            };
            if (config.FindError() is { } error)
            {
                throw new CheckpointFormatException(source, error);
            }
            return config;
        }
    }

    /// <summary>Validates <paramref name="config"/> and writes it as config.json, atomically.</summary>
    public static void Save(GptConfig config, string path) => AtomicFile.WriteAllText(path, ToJson(config));

    /// <summary>The config.json text: HF GPT-2 keys first, then LlmForge's; a Llama layout's is <see cref="LlamaConfigJson.ToJson"/>.</summary>
    public static string ToJson(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (config.IsLlamaLayout) return LlamaConfigJson.ToJson(config);
        config.Validate();
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            bool huggingFace = IsHuggingFaceGpt2(config);
            json.WriteStartArray("architectures");
            json.WriteStringValue(huggingFace ? "GPT2LMHeadModel" : "LlmForgeGptForCausalLM");
            json.WriteEndArray();
            json.WriteString("model_type", huggingFace ? Gpt2ModelType : LlmForgeModelType);
            json.WriteNumber("vocab_size", config.VocabSize);
            json.WriteNumber("n_positions", config.ContextLength);
            json.WriteNumber("n_embd", config.EmbeddingDim);
            json.WriteNumber("n_layer", config.Layers);
            json.WriteNumber("n_head", config.Heads);
            WriteNullable(json, "n_inner", config.InnerDim);
            json.WriteString("activation_function", ActivationFunctions.Name(config.Activation));
            json.WriteNumber("layer_norm_epsilon", config.LayerNormEpsilon);
            json.WriteNumber("resid_pdrop", config.ResidualDropRate);
            json.WriteNumber("embd_pdrop", config.EmbeddingDropRate);
            json.WriteNumber("attn_pdrop", config.AttentionDropRate);
            json.WriteNumber("initializer_range", config.InitializerRange);
            // GPT2Config's default 50256 is not an id of a smaller vocabulary (a char model's): such ids are left out.
            if (config.BosTokenId < config.VocabSize) json.WriteNumber("bos_token_id", config.BosTokenId);
            if (config.EosTokenId < config.VocabSize) json.WriteNumber("eos_token_id", config.EosTokenId);
            json.WriteBoolean("tie_word_embeddings", config.TieWeights);
            json.WriteBoolean("qkv_bias", config.QkvBias);
            json.WriteString("position_embedding_type", NameOf(config.PositionEmbedding, PositionNames));
            json.WriteNumber("rope_theta", config.RopeTheta);
            // Only when interleaved: a rotate-half model's config.json stays what it was before the key existed.
            if (config.RopeConvention != RotaryConvention.RotateHalf)
                json.WriteString(LlamaConfigJson.RopeConventionKey, NameOf(config.RopeConvention, LlamaConfigJson.ConventionNames));
            WriteNullable(json, "sliding_window", config.SlidingWindow);
            json.WriteString("normalization", NameOf(config.Normalization, NormalizationNames));
            // Only when gated: a plain-MLP model's config.json stays byte for byte what it was before the key existed.
            if (config.FeedForward != FeedForwardType.Mlp) json.WriteString(FeedForwardKey, NameOf(config.FeedForward, FeedForwardNames));
            // Only when set: a model without a sink token keeps the config.json it had before the key existed.
            if (config.SinkToken) json.WriteBoolean(SinkTokenKey, true);
            if (config.Kinds is { } kinds) ComponentKindsJson.Write(json, kinds);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    // The first name of each value is the one written; the others are accepted on read.
    private static readonly (string Name, ActivationFunction Value)[] ActivationNames = [.. ActivationFunctions.ConfigNames];

    private const string FeedForwardKey = "feed_forward";

    private const string SinkTokenKey = "sink_token";

    private static readonly (string Name, FeedForwardType Value)[] FeedForwardNames =
        [("mlp", FeedForwardType.Mlp), ("gated", FeedForwardType.Gated)];

    private static readonly (string Name, PositionEmbeddingType Value)[] PositionNames =
    [
        ("absolute", PositionEmbeddingType.Absolute), ("sinusoidal", PositionEmbeddingType.Sinusoidal),
        ("rotary", PositionEmbeddingType.Rotary), ("rope", PositionEmbeddingType.Rotary),
    ];

    private static readonly (string Name, NormalizationType Value)[] NormalizationNames =
        [("layernorm", NormalizationType.LayerNorm), ("rmsnorm", NormalizationType.RmsNorm)];

    private static string NameOf<T>(T value, (string Name, T Value)[] names) where T : struct, Enum =>
        names.First(n => EqualityComparer<T>.Default.Equals(n.Value, value)).Name;

    private static void WriteNullable(Utf8JsonWriter json, string key, int? value)
    {
        if (value is int v)
        {
            json.WriteNumber(key, v);
        }
        else
        {
            json.WriteNull(key);
        }
    }
}
