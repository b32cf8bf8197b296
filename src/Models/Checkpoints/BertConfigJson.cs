using System.Globalization;
using System.Text;
using System.Text.Json;
using LlmForge.Backends;
using LlmForge.Diagnostics;

namespace LlmForge.Checkpoints;

/// <summary>
/// <see cref="BertConfig"/> ↔ Hugging Face BERT <c>config.json</c> (model_type "bert", or "llmforge-bert" for the layouts
/// transformers cannot compute; BertConfig's key names,
/// id2label / label2id for a classifier), plus LlmForge's layer_norm_position, rope_theta and normalization and
/// position_embedding_type's LlmForge values "sinusoidal" and "rotary". The six size keys are required;
/// the others take BertConfig's defaults. Keys that would change the math in ways LlmForge does not implement
/// (a decoder, cross-attention, relative position embeddings) are rejected, naming the key.
/// </summary>
public static class BertConfigJson
{
    /// <summary>The config file's name in a model directory (Hugging Face's).</summary>
    public const string FileName = "config.json";

    /// <summary>The model_type of a layout transformers' BERT computes exactly (post-LN, learned positions, LayerNorm).</summary>
    public const string BertModelType = "bert";

    /// <summary>
    /// The model_type of every other layout (pre-LN, sinusoidal or rotary positions, RMSNorm), which transformers
    /// refuses instead of loading it with a warning and computing wrong outputs. Both are read.
    /// </summary>
    public const string LlmForgeModelType = "llmforge-bert";

    /// <summary>Whether <paramref name="modelType"/> names a BERT config this reader handles.</summary>
    public static bool IsBertModelType(string? modelType) => modelType is BertModelType or LlmForgeModelType;

    /// <summary>Whether <paramref name="config"/> is a layout transformers' BERT computes exactly (what "bert" may label).</summary>
    public static bool IsHuggingFaceBert(BertConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.NormPosition == LayerNormPosition.Post && config.PositionEmbedding == PositionEmbeddingType.Absolute
            && config.Normalization == NormalizationType.LayerNorm && config.Kinds is null;
    }

    /// <summary>Reads and validates a config.json.</summary>
    /// <exception cref="CheckpointFormatException">Invalid JSON, a missing or mistyped key or an invalid value; the message names the file and key.</exception>
    public static BertConfig Load(string path) => Parse(ModelFile.ReadAllText(path), path);

