using LlmForge.Autograd;
using LlmForge.Backends;

namespace LlmForge.Layers;

/// <summary>
/// A constant table with one row per position (sinusoids, rotary cos or sin), handed out as tensors of the rows
/// [start, start + T), or as rows gathered at any positions. The last slice is kept, since a model asks for the
/// same rows in every layer and step.
/// </summary>
internal sealed class PositionTable
{
    private readonly float[] data;
    private readonly Func<int, int, double> value;
    private (int Start, int Count, Tensor Rows)? last;
    private (int[] Positions, Tensor Rows)? lastGather;

    /// <param name="value">The entry at (position, column).</param>
    /// <param name="extends">Whether <see cref="Gather"/> computes rows past the table (rotary, whose angles have no end).</param>
    /// <param name="backend">Where the rows' tensors live.</param>
    /// <param name="positions">Rows computed up front.</param>
    /// <param name="columns">Width of each row.</param>
    public PositionTable(ITensorBackend backend, int positions, int columns, Func<int, int, double> value, bool extends = false)
    {
        Backend = backend;
        this.value = value;
        Extends = extends;
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

    /// <summary>Whether positions past the table are computed on demand by <see cref="Gather"/>.</summary>
    public bool Extends { get; }

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

    /// <summary>
    /// The rows at <paramref name="positions"/> as a constant [positions.Length, Columns] tensor; past the table
    /// they are computed when <see cref="Extends"/>, else it throws. The last gather is kept (every layer of a
    /// decoding step asks for the same positions).
    /// </summary>
    public Tensor Gather(int[] positions, string owner)
    {
        if (lastGather is { } cached && cached.Positions.AsSpan().SequenceEqual(positions)) return cached.Rows;
        var rows = new float[(long)positions.Length * Columns];
        for (int i = 0; i < positions.Length; i++)
        {
            int p = positions[i];
            var row = rows.AsSpan(i * Columns, Columns);
            if (p >= 0 && p < Positions)
                data.AsSpan(p * Columns, Columns).CopyTo(row);
            else if (p >= 0 && Extends)
                for (int c = 0; c < Columns; c++) row[c] = (float)value(p, c);
            else
                throw new ArgumentException($"{owner}: position {p} is outside the {Positions} positions it was built for (the context length).");
        }
        var tensor = Tensor.FromArray(Backend, rows, positions.Length, Columns);
        lastGather = ((int[])positions.Clone(), tensor);
        return tensor;
    }
}
