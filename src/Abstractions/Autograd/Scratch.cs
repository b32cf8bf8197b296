using System.Buffers;

namespace LlmForge.Autograd;

/// <summary>
/// A temporary buffer for one backward closure (a gradient term before it is accumulated), rented from the
/// shared pool and returned at the end of the closure: <c>using var term = new Scratch(n);</c>. Contents start
/// undefined, so only kernels that overwrite their output may write it first.
/// </summary>
internal readonly struct Scratch : IDisposable
{
    private readonly float[] array;

    public Scratch(long length)
    {
        Length = checked((int)length);
        array = ArrayPool<float>.Shared.Rent(Length);
    }

    public int Length { get; }

    public Span<float> Span => array.AsSpan(0, Length);

    public void Dispose() => ArrayPool<float>.Shared.Return(array);
}