    /// <summary>The model_type of a config.json ("gpt2", "bert", …), or null when it has none.</summary>
    public static string? ReadModelType(string path)
    {
        try
        {
            using var doc = JsonDocument.Parse(ModelFile.ReadAllBytes(path));
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("model_type", out var t)
                   && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"not valid JSON ({e.Message}).", e);
        }
    }

    /// <summary>Parses config.json text; <paramref name="source"/> names it in error messages.</summary>
    public static BertConfig Parse(string json, string source = FileName)
    {
        using (var document = ConfigJsonKeys.ParseObject(json, source, "a config"))
        {
            var keys = new ConfigJsonKeys(document.RootElement, source);

            string modelType = keys.RequiredString("model_type");
            if (!IsBertModelType(modelType))
                throw keys.Error("model_type", $"is \"{Printable.Escape(modelType)}\"; this reader handles \"{BertModelType}\" and \"{LlmForgeModelType}\" configs only.");
            keys.Unsupported("is_decoder", expected: false, why: "BERT here is an encoder with bidirectional attention");
            keys.Unsupported("add_cross_attention", expected: false, why: "BERT blocks here have no cross-attention");

            var config = new BertConfig
            {
                VocabSize = keys.RequiredInt("vocab_size"),
                HiddenSize = keys.RequiredInt("hidden_size"),
                Layers = keys.RequiredInt("num_hidden_layers"),
                Heads = keys.RequiredInt("num_attention_heads"),
                IntermediateSize = keys.RequiredInt("intermediate_size"),
                MaxPositions = keys.RequiredInt("max_position_embeddings"),
                TypeVocabSize = keys.OptionalInt("type_vocab_size", 2),
                LayerNormEpsilon = keys.OptionalFloat("layer_norm_eps", 1e-12f),
                Activation = keys.OptionalEnum("hidden_act", GeluApproximation.Erf, ActivationNames),
                HiddenDropRate = keys.OptionalFloat("hidden_dropout_prob", 0.1f),
                AttentionDropRate = keys.OptionalFloat("attention_probs_dropout_prob", 0.1f),
                ClassifierDropRate = keys.OptionalNullableFloat("classifier_dropout"),
                InitializerRange = keys.OptionalFloat("initializer_range", 0.02f),
                PadTokenId = keys.OptionalInt("pad_token_id", 0),
                NormPosition = keys.OptionalEnum("layer_norm_position", LayerNormPosition.Post, PositionNames),
                PositionEmbedding = keys.OptionalEnum("position_embedding_type", PositionEmbeddingType.Absolute, PositionEmbeddingNames),
                RopeTheta = keys.OptionalDouble("rope_theta", 10000),
                Normalization = keys.OptionalEnum("normalization", NormalizationType.LayerNorm, NormalizationNames),
                Labels = ReadLabels(keys),
                Kinds = ComponentKindsJson.Read(keys),
            };
            if (config.FindError() is { } error) throw new CheckpointFormatException(source, error);
            return config;
        }
    }

    /// <summary>Validates <paramref name="config"/> and writes it as config.json, atomically.</summary>
    public static void Save(BertConfig config, string path, string architecture = "BertForMaskedLM") =>
        AtomicFile.WriteAllText(path, ToJson(config, architecture));

    /// <summary>The config.json text: HF BERT keys first, then LlmForge's.</summary>
    public static string ToJson(BertConfig config, string architecture = "BertForMaskedLM")
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            bool huggingFace = IsHuggingFaceBert(config);
            json.WriteStartArray("architectures");
            json.WriteStringValue(huggingFace ? architecture : "LlmForge" + architecture);
            json.WriteEndArray();
            json.WriteString("model_type", huggingFace ? BertModelType : LlmForgeModelType);
            json.WriteNumber("vocab_size", config.VocabSize);
            json.WriteNumber("hidden_size", config.HiddenSize);
            json.WriteNumber("num_hidden_layers", config.Layers);
            json.WriteNumber("num_attention_heads", config.Heads);
            json.WriteNumber("intermediate_size", config.IntermediateSize);
            json.WriteNumber("max_position_embeddings", config.MaxPositions);
            json.WriteNumber("type_vocab_size", config.TypeVocabSize);
            json.WriteNumber("layer_norm_eps", config.LayerNormEpsilon);
            json.WriteString("hidden_act", ActivationNames.First(n => n.Value == config.Activation).Name);
            json.WriteNumber("hidden_dropout_prob", config.HiddenDropRate);
            json.WriteNumber("attention_probs_dropout_prob", config.AttentionDropRate);
            if (config.ClassifierDropRate is float c) json.WriteNumber("classifier_dropout", c);
            else json.WriteNull("classifier_dropout");
            json.WriteNumber("initializer_range", config.InitializerRange);
            json.WriteNumber("pad_token_id", config.PadTokenId);
            json.WriteString("position_embedding_type", PositionEmbeddingNames.First(n => n.Value == config.PositionEmbedding).Name);
            if (config.Labels.Count > 0)
            {
                json.WriteStartObject("id2label");
                for (int i = 0; i < config.Labels.Count; i++) json.WriteString(i.ToString(CultureInfo.InvariantCulture), config.Labels[i]);
                json.WriteEndObject();
                json.WriteStartObject("label2id");
                for (int i = 0; i < config.Labels.Count; i++) json.WriteNumber(config.Labels[i], i);
                json.WriteEndObject();
            }
            json.WriteString("layer_norm_position", PositionNames.First(n => n.Value == config.NormPosition).Name);
            json.WriteNumber("rope_theta", config.RopeTheta);
            json.WriteString("normalization", NormalizationNames.First(n => n.Value == config.Normalization).Name);
            if (config.Kinds is { } kinds) ComponentKindsJson.Write(json, kinds);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    // The first name of each value is the one written; the others are accepted on read.
    private static readonly (string Name, GeluApproximation Value)[] ActivationNames =
        [("gelu", GeluApproximation.Erf), ("gelu_new", GeluApproximation.Tanh), ("gelu_pytorch_tanh", GeluApproximation.Tanh)];

    private static readonly (string Name, LayerNormPosition Value)[] PositionNames =
        [("post", LayerNormPosition.Post), ("pre", LayerNormPosition.Pre)];

    // HF BERT's other values, "relative_key" and "relative_key_query", are not implemented: they fail naming the key.
    private static readonly (string Name, PositionEmbeddingType Value)[] PositionEmbeddingNames =
        [("absolute", PositionEmbeddingType.Absolute), ("sinusoidal", PositionEmbeddingType.Sinusoidal), ("rotary", PositionEmbeddingType.Rotary)];

    private static readonly (string Name, NormalizationType Value)[] NormalizationNames =
        [("layernorm", NormalizationType.LayerNorm), ("rmsnorm", NormalizationType.RmsNorm)];

    // id2label {"0": "neg", "1": "pos"}: keys must be exactly 0 … n−1.
    private static IReadOnlyList<string> ReadLabels(ConfigJsonKeys keys)
    {
        if (keys.Get("id2label") is not { } value) return [];
        if (value.ValueKind != JsonValueKind.Object) throw keys.WrongType("id2label", value, "an object {\"0\": \"label\", …}");
        var byId = new SortedDictionary<int, string>();
        foreach (var p in value.EnumerateObject())
        {
            if (!int.TryParse(p.Name, NumberStyles.None, CultureInfo.InvariantCulture, out int id) || p.Value.ValueKind != JsonValueKind.String)
                throw keys.Error("id2label", $"entry {Printable.Quote(p.Name)}: {Printable.Escape(p.Value.GetRawText())} must map a class id to a label string.");
            byId[id] = p.Value.GetString()!;
        }
        if (byId.Count > 0 && (byId.Keys.First() != 0 || byId.Keys.Last() != byId.Count - 1))
            throw keys.Error("id2label", $"must number its classes 0 … {byId.Count - 1}, got {string.Join(", ", byId.Keys)}.");
        return [.. byId.Values];
    }
}
