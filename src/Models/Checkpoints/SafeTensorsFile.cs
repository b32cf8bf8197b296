using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace LlmForge.Checkpoints;

/// <summary>
/// Reads a safetensors file: an 8-byte little-endian header length N, N bytes of JSON header, then
/// the tensors' bytes. <see cref="Open"/> reads and validates only the header; each tensor is then
/// read on demand straight from the file into its float32 destination (F32 with no intermediate
/// copy; F16, BF16 and F64 converted in small chunks), so a 500 MB checkpoint never sits in memory twice.
/// </summary>
/// <remarks>
/// Reads are positional, so several threads may read different tensors at once. A sharded checkpoint
/// (model.safetensors.index.json and its shards) opens as one <see cref="SafeTensorsFile"/> too: every shard's tensors
/// under one name space, each read from its own shard (<see cref="SafeTensorsIndex"/>), so a loader reads a sharded
/// directory exactly as a single file.
/// </remarks>
public sealed class SafeTensorsFile : IDisposable
{
    private const int ConvertChunkBytes = 1 << 16;

    private readonly Shard[] _shards;
    private readonly Dictionary<string, (SafeTensorsEntry Entry, Shard Shard)> _byName;

    /// <summary>One file's handle and path (messages about its bytes name the shard, not the index).</summary>
    internal sealed record Shard(string Path, SafeFileHandle Handle);

    private SafeTensorsFile(string path, Shard[] shards, List<(SafeTensorsEntry Entry, Shard Shard)> entries, IReadOnlyDictionary<string, string> metadata)
    {
        FilePath = path;
        _shards = shards;
        Entries = entries.Select(e => e.Entry).ToList();
        Metadata = metadata;
        _byName = entries.ToDictionary(e => e.Entry.Name, StringComparer.Ordinal);
    }

    /// <summary>The path the file was opened from (a sharded checkpoint's index), which messages name.</summary>
    public string FilePath { get; }

    /// <summary>Every tensor, in the order of its bytes in the file (shard after shard for a sharded checkpoint).</summary>
    public IReadOnlyList<SafeTensorsEntry> Entries { get; }

    /// <summary>The header's "__metadata__" strings (empty if it has none); a sharded checkpoint's are its first shard's.</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>The files the tensors are read from: the file itself, or a sharded checkpoint's shards in index order.</summary>
    public IReadOnlyList<string> ShardPaths => _shards.Select(s => s.Path).ToList();

