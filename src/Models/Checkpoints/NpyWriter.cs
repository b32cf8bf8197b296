using System.Runtime.InteropServices;

namespace LlmForge.Checkpoints;

/// <summary>
/// Writes a .npy file piece by piece, all-or-nothing: the header (shape known up front) then the data in C order
/// as it is produced, so an array larger than memory (the logits of a large batch) never has to be held whole.
/// <see cref="Commit"/> checks that exactly the shape's element count was written and renames the file into place
/// (<see cref="AtomicFile"/>); disposing without it leaves no file.
/// </summary>
/// <example>
/// <code>
/// using (var npy = NpyWriter&lt;float&gt;.Create(path, [batch, seq, vocab]))
/// {
///     foreach (var chunk in chunks) npy.Write(chunk);
///     npy.Commit();
/// }
/// </code>
/// </example>
public sealed class NpyWriter<T> : IDisposable where T : unmanaged
{
    private readonly AtomicFile _file;
    private readonly string _path;
    private readonly long _elements;
    private long _written;

    private NpyWriter(string path, AtomicFile file, long elements)
    {
        _path = path;
        _file = file;
        _elements = elements;
    }

    /// <summary>Starts <paramref name="path"/> (its directory must exist) for an array of <paramref name="shape"/>.</summary>
    public static NpyWriter<T> Create(string path, ReadOnlySpan<int> shape)
    {
        byte[] prefix = NpyFile.HeaderBytes<T>(path, shape, out long elements);
        var file = AtomicFile.Create(path);
        try
        {
            file.Stream.Write(prefix);
        }
        catch
        {
            file.Dispose();
            throw;
        }
        return new NpyWriter<T>(path, file, elements);
    }

    /// <summary>Elements written so far.</summary>
    public long Written => _written;

    /// <summary>Appends the next elements in C order.</summary>
    /// <exception cref="ArgumentException">They would run past the shape's element count.</exception>
    public void Write(ReadOnlySpan<T> values)
    {
        if (_written + values.Length > _elements)
            throw new ArgumentException($"{_path}: writing {values.Length} more values after {_written} runs past the shape's {_elements}.", nameof(values));
        _file.Stream.Write(MemoryMarshal.AsBytes(values));
        _written += values.Length;
    }

    /// <summary>Checks the element count and moves the file into place.</summary>
    /// <exception cref="InvalidOperationException">Fewer values than the shape holds were written.</exception>
    public void Commit()
    {
        if (_written != _elements)
            throw new InvalidOperationException($"{_path}: {_written} values written, the shape holds {_elements}; the file is not committed.");
        _file.Commit();
    }

    /// <summary>
    /// Closes the file; without a <see cref="Commit"/> first the temporary file is deleted and the path is left as it
    /// was.
    /// </summary>
    public void Dispose() => _file.Dispose();
}
