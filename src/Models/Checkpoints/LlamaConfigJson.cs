using System.Text;
using System.Text.Json;
using LlmForge.Diagnostics;
using LlmForge.Layers;

namespace LlmForge.Checkpoints;

/// <summary>
/// <see cref="GptConfig"/> ↔ a Hugging Face LlamaForCausalLM <c>config.json</c> (model_type "llama", and the same
/// layout's "qwen2" — q/k/v biases, no o_proj bias — and "mistral" — sliding_window): hidden_size,
/// intermediate_size, num_hidden_layers, num_attention_heads, num_key_value_heads, hidden_act,
/// max_position_embeddings, rms_norm_eps, rope_theta, rope_scaling, tie_word_embeddings, attention_bias, mlp_bias,
/// bos/eos_token_id and head_dim. Such a model is always pre-RMSNorm, rotary (rotate_half unless LlmForge's
/// rope_convention says "interleaved") with a gated feed-forward; absent keys take transformers' LlamaConfig defaults
/// except the sizes, which are required. Read through <see cref="GptConfigJson.Parse"/>, which hands these model
/// types here.
/// </summary>
public static class LlamaConfigJson
{
    /// <summary>model_type "llama" (Llama 2/3, TinyLlama, SmolLM2).</summary>
    public const string LlamaModelType = "llama";

    /// <summary>model_type "qwen2": q, k, v biased, o_proj not.</summary>
    public const string Qwen2ModelType = "qwen2";

    /// <summary>model_type "mistral": sliding_window.</summary>
    public const string MistralModelType = "mistral";

    /// <summary>Whether <paramref name="modelType"/> is one of the Llama-layout types this reader handles.</summary>
    public static bool Handles(string modelType) => modelType is LlamaModelType or Qwen2ModelType or MistralModelType;

    /// <summary>Parses config.json text of a Llama-layout model; <paramref name="source"/> names it in error messages.</summary>
    /// <exception cref="CheckpointFormatException">A missing size, a wrong type, an unsupported rope_scaling or hidden_act,
    /// a head_dim other than hidden_size / num_attention_heads, or an invalid value; the message names the file and key.</exception>
    public static GptConfig Parse(string json, string source = GptConfigJson.FileName)
    {
        using var document = ConfigJsonKeys.ParseObject(json, source, "a config");
        var keys = new ConfigJsonKeys(document.RootElement, source);
        string modelType = keys.RequiredString("model_type");
        if (!Handles(modelType))
            throw keys.Error("model_type", $"is \"{Printable.Escape(modelType)}\"; this reader handles \"{LlamaModelType}\", \"{Qwen2ModelType}\" and \"{MistralModelType}\" only.");

        int hidden = keys.RequiredInt("hidden_size"), heads = keys.RequiredInt("num_attention_heads");
        if (keys.OptionalNullableInt("head_dim") is int headDim && (heads <= 0 || headDim * heads != hidden))
            throw keys.Error("head_dim", $"is {headDim} but hidden_size / num_attention_heads is {hidden} / {heads}; only head_dim = hidden_size / num_attention_heads is supported.");
        bool qwen2 = modelType == Qwen2ModelType;
        bool attentionBias = keys.OptionalBool("attention_bias", false);
        int? window = modelType switch
        {
            MistralModelType => keys.OptionalNullableInt("sliding_window"),
            Qwen2ModelType when keys.OptionalBool("use_sliding_window", false) => keys.OptionalNullableInt("sliding_window"),
            _ => null,
        };
        var config = new GptConfig
        {
            ModelType = modelType,
            VocabSize = keys.RequiredInt("vocab_size"),
            ContextLength = keys.RequiredInt("max_position_embeddings"),
            EmbeddingDim = hidden,
            Layers = keys.RequiredInt("num_hidden_layers"),
            Heads = heads,
            KvHeads = keys.OptionalNullableInt("num_key_value_heads"),
            InnerDim = keys.RequiredInt("intermediate_size"),
            FeedForward = FeedForwardType.Gated,
            Activation = keys.OptionalEnum("hidden_act", ActivationFunction.Silu, GateNames),
            Normalization = NormalizationType.RmsNorm,
            LayerNormEpsilon = keys.OptionalFloat("rms_norm_eps", 1e-6f),
            PositionEmbedding = PositionEmbeddingType.Rotary,
            RopeTheta = keys.OptionalDouble("rope_theta", 10000),
            RopeScaling = ReadRopeScaling(keys),
            RopeConvention = keys.OptionalEnum(RopeConventionKey, RotaryConvention.RotateHalf, ConventionNames),
            SlidingWindow = window,
            TieWeights = keys.OptionalBool("tie_word_embeddings", false),
            QkvBias = qwen2 || attentionBias,
            AttentionOutputBias = !qwen2 && attentionBias,
            MlpBias = keys.OptionalBool("mlp_bias", false),
            EmbeddingDropRate = 0f,
            AttentionDropRate = keys.OptionalFloat("attention_dropout", 0f),
            ResidualDropRate = 0f,
            InitializerRange = keys.OptionalFloat("initializer_range", 0.02f),
            BosTokenId = keys.OptionalInt("bos_token_id", 1),
            EosTokenId = FirstId(keys, "eos_token_id", 2),
        };
        if (config.FindError() is { } error) throw new CheckpointFormatException(source, error);
        return config;
    }

