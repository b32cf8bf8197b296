namespace LlmForge.Checkpoints;

/// <summary>
/// Writes a file all-or-nothing: the bytes go to a temporary file in the same directory, which is
/// flushed to disk and then renamed over the target. A crash or an exception mid-write leaves the
/// old file (if any) untouched and no partial file under the target name. Every checkpoint file
/// (weights, config.json, optimizer state) is written through it.
/// </summary>
/// <example>
/// <code>
/// using (var file = AtomicFile.Create(path))
/// {
///     file.Stream.Write(bytes);
///     file.Commit();
/// } // without Commit, Dispose deletes the temporary file
/// </code>
/// </example>
public sealed class AtomicFile : IDisposable
{
    private readonly FileStream _stream;
    private bool _committed;
    private bool _disposed;

    private AtomicFile(string path, string tempPath, FileStream stream)
    {
        Path = path;
        TempPath = tempPath;
        _stream = stream;
    }

    /// <summary>The target path (full).</summary>
    public string Path { get; }

    /// <summary>The temporary file being written, next to the target (same file system, so the rename is atomic).</summary>
    public string TempPath { get; }

    /// <summary>Where to write the contents. Do not dispose it; <see cref="Commit"/> or <see cref="Dispose"/> does.</summary>
    public Stream Stream
    {
        get
        {
            ObjectDisposedException.ThrowIf(_disposed || _committed, this);
            return _stream;
        }
    }

    /// <summary>Starts writing <paramref name="path"/>; its directory must exist.</summary>
    public static AtomicFile Create(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        string full = System.IO.Path.GetFullPath(path);
        string directory = System.IO.Path.GetDirectoryName(full)
            ?? throw new ArgumentException($"'{path}' names no file.", nameof(path));
        // Checked before any work is written: the rename at Commit would fail only then, with "Is a directory".
        if (Directory.Exists(full))
            throw new IOException($"Cannot write '{path}': it is a directory ({full}).");
        string temp = System.IO.Path.Combine(directory, $".{System.IO.Path.GetFileName(full)}.{Guid.NewGuid():N}.tmp");
        FileStream stream;
        try
        {
            stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16);
        }
        catch (UnauthorizedAccessException e)
        {
            // .NET names the temporary file; the user knows the target.
            throw new UnauthorizedAccessException($"Cannot write '{path}': access to its directory '{directory}' is denied.", e);
        }
        return new AtomicFile(full, temp, stream);
    }

    /// <summary>Flushes the contents to disk (fsync) and renames the temporary file over the target.</summary>
    public void Commit()
    {
        ObjectDisposedException.ThrowIf(_disposed || _committed, this);
        _stream.Flush(flushToDisk: true);
        _stream.Dispose();
        File.Move(TempPath, Path, overwrite: true);
        // The rename itself becomes durable when the directory is synced; .NET has no portable call
        // for that, and a crash right here leaves either the old or the new complete file anyway.
        _committed = true;
    }

    /// <summary>Closes the file; if <see cref="Commit"/> was not called, deletes the temporary file.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        if (!_committed)
        {
            _stream.Dispose();
            try
            {
                File.Delete(TempPath);
            }
            catch (IOException)
            {
                // best effort: the exception that brought us here matters more than a stray .tmp
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>Writes <paramref name="path"/> atomically with whatever <paramref name="write"/> puts in the stream.</summary>
    public static void Write(string path, Action<Stream> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        using var file = Create(path);
        write(file.Stream);
        file.Commit();
    }

    /// <summary>Writes <paramref name="contents"/> as UTF-8 (no byte-order mark) atomically.</summary>
    public static void WriteAllText(string path, string contents)
    {
        ArgumentNullException.ThrowIfNull(contents);
        WriteAllBytes(path, new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(contents));
    }

    /// <summary>Writes <paramref name="bytes"/> atomically.</summary>
    public static void WriteAllBytes(string path, ReadOnlySpan<byte> bytes)
    {
        using var file = Create(path);
        file.Stream.Write(bytes);
        file.Commit();
    }
}
