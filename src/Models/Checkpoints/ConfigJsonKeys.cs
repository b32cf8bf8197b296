using System.Text.Json;
using LlmForge.Diagnostics;

namespace LlmForge.Checkpoints;

/// <summary>
/// Typed reads of a config.json object's keys; every error is a <see cref="CheckpointFormatException"/> naming
/// the file and the key ("config.json: key \"hidden_size\" must be an integer, got \"768\"."). The keys of a nested
/// object (<see cref="RequiredObject"/>) are named by their dotted path ("samplers.train.step").
/// </summary>
internal readonly struct ConfigJsonKeys(JsonElement root, string source, string prefix = "")
{
    /// <summary>Parses <paramref name="json"/>, which must be one JSON object (<paramref name="what"/>, "a config"); errors name <paramref name="source"/>.</summary>
    public static JsonDocument ParseObject(string json, string source, string what)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(source, $"not valid JSON ({e.Message}).", e);
        }
        if (document.RootElement.ValueKind == JsonValueKind.Object) return document;
        var kind = document.RootElement.ValueKind;
        document.Dispose();
        throw new CheckpointFormatException(source, $"{what} must be a JSON object, not {kind}.");
    }

    public CheckpointFormatException Error(string key, string message) => new(source, $"key \"{prefix}{key}\" {message}");

    /// <summary>The key's value; JSON null counts as absent (Hugging Face writes "n_inner": null for "not set").</summary>
    public JsonElement? Get(string key) =>
        root.TryGetProperty(key, out JsonElement value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private JsonElement Required(string key) =>
        Get(key) ?? throw new CheckpointFormatException(source, $"required key \"{prefix}{key}\" is missing.");

    /// <summary>The keys of the object at <paramref name="key"/>, named "key.inner" in errors.</summary>
    public ConfigJsonKeys RequiredObject(string key)
    {
        JsonElement value = Required(key);
        return value.ValueKind == JsonValueKind.Object ? new(value, source, $"{prefix}{key}.") : throw WrongType(key, value, "an object");
    }

    /// <summary>The names of this object's keys, in file order.</summary>
    public IEnumerable<string> Names() => root.EnumerateObject().Select(p => p.Name);

    public long RequiredLong(string key)
    {
        JsonElement value = Required(key);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out long v) ? v : throw WrongType(key, value, "an integer");
    }

    public ulong RequiredULong(string key)
    {
        JsonElement value = Required(key);
        return value.ValueKind == JsonValueKind.Number && value.TryGetUInt64(out ulong v) ? v : throw WrongType(key, value, "a non-negative integer");
    }

    public double? OptionalNullableDouble(string key) =>
        Get(key) is { } value ? OptionalDouble(key, double.NaN) : null;

    public CheckpointFormatException WrongType(string key, JsonElement value, string expected)
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

    public int OptionalInt(string key, int fallback) =>
        Get(key) is { } value ? AsInt(key, value) : fallback;

    private int AsInt(string key, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out int v) ? v : throw WrongType(key, value, "an integer");

    public int? OptionalNullableInt(string key) => Get(key) is { } value ? AsInt(key, value) : null;

    public float OptionalFloat(string key, float fallback) =>
        Get(key) is { } value ? AsFloat(key, value) : fallback;

    public double OptionalDouble(string key, double fallback)
    {
        if (Get(key) is not { } value) return fallback;
        return value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out double v) && double.IsFinite(v) ? v : throw WrongType(key, value, "a number");
    }

    public float? OptionalNullableFloat(string key) =>
        Get(key) is { } value ? AsFloat(key, value) : null;

    private float AsFloat(string key, JsonElement value) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetSingle(out float v) && float.IsFinite(v) ? v : throw WrongType(key, value, "a number");

    public bool OptionalBool(string key, bool fallback)
    {
        if (Get(key) is not { } value) return fallback;
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
        if (Get(key) is not { } value) return fallback;
        if (value.ValueKind != JsonValueKind.String) throw WrongType(key, value, "a string");
        string text = value.GetString()!;
        foreach (var (name, v) in names)
            if (name == text) return v;
        throw Error(key, $"is \"{Printable.Escape(text)}\", which is not supported (expected one of: {string.Join(", ", names.Select(n => '"' + n.Name + '"'))}).");
    }

    /// <summary>A key LlmForge does not implement: accepted only when absent, null or equal to <paramref name="expected"/>.</summary>
    public void Unsupported(string key, bool expected, string why)
    {
        if (Get(key) is { } value && OptionalBool(key, expected) != expected)
            throw Error(key, $"is {Printable.Escape(value.GetRawText())}, which is not supported: {why}.");
    }
}