    /// <summary>Validates <paramref name="config"/> (a Llama layout) and writes it as config.json, atomically.</summary>
    public static void Save(GptConfig config, string path) => AtomicFile.WriteAllText(path, ToJson(config));

    /// <summary>The config.json text transformers' LlamaConfig (Qwen2Config, MistralConfig) reads.</summary>
    /// <exception cref="ArgumentException">An invalid config, or one not in the Llama layout (<see cref="GptConfig.ModelType"/> null).</exception>
    public static string ToJson(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        if (!config.IsLlamaLayout) throw new ArgumentException("LlamaConfigJson: the config is in the GPT-2 layout (ModelType null); GptConfigJson writes it.", nameof(config));
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("architectures");
            json.WriteStringValue(config.ModelType switch
            {
                Qwen2ModelType => "Qwen2ForCausalLM",
                MistralModelType => "MistralForCausalLM",
                _ => "LlamaForCausalLM",
            });
            json.WriteEndArray();
            json.WriteString("model_type", config.ModelType);
            json.WriteNumber("vocab_size", config.VocabSize);
            json.WriteNumber("hidden_size", config.EmbeddingDim);
            json.WriteNumber("intermediate_size", config.FeedForwardDim);
            json.WriteNumber("num_hidden_layers", config.Layers);
            json.WriteNumber("num_attention_heads", config.Heads);
            json.WriteNumber("num_key_value_heads", config.KeyValueHeads);
            json.WriteNumber("head_dim", config.HeadDim);
            json.WriteString("hidden_act", GateNames.First(n => n.Value == config.Activation).Name);
            json.WriteNumber("max_position_embeddings", config.ContextLength);
            json.WriteNumber("rms_norm_eps", config.LayerNormEpsilon);
            json.WriteNumber("rope_theta", config.RopeTheta);
            WriteRopeScaling(json, config.RopeScaling);
            json.WriteBoolean("tie_word_embeddings", config.TieWeights);
            if (config.ModelType != Qwen2ModelType) json.WriteBoolean("attention_bias", config.QkvBias);
            json.WriteBoolean("mlp_bias", config.MlpBias);
            json.WriteNumber("attention_dropout", config.AttentionDropRate);
            json.WriteNumber("initializer_range", config.InitializerRange);
            if (config.BosTokenId < config.VocabSize) json.WriteNumber("bos_token_id", config.BosTokenId);
            if (config.EosTokenId < config.VocabSize) json.WriteNumber("eos_token_id", config.EosTokenId);
            if (config.ModelType == MistralModelType)
            {
                if (config.SlidingWindow is int w) json.WriteNumber("sliding_window", w);
                else json.WriteNull("sliding_window");
            }
            if (config.RopeConvention != RotaryConvention.RotateHalf)
                json.WriteString(RopeConventionKey, ConventionNames.First(n => n.Value == config.RopeConvention).Name);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>LlmForge's key for the rotary pairing; transformers' Llama is always rotate_half (absent = that).</summary>
    public const string RopeConventionKey = "rope_convention";

    // The gate's function: SwiGLU (silu), GeGLU (gelu_pytorch_tanh, gelu). The first name of each value is written.
    private static readonly (string Name, ActivationFunction Value)[] GateNames =
    [
        ("silu", ActivationFunction.Silu), ("swish", ActivationFunction.Silu),
        ("gelu_pytorch_tanh", ActivationFunction.GeluTanh), ("gelu_new", ActivationFunction.GeluTanh), ("gelu", ActivationFunction.GeluErf),
    ];

    /// <summary>rope_convention's values (the GPT-2 layout's config.json reads the key too).</summary>
    internal static readonly (string Name, RotaryConvention Value)[] ConventionNames =
        [("rotate_half", RotaryConvention.RotateHalf), ("interleaved", RotaryConvention.Interleaved)];

    /// <summary>rope_scaling: null or {"rope_type" (or "type"): "llama3" | "linear" | "default", factor, …}.</summary>
    private static RopeScaling? ReadRopeScaling(ConfigJsonKeys keys)
    {
        if (keys.Get("rope_scaling") is not { } value) return null;
        if (value.ValueKind != JsonValueKind.Object) throw keys.WrongType("rope_scaling", value, "an object or null");
        var scaling = keys.RequiredObject("rope_scaling");
        string typeKey = scaling.Get("rope_type") is not null ? "rope_type" : "type";
        string type = scaling.RequiredString(typeKey);
        RopeScaling? result = type switch
        {
            "default" => null,
            "linear" => new RopeScaling(RopeScalingType.Linear, scaling.OptionalDouble("factor", double.NaN)),
            "llama3" => new RopeScaling(RopeScalingType.Llama3, scaling.OptionalDouble("factor", double.NaN),
                scaling.OptionalDouble("low_freq_factor", double.NaN), scaling.OptionalDouble("high_freq_factor", double.NaN),
                scaling.OptionalInt("original_max_position_embeddings", 0)),
            _ => throw scaling.Error(typeKey, $"is \"{Printable.Escape(type)}\", which is not supported (expected \"llama3\", \"linear\" or \"default\")."),
        };
        if (result?.FindError() is { } error) throw keys.Error("rope_scaling", $"is invalid: {error}");
        return result;
    }

    private static void WriteRopeScaling(Utf8JsonWriter json, RopeScaling? scaling)
    {
        if (scaling is null)
        {
            json.WriteNull("rope_scaling");
            return;
        }
        json.WriteStartObject("rope_scaling");
        json.WriteString("rope_type", scaling.Type == RopeScalingType.Llama3 ? "llama3" : "linear");
        json.WriteNumber("factor", scaling.Factor);
        if (scaling.Type == RopeScalingType.Llama3)
        {
            json.WriteNumber("low_freq_factor", scaling.LowFreqFactor);
            json.WriteNumber("high_freq_factor", scaling.HighFreqFactor);
            json.WriteNumber("original_max_position_embeddings", scaling.OriginalMaxPositionEmbeddings);
        }
        json.WriteEndObject();
    }

    /// <summary>An id, or the first of a list of ids (Llama 3's eos_token_id [128001, 128008, 128009]).</summary>
    private static int FirstId(ConfigJsonKeys keys, string key, int fallback)
    {
        if (keys.Get(key) is not { } value) return fallback;
        if (value.ValueKind != JsonValueKind.Array) return keys.OptionalInt(key, fallback);
        foreach (var item in value.EnumerateArray())
            return item.ValueKind == JsonValueKind.Number && item.TryGetInt32(out int id) ? id : throw keys.WrongType(key, value, "an integer or a list of integers");
        throw keys.WrongType(key, value, "an integer or a non-empty list of integers");
    }
}
