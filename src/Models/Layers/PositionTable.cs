using LlmForge.Autograd;
using LlmForge.Backends;

namespace LlmForge.Layers;

/// <summary>
/// A constant table with one row per position (sinusoids, rotary cos or sin), handed out as tensors of the rows
/// [start, start + T). The last slice is kept, since a model asks for the same rows in every layer and step.
/// </summary>
internal sealed class PositionTable
{
    private readonly float[] data;
    private (int Start, int Count, Tensor Rows)? last;

    /// <param name="value">The entry at (position, column).</param>
    public PositionTable(ITensorBackend backend, int positions, int columns, Func<int, int, double> value)
    {
        Backend = backend;
        Positions = positions;
        Columns = columns;
        data = new float[(long)positions * columns];
        for (int p = 0; p < positions; p++)
            for (int c = 0; c < columns; c++)
                data[(long)p * columns + c] = (float)value(p, c);
    }

    public ITensorBackend Backend { get; }

    public int Positions { get; }

    public int Columns { get; }

    /// <summary>Rows [start, start + count) as a constant [count, Columns] tensor.</summary>
    /// <exception cref="ArgumentException">The rows run past the table; the message names <paramref name="owner"/> and the limit.</exception>
    public Tensor Rows(int start, int count, string owner)
    {
        if (start < 0 || count < 0 || (long)start + count > Positions)
            throw new ArgumentException(
                $"{owner}: positions [{start}, {(long)start + count}) run past the {Positions} positions it was built for (the context length).");
        if (last is { } cached && cached.Start == start && cached.Count == count) return cached.Rows;
        var rows = Tensor.FromArray(Backend, data.AsSpan(start * Columns, count * Columns).ToArray(), count, Columns);
        last = (start, count, rows);
        return rows;
    }
}
