using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace LlmForge.Checkpoints;

/// <summary>
/// One writer per checkpoint directory: <c>DIR/.llmforge.lock</c>, created exclusively (<see cref="FileMode.CreateNew"/>)
/// with the writer's PID and kept open for the whole run, so a second run into DIR fails at once naming the first's
/// PID instead of interleaving checkpoints with it. Acquiring it also checks DIR up front: a regular file at that
/// path, or a directory that cannot be created or written, is one error naming the path before any training work.
/// </summary>
/// <remarks>
/// The holder keeps a shared advisory lock (flock, which .NET takes for <see cref="FileShare.Read"/>) on the file, so
/// that others can still read the PID from it while nobody can take it exclusively. A lock file left by a run that
/// died is stale: it can be locked exclusively (the kernel dropped the dead run's lock) and its PID is no live process;
/// it is then taken over. A file that can be locked but whose PID is alive (a file system without flock, or a reused
/// PID) is left alone: the error says to delete it if no run is writing there.
/// A process holds each directory once: <see cref="AcquireOrJoin"/> (used by <see cref="TrainingCheckpoint.Save(string, Layers.Module, Action{string}, Training.Optimizers.IOptimizer, Training.TrainerState)"/>) joins
/// the lock this process already holds, while <see cref="Acquire"/> (a run's start) fails on it like on any other holder.
/// </remarks>
public sealed class RunDirectoryLock : IDisposable
{
    /// <summary>The lock file's name inside the run directory; it holds the owner's PID.</summary>
    public const string FileName = ".llmforge.lock";

    private static readonly ConcurrentDictionary<string, RunDirectoryLock> HeldByThisProcess = new(StringComparer.Ordinal);

    private readonly FileStream? _stream;

    // Whether Acquire created the directory: a run that fails before writing anything leaves no empty directory behind.
    private readonly bool _created;

    private RunDirectoryLock(string directory, FileStream? stream, bool created = false)
    {
        Directory = directory;
        _stream = stream;
        _created = created;
    }

    /// <summary>The locked directory (full path).</summary>
    public string Directory { get; }

    /// <summary>
    /// Creates <paramref name="directory"/> if needed and takes its lock for a run; dispose to release it.
    /// </summary>
    /// <exception cref="RunDirectoryLockedException">Another run (in any process, this one included) holds it.</exception>
    /// <exception cref="IOException">The path is a file, or the directory cannot be created or written (the message names it).</exception>
    public static RunDirectoryLock Acquire(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        var (full, created) = Prepare(directory);
        string path = Path.Combine(full, FileName);
        for (int attempt = 0; ; attempt++)
        {
            FileStream stream;
            try
            {
                stream = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.Read);
            }
            catch (IOException) when (File.Exists(path) && attempt < 3)
            {
                TakeOverIfStale(directory, path); // throws when it is not stale
                continue;
            }
            catch (UnauthorizedAccessException e)
            {
                throw new IOException($"{directory}: the checkpoint directory is not writable ({e.Message})", e);
            }
            try
            {
                stream.Write(Encoding.ASCII.GetBytes(Environment.ProcessId.ToString(CultureInfo.InvariantCulture) + "\n"));
                stream.Flush(flushToDisk: true);
            }
            catch
            {
                stream.Dispose();
                File.Delete(path);
                throw;
            }
            var held = new RunDirectoryLock(full, stream, created);
            HeldByThisProcess[full] = held;
            return held;
        }
    }

    /// <summary>
    /// The lock this process already holds on <paramref name="directory"/> (disposing the result then does nothing), or a
    /// new one as <see cref="Acquire"/> takes it.
    /// </summary>
    public static RunDirectoryLock AcquireOrJoin(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        return HeldByThisProcess.ContainsKey(Path.GetFullPath(directory))
            ? new RunDirectoryLock(Path.GetFullPath(directory), stream: null)
            : Acquire(directory);
    }

    /// <summary>
    /// Fails when another run holds <paramref name="directory"/>'s lock; takes nothing and writes nothing (for readers
    /// that repair an interrupted save, which must not race a live writer).
    /// </summary>
    /// <exception cref="RunDirectoryLockedException">Another process, or another run of this one, holds it.</exception>
    public static void ThrowIfHeldByAnother(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        string path = Path.Combine(directory, FileName);
        if (HeldByThisProcess.ContainsKey(Path.GetFullPath(directory)) || !File.Exists(path)) return;
        try
        {
            using var probe = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
        }
        catch (IOException) when (File.Exists(path))
        {
            throw Locked(directory, path);
        }
        catch (FileNotFoundException)
        {
            // released meanwhile
        }
    }

    /// <summary>
    /// Releases the lock (deletes the lock file) unless this instance only joined one held elsewhere; a directory that
    /// <see cref="Acquire"/> created and that is still empty is removed too.
    /// </summary>
    public void Dispose()
    {
        if (_stream is null || !HeldByThisProcess.TryRemove(new KeyValuePair<string, RunDirectoryLock>(Directory, this))) return;
        try
        {
            File.Delete(Path.Combine(Directory, FileName)); // before closing: whoever opens the path next finds no file or our locked one
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        _stream.Dispose();
        try
        {
            if (_created && !System.IO.Directory.EnumerateFileSystemEntries(Directory).Any()) System.IO.Directory.Delete(Directory);
        }
        catch (IOException) { } // something appeared meanwhile: keep it
        catch (UnauthorizedAccessException) { }
    }

    // The path must be a directory that exists (created here) and can be written.
    private static (string Full, bool Created) Prepare(string directory)
    {
        string full = Path.GetFullPath(directory);
        bool created = !System.IO.Directory.Exists(full);
        if (File.Exists(full))
            throw new IOException($"{directory}: is a file, not a directory: the checkpoint directory must be a directory (or a path to create one)");
        try
        {
            System.IO.Directory.CreateDirectory(full);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            string? file = Path.GetDirectoryName(full);
            while (file is not null && !File.Exists(file)) file = Path.GetDirectoryName(file);
            throw new IOException($"{directory}: cannot create the checkpoint directory ({(file is not null ? $"'{file}' is a file" : e.Message)})", e);
        }
        return (full, created);
    }

    private static void TakeOverIfStale(string directory, string path)
    {
        FileStream exclusive;
        try
        {
            exclusive = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.None);
        }
        catch (FileNotFoundException)
        {
            return; // released meanwhile: create it again
        }
        catch (IOException)
        {
            throw Locked(directory, path); // a live holder keeps its shared lock
        }
        using (exclusive)
        {
            int? pid = ReadPid(exclusive);
            if (pid is { } p && p != Environment.ProcessId && IsAlive(p))
                throw new RunDirectoryLockedException(directory, p,
                    $"{directory}: {FileName} names PID {p}, a running process: if no run is writing there, delete {path}");
            File.Delete(path); // stale: the run that wrote it is gone; the next CreateNew takes its place
        }
    }

    private static RunDirectoryLockedException Locked(string directory, string path)
    {
        int? pid = null;
        try
        {
            using var shared = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            pid = ReadPid(shared);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return new RunDirectoryLockedException(directory, pid,
            $"{directory}: another run (PID {(pid?.ToString(CultureInfo.InvariantCulture) ?? "unknown")}) is writing this checkpoint directory ({FileName}); wait for it to end or choose another directory");
    }

    private static int? ReadPid(FileStream stream)
    {
        var buffer = new byte[32];
        int read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        return int.TryParse(Encoding.ASCII.GetString(buffer, 0, read).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
