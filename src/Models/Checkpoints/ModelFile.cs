using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace LlmForge.Checkpoints;

/// <summary>
/// Opens the files a model or tokenizer directory is read from (config.json, model.safetensors, tokenizer files,
/// trainer_state.json), refusing anything that is not a regular file: opening a FIFO blocks until a writer comes, so
/// a pipe named model.safetensors would hang every command, and a character device (/dev/zero) never ends.
/// A symbolic link to a regular file is fine (the check follows links).
/// </summary>
public static class ModelFile
{
    /// <summary>
    /// Throws when <paramref name="path"/> exists but is not a regular file (a missing file is left to the caller's
    /// own "not found" message).
    /// </summary>
    /// <exception cref="CheckpointFormatException">A FIFO, socket, device or directory; the message names the path and its kind.</exception>
    public static void RequireRegular(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (FileKind(path) is { } kind)
            throw new CheckpointFormatException(path, $"is {kind}, not a regular file: a model directory's files must be regular files (or links to them).");
    }

    /// <summary>The path of the model directory's file <paramref name="name"/> (config.json, model.safetensors), which must exist.</summary>
    /// <exception cref="FileNotFoundException">No such file; the message names the path.</exception>
    internal static string InDirectory(string directory, string name)
    {
        string path = Path.Combine(directory, name);
        return File.Exists(path) ? path : throw new FileNotFoundException($"{path}: no {name} in the checkpoint directory.", path);
    }

    /// <summary>All bytes of <paramref name="path"/>, after <see cref="RequireRegular"/>.</summary>
    /// <exception cref="CheckpointFormatException">Not a regular file.</exception>
    public static byte[] ReadAllBytes(string path)
    {
        RequireRegular(path);
        return File.ReadAllBytes(path);
    }

    /// <summary>The UTF-8 text of <paramref name="path"/>, after <see cref="RequireRegular"/>.</summary>
    /// <exception cref="CheckpointFormatException">Not a regular file.</exception>
    public static string ReadAllText(string path)
    {
        RequireRegular(path);
        return File.ReadAllText(path, Encoding.UTF8);
    }

    /// <summary>The UTF-8 lines of <paramref name="path"/>, read lazily, after <see cref="RequireRegular"/> (checked
    /// at once, not on the first line).</summary>
    /// <exception cref="CheckpointFormatException">Not a regular file.</exception>
    public static IEnumerable<string> ReadLines(string path)
    {
        RequireRegular(path);
        return File.ReadLines(path, Encoding.UTF8);
    }

    /// <summary>A read-only stream on <paramref name="path"/> (others may read it too), after
    /// <see cref="RequireRegular"/>; the caller disposes it.</summary>
    /// <exception cref="CheckpointFormatException">Not a regular file.</exception>
    public static FileStream OpenRead(string path, int bufferSize = 4096)
    {
        RequireRegular(path);
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
    }

    /// <summary>A read-only handle on <paramref name="path"/> for positioned reads (<see cref="RandomAccess"/>),
    /// after <see cref="RequireRegular"/>; the caller disposes it.</summary>
    /// <exception cref="CheckpointFormatException">Not a regular file.</exception>
    public static SafeFileHandle OpenHandle(string path)
    {
        RequireRegular(path);
        return File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
    }

    /// <summary>"a FIFO (named pipe)" and so on for anything but a regular file; null for a regular or missing file.</summary>
    private static string? FileKind(string path)
    {
        if (Directory.Exists(path)) return "a directory";
        if (!File.Exists(path) || !OperatingSystem.IsLinux()) return null; // Windows has no FIFOs under a file name
        // .NET exposes no file type, so ask the kernel; statx's layout is the same on every Linux architecture.
        Span<byte> buffer = stackalloc byte[StatxSize];
        if (Statx(AtCurrentDirectory, path, flags: 0, StatxType, buffer) != 0) return null; // unreadable: the open reports why
        int mode = buffer[StatxModeOffset] | (buffer[StatxModeOffset + 1] << 8);
        return (mode & FileTypeMask) switch
        {
            RegularFile => null,
            0x1000 => "a FIFO (named pipe)",
            0x2000 => "a character device",
            0x6000 => "a block device",
            0xC000 => "a socket",
            _ => "a special file",
        };
    }

    private const int AtCurrentDirectory = -100;
    private const uint StatxType = 0x1;
    private const int StatxSize = 256;
    private const int StatxModeOffset = 28; // u32 mask, u32 blksize, u64 attributes, u32 nlink, u32 uid, u32 gid, then u16 mode
    private const int FileTypeMask = 0xF000, RegularFile = 0x8000;

    [DllImport("libc", EntryPoint = "statx", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int StatxNative(int directoryFd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, ref byte buffer);

    private static int Statx(int directoryFd, string path, int flags, uint mask, Span<byte> buffer) =>
        StatxNative(directoryFd, path, flags, mask, ref MemoryMarshal.GetReference(buffer));
}
