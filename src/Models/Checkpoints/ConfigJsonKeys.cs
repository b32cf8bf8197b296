using System.Text.Json;

namespace LlmForge.Checkpoints;

/// <summary>
/// Typed reads of a config.json object's keys; every error is a <see cref="CheckpointFormatException"/> naming
/// the file and the key ("config.json: key \"hidden_size\" must be an integer, got \"768\".").
/// </summary>
internal readonly struct ConfigJsonKeys(JsonElement root, string source)
{
    public CheckpointFormatException Error(string key, string message) => new(source, $"key \"{key}\" {message}");

    public JsonElement? Get(string key) => root.TryGetProperty(key, out JsonElement value) ? value : null;

    private JsonElement Required(string key) =>
        Get(key) ?? throw new CheckpointFormatException(source, $"required key \"{key}\" is missing.");

    public CheckpointFormatException WrongType(string key, JsonElement value, string expected)
    {
        string raw = value.GetRawText();
        return Error(key, $"must be {expected}, got {(raw.Length > 40 ? raw[..40] + "…" : raw)}.");
    }

    public string RequiredString(string key)
    {
        JsonElement value = Required(key);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw WrongType(key, value, "a string");
    }

    public int RequiredInt(string key) => AsInt(key, Required(key));

    public int OptionalInt(string key, int fallback) =>
        Get(key) is { } value && value.ValueKind != JsonValueKind.Null ? AsInt(key, value) : fallback;

    private int AsInt(string key, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int v) ? v : throw WrongType(key, value, "an integer");

    public float OptionalFloat(string key, float fallback) =>
        Get(key) is { } value && value.ValueKind != JsonValueKind.Null ? AsFloat(key, value) : fallback;

    public double OptionalDouble(string key, double fallback)
    {
        if (Get(key) is not { } value || value.ValueKind == JsonValueKind.Null) return fallback;
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double v) && double.IsFinite(v) ? v : throw WrongType(key, value, "a number");
    }

    public float? OptionalNullableFloat(string key) =>
        Get(key) is { } value && value.ValueKind != JsonValueKind.Null ? AsFloat(key, value) : null;

    private float AsFloat(string key, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out float v) && float.IsFinite(v) ? v : throw WrongType(key, value, "a number");

    public bool OptionalBool(string key, bool fallback)
    {
        if (Get(key) is not { } value || value.ValueKind == JsonValueKind.Null) return fallback;
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw WrongType(key, value, "true or false"),
        };
    }

    /// <summary>A string key mapped through <paramref name="names"/>; an unknown value lists the valid ones.</summary>
    public T OptionalEnum<T>(string key, T fallback, (string Name, T Value)[] names)
    {
        if (Get(key) is not { } value || value.ValueKind == JsonValueKind.Null) return fallback;
        if (value.ValueKind != JsonValueKind.String) throw WrongType(key, value, "a string");
        string text = value.GetString()!;
        foreach (var (name, v) in names)
            if (name == text) return v;
        throw Error(key, $"is \"{text}\", which is not supported (expected one of: {string.Join(", ", names.Select(n => '"' + n.Name + '"'))}).");
    }

    /// <summary>A key LlmForge does not implement: accepted only when absent, null or equal to <paramref name="expected"/>.</summary>
    public void Unsupported(string key, bool expected, string why)
    {
        if (Get(key) is { } value && OptionalBool(key, expected) != expected)
            throw Error(key, $"is {value.GetRawText()}, which is not supported: {why}.");
    }
}
