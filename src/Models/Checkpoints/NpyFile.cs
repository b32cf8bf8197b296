using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LlmForge.Checkpoints;

/// <summary>A C-ordered array read from a .npy file.</summary>
public sealed record NpyArray<T>(int[] Shape, T[] Data) where T : unmanaged;

/// <summary>
/// NumPy <c>.npy</c> files (format 1.0 written; 1.0, 2.0 and 3.0 read), little-endian, C order, for
/// float (<c>&lt;f4</c>), double (<c>&lt;f8</c>), int (<c>&lt;i4</c>) and long (<c>&lt;i8</c>).
/// <c>llmforge forward</c> writes its logits with it; tests read PyTorch-written fixtures with it.
/// </summary>
public static class NpyFile
{
    private const int Alignment = 64;

    /// <summary>The numpy descr of <typeparamref name="T"/>: "&lt;f4", "&lt;f8", "&lt;i4" or "&lt;i8".</summary>
    public static string DescrOf<T>() where T : unmanaged =>
        typeof(T) == typeof(float) ? "<f4"
        : typeof(T) == typeof(double) ? "<f8"
        : typeof(T) == typeof(int) ? "<i4"
        : typeof(T) == typeof(long) ? "<i8"
        : throw new NotSupportedException($".npy files are read and written for float, double, int and long, not {typeof(T).Name}.");

    /// <summary>Writes <paramref name="data"/> (row-major, <paramref name="shape"/>; empty shape = scalar) atomically as format 1.0.</summary>
    public static void Write<T>(string path, ReadOnlySpan<T> data, ReadOnlySpan<int> shape) where T : unmanaged
    {
        byte[] prefix = HeaderBytes<T>(path, shape, out long elements);
        if (elements != data.Length)
        {
            throw new ArgumentException(
                $"{path}: shape [{string.Join(", ", shape.ToArray())}] holds {elements} values but {data.Length} were given.", nameof(data));
        }
        using AtomicFile file = AtomicFile.Create(path);
        file.Stream.Write(prefix);
        file.Stream.Write(MemoryMarshal.AsBytes(data));
        file.Commit();
    }

    /// <summary>
    /// The format 1.0 magic, version, header length and header dict of an array of <paramref name="shape"/>, padded
    /// to a multiple of 64 bytes: what precedes the data (<see cref="Write{T}"/>, <see cref="NpyWriter{T}"/>).
    /// </summary>
    internal static byte[] HeaderBytes<T>(string path, ReadOnlySpan<int> shape, out long elements) where T : unmanaged
    {
        string descr = DescrOf<T>();
        elements = 1;
        foreach (int d in shape)
        {
            if (d < 0)
            {
                throw new ArgumentException($"{path}: shape [{string.Join(", ", shape.ToArray())}] has a negative dimension.", nameof(shape));
            }
            elements *= d;
        }

        // magic (6) + version (2) + u16 header length (2) + dict + spaces + '\n', a multiple of 64
        byte[] dict = Encoding.ASCII.GetBytes(NpyHeader.FormatDict(descr, shape));
        int headerLength = (10 + dict.Length + 1 + Alignment - 1) / Alignment * Alignment - 10;
        if (headerLength > ushort.MaxValue)
        {
            throw new ArgumentException($"{path}: shape with {shape.Length} dimensions makes a header too long for .npy format 1.0.", nameof(shape));
        }
        byte[] prefix = new byte[10 + headerLength];
        NpyHeader.Magic.CopyTo(prefix);
        prefix[6] = 1; // version 1.0
        prefix[7] = 0;
        BinaryPrimitives.WriteUInt16LittleEndian(prefix.AsSpan(8), (ushort)headerLength);
        dict.CopyTo(prefix, 10);
        prefix.AsSpan(10 + dict.Length).Fill((byte)' ');
        prefix[^1] = (byte)'\n';
        return prefix;
    }

    /// <summary>Reads the header only.</summary>
    public static NpyHeader ReadHeader(string path)
    {
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        return ReadHeader(path, handle);
    }

