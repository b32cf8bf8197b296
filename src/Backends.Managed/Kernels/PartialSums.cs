using System.Buffers;
using System.Numerics.Tensors;

namespace LlmForge.Backends.Managed;

/// <summary>
/// Per-chunk buffers for gradients summed over rows (dgamma, dbeta) when row chunks run in parallel: each
/// chunk adds into its own [cols] buffer, and <see cref="AddInto"/> adds them to the gradient in chunk order,
/// so the result is the same on every run. With a single chunk the gradient itself is the target. A struct, so that
/// a backward pass allocates nothing: it is created per call and travels in the kernel's chunk state.
/// </summary>
internal readonly unsafe struct PartialSums : IDisposable
{
    private readonly float[]? _buffer;   // [chunks, vectors, cols]
    private readonly int _chunks, _vectors, _cols;

    public PartialSums(int chunks, int vectors, int cols)
    {
        (_chunks, _vectors, _cols) = (chunks, vectors, cols);
        if (chunks > 1)
        {
            int length = checked(chunks * vectors * cols);
            _buffer = ArrayPool<float>.Shared.Rent(length); // rented: reused by every backward pass
            _buffer.AsSpan(0, length).Clear();
        }
    }

    public void Dispose()
    {
        if (_buffer is not null) ArrayPool<float>.Shared.Return(_buffer);
    }

    /// <summary>Where chunk <paramref name="chunk"/> accumulates vector <paramref name="vector"/> (the gradient at <paramref name="gradient"/> itself when single-chunk).</summary>
    public Span<float> Target(int chunk, int vector, float* gradient) =>
        _buffer is null ? new Span<float>(gradient, _cols) : _buffer.AsSpan((chunk * _vectors + vector) * _cols, _cols);

    /// <summary>gradient += Σ_chunks partial, in chunk order.</summary>
    public void AddInto(int vector, Span<float> gradient)
    {
        if (_buffer is null) return;
        for (int chunk = 0; chunk < _chunks; chunk++)
            TensorPrimitives.Add(gradient, _buffer.AsSpan((chunk * _vectors + vector) * _cols, _cols), gradient);
    }
}