    /// <summary>
    /// Opens <paramref name="path"/> and validates its header against the file's length; a path ending in ".index.json"
    /// opens the sharded checkpoint that index describes (<see cref="SafeTensorsIndex.Open"/>).
    /// </summary>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file (or index, or a shard is
    /// missing or disagrees with the index); the message says why.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (path.EndsWith(SafeTensorsIndex.Suffix, StringComparison.Ordinal)) return SafeTensorsIndex.Open(path);
        var (entries, metadata, handle) = OpenOne(path);
        var shard = new Shard(path, handle);
        return new SafeTensorsFile(path, [shard], entries.Select(e => (e, shard)).ToList(), metadata);
    }

    /// <summary>A sharded checkpoint as one file: <paramref name="indexPath"/> names it, <paramref name="shards"/> own their handles.</summary>
    internal static SafeTensorsFile FromShards(string indexPath, Shard[] shards, List<(SafeTensorsEntry Entry, Shard Shard)> entries,
        IReadOnlyDictionary<string, string> metadata) => new(indexPath, shards, entries, metadata);

    /// <summary>One safetensors file's validated header and its open handle (the caller owns it).</summary>
    internal static (List<SafeTensorsEntry> Entries, Dictionary<string, string> Metadata, SafeFileHandle Handle) OpenOne(string path)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("safetensors data is little-endian; this reader needs a little-endian machine.");
        }
        SafeFileHandle handle = ModelFile.OpenHandle(path);
        try
        {
            long fileLength = RandomAccess.GetLength(handle);
            if (fileLength < 8)
            {
                throw new CheckpointFormatException(path, $"{fileLength} bytes is too short for a safetensors file (8-byte header length missing).");
            }
            Span<byte> prefix = stackalloc byte[8];
            ReadExactly(handle, prefix, 0, path, "header length");
            ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
            if (headerLength > (ulong)(fileLength - 8) || headerLength > SafeTensorsHeader.MaxHeaderBytes)
            {
                throw new CheckpointFormatException(path,
                    $"header length {headerLength} is impossible for a {fileLength}-byte file (at most {Math.Min(fileLength - 8, SafeTensorsHeader.MaxHeaderBytes)}); not a safetensors file, or truncated.");
            }

            byte[] header = new byte[headerLength];
            ReadExactly(handle, header, 8, path, "header");
            long bufferLength = fileLength - 8 - (long)headerLength;
            var (entries, metadata) = SafeTensorsHeader.Parse(path, header, bufferLength);
            return (entries, metadata, handle);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    /// <summary>Whether the header lists a tensor called exactly <paramref name="name"/> (ordinal).</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>The header entry of <paramref name="name"/> (ordinal), or false when there is none.</summary>
    public bool TryGetEntry(string name, [MaybeNullWhen(false)] out SafeTensorsEntry entry)
    {
        bool found = _byName.TryGetValue(name, out var held);
        entry = held.Entry;
        return found;
    }

    /// <exception cref="KeyNotFoundException">No tensor of that name; the message names the file.</exception>
    public SafeTensorsEntry GetEntry(string name) => TryGetEntry(name, out SafeTensorsEntry? entry)
        ? entry
        : throw new KeyNotFoundException($"{FilePath}: no tensor named '{name}' (the file has {_byName.Count} tensors).");

    /// <summary>Reads tensor <paramref name="name"/> into a new float32 array (converting F16, BF16, F64).</summary>
    public float[] ReadFloat32(string name)
    {
        SafeTensorsEntry entry = GetEntry(name);
        if (entry.ElementCount > Array.MaxLength)
        {
            throw new CheckpointFormatException(FilePath, $"tensor '{name}' has {entry.ElementCount} elements, more than a .NET array holds.");
        }
        var data = new float[entry.ElementCount];
        ReadInto(entry, data);
        return data;
    }

    /// <summary>Reads tensor <paramref name="name"/> into <paramref name="destination"/>, which must hold exactly its elements.</summary>
    public void ReadInto(string name, Span<float> destination) => ReadInto(GetEntry(name), destination);

    private void ReadInto(SafeTensorsEntry entry, Span<float> destination)
    {
        var (filePath, handle) = _byName[entry.Name].Shard;
        ObjectDisposedException.ThrowIf(handle.IsClosed, this);
        if (destination.Length != entry.ElementCount)
        {
            throw new ArgumentException(
                $"{filePath}: tensor '{entry.Name}' has {entry.ElementCount} elements ([{string.Join(", ", entry.Shape)}]) but the destination holds {destination.Length}.",
                nameof(destination));
        }
        if (!entry.DType.IsReadableAsFloat32())
        {
            throw new CheckpointFormatException(filePath,
                $"tensor '{entry.Name}' is {entry.DType.ToHeaderName()}, which cannot be read as float32 (F32, F16, BF16 and F64 can).");
        }

        if (entry.DType == SafeTensorsDType.F32)
        {
            ReadExactly(handle, MemoryMarshal.AsBytes(destination), entry.FileOffset, filePath, $"tensor '{entry.Name}'");
            return;
        }

        int size = entry.DType.ElementSize();
        byte[] chunk = ArrayPool<byte>.Shared.Rent(ConvertChunkBytes);
        try
        {
            int perChunk = ConvertChunkBytes / size;
            long offset = entry.FileOffset;
            for (int done = 0; done < destination.Length; done += perChunk)
            {
                int count = Math.Min(perChunk, destination.Length - done);
                Span<byte> bytes = chunk.AsSpan(0, count * size);
                ReadExactly(handle, bytes, offset, filePath, $"tensor '{entry.Name}'");
                SafeTensorsDTypes.ConvertToFloat32(entry.DType, bytes, destination.Slice(done, count));
                offset += bytes.Length;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static void ReadExactly(SafeFileHandle handle, Span<byte> buffer, long offset, string path, string what)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                throw new CheckpointFormatException(path, $"{what}: the file ends at byte {offset}, before its data does (truncated while open?).");
            }
            buffer = buffer[read..];
            offset += read;
        }
    }

    /// <summary>Closes the file handle (every shard's); entries stay readable as values, their bytes no longer.</summary>
    public void Dispose()
    {
        foreach (var shard in _shards) shard.Handle.Dispose();
    }
}