    /// <summary>Reads a C-ordered little-endian array whose descr matches <typeparamref name="T"/> exactly.</summary>
    /// <exception cref="CheckpointFormatException">Malformed file, Fortran order, another dtype, or wrong data length.</exception>
    public static NpyArray<T> Read<T>(string path) where T : unmanaged
    {
        string expected = DescrOf<T>();
        using SafeFileHandle handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        NpyHeader header = ReadHeader(path, handle);
        if (header.Descr != expected)
        {
            string hint = header.Descr switch
            {
                "<f4" => "; read it with NpyFile.Read<float>",
                "<f8" => "; read it with NpyFile.Read<double>",
                "<i4" => "; read it with NpyFile.Read<int>",
                "<i8" => "; read it with NpyFile.Read<long>",
                _ when header.Descr.StartsWith('>') => " (big-endian data is not supported)",
                _ => "",
            };
            throw new CheckpointFormatException(path, $".npy holds '{header.Descr}' data, not the '{expected}' asked for{hint}.");
        }
        if (header.FortranOrder)
        {
            throw new CheckpointFormatException(path, ".npy data is in Fortran (column-major) order; only C order is supported (save a np.ascontiguousarray).");
        }

        long elements = header.ElementCount;
        long dataBytes = RandomAccess.GetLength(handle) - header.DataOffset;
        int size = Marshal.SizeOf<T>();
        if (elements > Array.MaxLength || dataBytes != elements * size)
        {
            throw new CheckpointFormatException(path,
                $".npy shape ({string.Join(", ", header.Shape)}) needs {elements * size} bytes of data, the file has {dataBytes}.");
        }
        var data = new T[elements];
        ReadExactly(path, handle, MemoryMarshal.AsBytes(data.AsSpan()), header.DataOffset);
        return new NpyArray<T>(header.Shape, data);
    }

    private static NpyHeader ReadHeader(string path, SafeFileHandle handle)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException(".npy reading needs a little-endian machine.");
        }
        Span<byte> start = stackalloc byte[12];
        long fileLength = RandomAccess.GetLength(handle);
        if (fileLength < 10)
        {
            throw new CheckpointFormatException(path, $"{fileLength} bytes is too short for a .npy file.");
        }
        ReadExactly(path, handle, start[..(int)Math.Min(12, fileLength)], 0);
        if (!start[..6].SequenceEqual(NpyHeader.Magic))
        {
            throw new CheckpointFormatException(path, "not a .npy file (the magic string \\x93NUMPY is missing).");
        }
        byte major = start[6];
        int lengthBytes = major switch
        {
            1 => 2,
            2 or 3 => 4,
            _ => throw new CheckpointFormatException(path, $".npy format version {major}.{start[7]} is not supported (1.0, 2.0 and 3.0 are)."),
        };
        long headerLength = lengthBytes == 2 ? BinaryPrimitives.ReadUInt16LittleEndian(start[8..]) : BinaryPrimitives.ReadUInt32LittleEndian(start[8..]);
        long dataOffset = 8 + lengthBytes + headerLength;
        if (dataOffset > fileLength || dataOffset > int.MaxValue)
        {
            throw new CheckpointFormatException(path, $".npy header length {headerLength} runs past the end of the {fileLength}-byte file.");
        }
        byte[] dictBytes = new byte[headerLength];
        ReadExactly(path, handle, dictBytes, 8 + lengthBytes);
        string dict = (major == 3 ? Encoding.UTF8 : Encoding.Latin1).GetString(dictBytes);
        var (descr, fortran, shape) = NpyHeader.ParseDict(path, dict);
        return new NpyHeader(descr, fortran, shape, (int)dataOffset);
    }

    private static void ReadExactly(string path, SafeFileHandle handle, Span<byte> buffer, long offset)
    {
        while (!buffer.IsEmpty)
        {
            int read = RandomAccess.Read(handle, buffer, offset);
            if (read == 0)
            {
                throw new CheckpointFormatException(path, $"the file ends at byte {offset}, before its data does.");
            }
            buffer = buffer[read..];
            offset += read;
        }
    }
}
