using System.Text;
using System.Text.Json;
using LlmForge.Backends;
using LlmForge.Diagnostics;

namespace LlmForge.Checkpoints;

/// <summary>
/// <see cref="GptConfig"/> ↔ Hugging Face GPT-2 <c>config.json</c> (model_type "gpt2", GPT2Config's
/// key names), plus LlmForge's own keys: qkv_bias, position_embedding_type, rope_theta,
/// sliding_window, normalization. Keys absent from the file take GPT2Config's defaults, except the
/// five that fix the architecture's size, which are required. Other HF keys are ignored, but those
/// that would change the math unsupportedly (scale_attn_by_inverse_layer_idx, …) are rejected.
/// </summary>
public static class GptConfigJson
{
    public const string FileName = "config.json";

    /// <summary>Reads and validates a config.json.</summary>
    /// <exception cref="CheckpointFormatException">Invalid JSON, a missing required key, a wrong type or an invalid value; the message names the file and key.</exception>
    public static GptConfig Load(string path) => Parse(File.ReadAllText(path, Encoding.UTF8), path);

    /// <summary>Parses config.json text; <paramref name="source"/> names it in error messages.</summary>
    public static GptConfig Parse(string json, string source = FileName)
    {
        using (var document = ConfigJsonKeys.ParseObject(json, source, "a config"))
        {
            var keys = new JsonKeys(document.RootElement, source);

            string modelType = keys.RequiredString("model_type");
            if (modelType != "gpt2")
            {
                throw keys.Error("model_type", $"is \"{Printable.Escape(modelType)}\"; this reader handles \"gpt2\" configs only.");
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
                Activation = keys.OptionalEnum("activation_function", GeluApproximation.Tanh, ActivationNames),
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
                SlidingWindow = keys.OptionalNullableInt("sliding_window"),
                Normalization = keys.OptionalEnum("normalization", NormalizationType.LayerNorm, NormalizationNames),
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

    /// <summary>The config.json text: HF GPT-2 keys first, then LlmForge's.</summary>
    public static string ToJson(GptConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            json.WriteStartArray("architectures");
            json.WriteStringValue("GPT2LMHeadModel");
            json.WriteEndArray();
            json.WriteString("model_type", "gpt2");
            json.WriteNumber("vocab_size", config.VocabSize);
            json.WriteNumber("n_positions", config.ContextLength);
            json.WriteNumber("n_embd", config.EmbeddingDim);
            json.WriteNumber("n_layer", config.Layers);
            json.WriteNumber("n_head", config.Heads);
            WriteNullable(json, "n_inner", config.InnerDim);
            json.WriteString("activation_function", NameOf(config.Activation, ActivationNames));
            json.WriteNumber("layer_norm_epsilon", config.LayerNormEpsilon);
            json.WriteNumber("resid_pdrop", config.ResidualDropRate);
            json.WriteNumber("embd_pdrop", config.EmbeddingDropRate);
            json.WriteNumber("attn_pdrop", config.AttentionDropRate);
            json.WriteNumber("initializer_range", config.InitializerRange);
            json.WriteNumber("bos_token_id", config.BosTokenId);
            json.WriteNumber("eos_token_id", config.EosTokenId);
            json.WriteBoolean("tie_word_embeddings", config.TieWeights);
            json.WriteBoolean("qkv_bias", config.QkvBias);
            json.WriteString("position_embedding_type", NameOf(config.PositionEmbedding, PositionNames));
            json.WriteNumber("rope_theta", config.RopeTheta);
            WriteNullable(json, "sliding_window", config.SlidingWindow);
            json.WriteString("normalization", NameOf(config.Normalization, NormalizationNames));
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    // The first name of each value is the one written; the others are accepted on read.
    private static readonly (string Name, GeluApproximation Value)[] ActivationNames =
    [
        ("gelu_new", GeluApproximation.Tanh), ("gelu_pytorch_tanh", GeluApproximation.Tanh),
        ("gelu_fast", GeluApproximation.Tanh), ("gelu", GeluApproximation.Erf),
    ];

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

    /// <summary>Typed access to the root object's keys, with errors naming the file and key.</summary>
    private readonly struct JsonKeys(JsonElement root, string source)
    {
        public CheckpointFormatException Error(string key, string message) => new(source, $"key \"{key}\" {message}");

        private JsonElement? Get(string key) => root.TryGetProperty(key, out JsonElement value) ? value : null;

        private JsonElement Required(string key) =>
            Get(key) ?? throw new CheckpointFormatException(source, $"required key \"{key}\" is missing.");

        private CheckpointFormatException WrongType(string key, JsonElement value, string expected)
        {
            string raw = value.GetRawText();
            return Error(key, $"must be {expected}, got {Printable.Escape(raw, 40)}.");
        }

        public string RequiredString(string key)
        {
            JsonElement value = Required(key);
            return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw WrongType(key, value, "a string");
        }

        public int RequiredInt(string key) => AsInt(key, Required(key));

        public int OptionalInt(string key, int fallback) => Get(key) is { } value ? AsInt(key, value) : fallback;

        public int? OptionalNullableInt(string key) =>
            Get(key) is { } value && value.ValueKind != JsonValueKind.Null ? AsInt(key, value) : null;

        private int AsInt(string key, JsonElement value) =>
            value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int v) ? v : throw WrongType(key, value, "an integer");

        public float OptionalFloat(string key, float fallback)
        {
            if (Get(key) is not { } value)
            {
                return fallback;
            }
            return value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out float v) && float.IsFinite(v)
                ? v
                : throw WrongType(key, value, "a number");
        }

        public double OptionalDouble(string key, double fallback)
        {
            if (Get(key) is not { } value)
            {
                return fallback;
            }
            return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double v) ? v : throw WrongType(key, value, "a number");
        }

        public bool OptionalBool(string key, bool fallback)
        {
            if (Get(key) is not { } value)
            {
                return fallback;
            }
            return value.ValueKind switch
            {
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                _ => throw WrongType(key, value, "true or false"),
            };
        }

        public T OptionalEnum<T>(string key, T fallback, (string Name, T Value)[] names)
        {
            if (Get(key) is not { } value)
            {
                return fallback;
            }
            if (value.ValueKind != JsonValueKind.String)
            {
                throw WrongType(key, value, "a string");
            }
            string text = value.GetString()!;
            foreach (var (name, v) in names)
            {
                if (name == text)
                {
                    return v;
                }
            }
            throw Error(key, $"is \"{Printable.Escape(text)}\", which is not supported (expected one of: {string.Join(", ", names.Select(n => '"' + n.Name + '"'))}).");
        }

        /// <summary>A key LlmForge does not implement: accepted only when absent or equal to <paramref name="expected"/>.</summary>
        public void Unsupported(string key, bool expected, string why)
        {
            if (Get(key) is { } value && OptionalBool(key, expected) != expected)
            {
                throw Error(key, $"is {Printable.Escape(value.GetRawText())}, which is not supported: {why}.");
            }
        }
    }
}
