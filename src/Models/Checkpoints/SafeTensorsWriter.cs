using System.Buffers;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LlmForge.Checkpoints;

/// <summary>
/// Writes float32 tensors as a safetensors file (dtype "F32"), atomically through <see cref="AtomicFile"/>:
/// u64 little-endian header length N, N bytes of JSON header padded with spaces so the data starts
/// at a multiple of 8, then the tensors densely packed in the order given.
/// </summary>
public static class SafeTensorsWriter
{
    /// <summary>
    /// Writes <paramref name="tensors"/> (name, row-major shape, data) and optional string
    /// <paramref name="metadata"/> to <paramref name="path"/>. The old file, if any, stays intact
    /// unless the whole write succeeds.
    /// </summary>
    /// <exception cref="ArgumentException">A name is empty, reserved or repeated, a dimension is negative, or data length ≠ shape product.</exception>
    public static void Write(string path, IEnumerable<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors,
        IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; this writer needs a little-endian machine.");
        }

        using AtomicFile file = AtomicFile.Create(path);
        // Enumerated inside the atomic write: an enumerator that fails midway leaves the old file alone.
        var list = new List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tensor in tensors)
        {
            Check(path, tensor.Name, tensor.Shape, tensor.Data.Length, names);
            list.Add(tensor);
        }

        byte[] header = BuildHeader(list, metadata);
        Span<byte> prefix = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(prefix, (ulong)header.Length);
        file.Stream.Write(prefix);
        file.Stream.Write(header);
        foreach (var tensor in list)
        {
            file.Stream.Write(MemoryMarshal.AsBytes(tensor.Data.Span));
        }
        file.Commit();
    }

    private static void Check(string path, string name, int[] shape, int dataLength, HashSet<string> names)
    {
        if (string.IsNullOrEmpty(name))
        {
            throw new ArgumentException($"{path}: a tensor has an empty name.", nameof(name));
        }
        if (name == SafeTensorsHeader.MetadataKey)
        {
            throw new ArgumentException($"{path}: '{name}' is reserved for metadata and cannot name a tensor.", nameof(name));
        }
        if (!names.Add(name))
        {
            throw new ArgumentException($"{path}: tensor '{name}' is given twice.", nameof(name));
        }
        if (shape is null || shape.Any(d => d < 0))
        {
            throw new ArgumentException($"{path}: tensor '{name}' has an invalid shape [{string.Join(", ", shape ?? [])}].", nameof(shape));
        }
        long elements = 1;
        foreach (int d in shape)
        {
            elements *= d; // ≤ dataLength ≤ int.MaxValue unless a mismatch, caught below
            if (elements > int.MaxValue)
            {
                break;
            }
        }
        if (elements != dataLength)
        {
            throw new ArgumentException(
                $"{path}: tensor '{name}' has shape [{string.Join(", ", shape)}] ({elements} elements) but {dataLength} values.", nameof(dataLength));
        }
    }

    private static byte[] BuildHeader(List<(string Name, int[] Shape, ReadOnlyMemory<float> Data)> tensors,
        IReadOnlyDictionary<string, string>? metadata)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (metadata is { Count: > 0 })
            {
                json.WriteStartObject(SafeTensorsHeader.MetadataKey);
                foreach (var (key, value) in metadata)
                {
                    json.WriteString(key, value);
                }
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, shape, data) in tensors)
            {
                long end = offset + (long)data.Length * sizeof(float);
                json.WriteStartObject(name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (int d in shape)
                {
                    json.WriteNumberValue(d);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(end);
                json.WriteEndArray();
                json.WriteEndObject();
                offset = end;
            }
            json.WriteEndObject();
        }

        // pad with spaces (valid JSON whitespace) so the data buffer starts 8-byte aligned
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        return header;
    }
}
