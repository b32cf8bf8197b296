using System.Text.Json;
using LlmForge.Diagnostics;

namespace LlmForge.Checkpoints;

/// <summary>
/// Parses and validates a safetensors JSON header the way the reference (Rust) implementation does:
/// <c>{"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, …,
/// "__metadata__": {"key": "value"}}</c>, offsets relative to the data buffer that follows the
/// header; every byte of the buffer belongs to exactly one tensor, in offset order.
/// </summary>
internal static class SafeTensorsHeader
{
    public const string MetadataKey = "__metadata__";

    /// <summary>The reference implementation refuses headers above 100 MB; so do we.</summary>
    public const long MaxHeaderBytes = 100_000_000;

    /// <summary>Entries sorted by offset, and the metadata (empty if absent).</summary>
    public static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata) Parse(
        string path, ReadOnlyMemory<byte> json, long bufferLength)
    {
        long bufferStart = 8 + json.Length;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new CheckpointFormatException(path, $"the safetensors header is not valid JSON ({e.Message}).", e);
        }

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new CheckpointFormatException(path, $"the safetensors header must be a JSON object, not {root.ValueKind}.");
            }

            var entries = new List<SafeTensorsEntry>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (JsonProperty property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name))
                {
                    throw new CheckpointFormatException(path, $"the safetensors header lists {Printable.Quote(property.Name)} twice.");
                }
                if (property.Name == MetadataKey)
                {
                    ReadMetadata(path, property.Value, metadata);
                }
                else
                {
                    entries.Add(ReadEntry(path, property.Name, property.Value, bufferStart));
                }
            }

            CheckPacking(path, entries, bufferLength);
            return (entries, metadata);
        }
    }

    private static void ReadMetadata(string path, JsonElement value, Dictionary<string, string> metadata)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(path, $"'{MetadataKey}' must be an object of strings, not {value.ValueKind}.");
        }
        foreach (JsonProperty item in value.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new CheckpointFormatException(path,
                    $"'{MetadataKey}' key {Printable.Quote(item.Name)} must have a string value, not {item.Value.ValueKind}.");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafeTensorsEntry ReadEntry(string path, string name, JsonElement value, long bufferStart)
    {
        string where = $"tensor {Printable.Quote(name)}";
        if (value.ValueKind != JsonValueKind.Object)
        {
            throw new CheckpointFormatException(path, $"{where}: expected an object with dtype, shape and data_offsets, got {value.ValueKind}.");
        }

        if (!value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw new CheckpointFormatException(path, $"{where}: missing or non-string \"dtype\".");
        }
        string dtypeName = dtypeElement.GetString()!;
        if (!SafeTensorsDTypes.TryParse(dtypeName, out SafeTensorsDType dtype))
        {
            throw new CheckpointFormatException(path,
                $"{where}: unknown dtype \"{Printable.Escape(dtypeName)}\" (known: {string.Join(", ", SafeTensorsDTypes.HeaderNames)}).");
        }

        int[] shape = ReadIntegers(path, where, value, "shape", expectedCount: null)
            .Select(d => d <= int.MaxValue ? (int)d
                : throw new CheckpointFormatException(path, $"{where}: dimension {d} is larger than {int.MaxValue}."))
            .ToArray();
        long[] offsets = ReadIntegers(path, where, value, "data_offsets", expectedCount: 2);
        long begin = offsets[0], end = offsets[1];
        if (end < begin)
        {
            throw new CheckpointFormatException(path, $"{where}: data_offsets [{begin}, {end}] end before they begin.");
        }

        long elements = 1;
        long bytes;
        try
        {
            foreach (int d in shape)
            {
                elements = checked(elements * d);
            }
            bytes = checked(elements * dtype.ElementSize());
        }
        catch (OverflowException)
        {
            throw new CheckpointFormatException(path, $"{where}: shape [{string.Join(", ", shape)}] is too large.");
        }
        if (end - begin != bytes)
        {
            throw new CheckpointFormatException(path,
                $"{where}: data_offsets [{begin}, {end}] hold {end - begin} bytes, but {dtypeName} [{string.Join(", ", shape)}] needs {bytes}.");
        }

        return new SafeTensorsEntry(name, dtype, shape, elements, begin, end, bufferStart + begin);
    }

    private static long[] ReadIntegers(string path, string where, JsonElement entry, string key, int? expectedCount)
    {
        if (!entry.TryGetProperty(key, out JsonElement array) || array.ValueKind != JsonValueKind.Array)
        {
            throw new CheckpointFormatException(path, $"{where}: missing or non-array \"{key}\".");
        }
        var values = new List<long>();
        foreach (JsonElement item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
            {
                throw new CheckpointFormatException(path, $"{where}: \"{key}\" must hold non-negative integers, found {Printable.Escape(item.GetRawText())}.");
            }
            values.Add(v);
        }
        if (expectedCount is int n && values.Count != n)
        {
            throw new CheckpointFormatException(path, $"{where}: \"{key}\" must have {n} values, has {values.Count}.");
        }
        return values.ToArray();
    }

    /// <summary>Sorts by offset and checks the tensors tile the buffer: no overlap, no gap, nothing past its end.</summary>
    private static void CheckPacking(string path, List<SafeTensorsEntry> entries, long bufferLength)
    {
        entries.Sort((a, b) => a.BufferBegin != b.BufferBegin
            ? a.BufferBegin.CompareTo(b.BufferBegin)
            : a.BufferEnd.CompareTo(b.BufferEnd));
        long position = 0;
        SafeTensorsEntry? previous = null;
        foreach (SafeTensorsEntry e in entries)
        {
            if (e.BufferEnd > bufferLength)
            {
                throw new CheckpointFormatException(path,
                    $"tensor {Printable.Quote(e.Name)}: data_offsets [{e.BufferBegin}, {e.BufferEnd}] run past the end of the {bufferLength}-byte data buffer (file truncated?).");
            }
            if (e.BufferBegin < position)
            {
                throw new CheckpointFormatException(path,
                    $"tensors {Printable.Quote(previous!.Name)} [{previous.BufferBegin}, {previous.BufferEnd}] and {Printable.Quote(e.Name)} [{e.BufferBegin}, {e.BufferEnd}] overlap.");
            }
            if (e.BufferBegin > position)
            {
                throw new CheckpointFormatException(path,
                    $"bytes [{position}, {e.BufferBegin}) of the data buffer, before tensor {Printable.Quote(e.Name)}, belong to no tensor (tensors must be densely packed).");
            }
            position = e.BufferEnd;
            previous = e;
        }
        if (position != bufferLength)
        {
            throw new CheckpointFormatException(path,
                $"the data buffer has {bufferLength} bytes but its tensors end at byte {position}: {bufferLength - position} trailing bytes belong to no tensor.");
        }
    }
}
