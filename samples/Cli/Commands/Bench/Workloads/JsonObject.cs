using System.Globalization;
using System.Text.Json;

namespace LlmForge.Cli.Commands.Bench.Workloads;

/// <summary>
/// One JSON object read key by key with typed, checked getters. It remembers the keys read, so
/// <see cref="RejectUnknown"/> names any key nobody asked for; every error names the file and the key path.
/// </summary>
internal sealed class JsonObject
{
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);
    private readonly string _source;

    public JsonObject(JsonElement element, string path, string source)
    {
        _source = source;
        Path = path;
        if (element.ValueKind != JsonValueKind.Object)
            throw new InvalidDataException($"{source}: {(path.Length == 0 ? "the top level" : path)} must be an object, got {element.ValueKind}");
        Element = element;
    }

    public JsonElement Element { get; }

    /// <summary>Dotted path of this object from the root ("" for the root).</summary>
    public string Path { get; }

    public string PathOf(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public InvalidDataException Error(string key, string message) => new($"{_source}: {PathOf(key)} {message}");

    public JsonObject Object(string key) => new(Get(key, JsonValueKind.Object, "an object"), PathOf(key), _source);

    public string String(string key) => Get(key, JsonValueKind.String, "a string").GetString()!;

    public string? OptionalString(string key)
    {
        _read.Add(key);
        return Element.TryGetProperty(key, out _) ? String(key) : null;
    }

    public bool Bool(string key)
    {
        var value = Required(key);
        return value.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw Error(key, $"must be true or false, got {value.GetRawText()}"),
        };
    }

    public int Int(string key, int min)
    {
        var value = Required(key);
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out int result) || result < min)
            throw Error(key, $"must be an integer ≥ {min}, got {value.GetRawText()}");
        return result;
    }

    public float Float(string key, float min, float max)
    {
        var value = Required(key);
        return Number(key, value, min, max);
    }

    public float[] FloatArray(string key)
    {
        var value = Get(key, JsonValueKind.Array, "an array of numbers");
        return value.EnumerateArray().Select(v => Number(key, v, float.MinValue, float.MaxValue)).ToArray();
    }

    /// <summary>Throws naming the first key of this object that no getter read.</summary>
    public void RejectUnknown()
    {
        foreach (var property in Element.EnumerateObject())
            if (!_read.Contains(property.Name))
                throw new InvalidDataException(
                    $"{_source}: {PathOf(property.Name)} is not a known key; {(Path.Length == 0 ? "the top level" : Path)} has {string.Join(", ", _read.Order(StringComparer.Ordinal))}");
    }

    private float Number(string key, JsonElement value, float min, float max)
    {
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double d) || !double.IsFinite(d) || d < min || d > max)
        {
            string range = max >= float.MaxValue ? $"≥ {min.ToString(CultureInfo.InvariantCulture)}"
                : $"in [{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]";
            throw Error(key, $"must be a number {range}, got {value.GetRawText()}");
        }
        return (float)d;
    }

    private JsonElement Required(string key)
    {
        _read.Add(key);
        if (!Element.TryGetProperty(key, out var value))
            throw new InvalidDataException($"{_source}: {PathOf(key)} is missing");
        return value;
    }

    private JsonElement Get(string key, JsonValueKind kind, string what)
    {
        var value = Required(key);
        if (value.ValueKind != kind) throw Error(key, $"must be {what}, got {value.GetRawText()}");
        return value;
    }
}
