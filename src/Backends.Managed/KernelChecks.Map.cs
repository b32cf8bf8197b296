using static LlmForge.Backends.Managed.ArgumentRules;

namespace LlmForge.Backends.Managed;

public static partial class KernelChecks
{
    /// <summary>Map: a known <see cref="UnaryOp"/>, x and y of one length.</summary>
    public static void Map(UnaryOp op, ReadOnlySpan<float> x, Span<float> y)
    {
        Op(op);
        SameLength(y.Length, x.Length, nameof(y), nameof(x));
    }

    /// <summary>MapBackward: a known <see cref="UnaryOp"/>, x, dy and dx of one length.</summary>
    public static void MapBackward(UnaryOp op, ReadOnlySpan<float> x, ReadOnlySpan<float> dy, Span<float> dx)
    {
        Op(op);
        SameLength(dy.Length, x.Length, nameof(dy), nameof(x));
        SameLength(dx.Length, x.Length, nameof(dx), nameof(x));
    }

    /// <summary>AddColumnBroadcast and MulColumnBroadcast: x, y of [rows, cols], v of [rows].</summary>
    public static void ColumnBroadcast(ReadOnlySpan<float> x, ReadOnlySpan<float> v, Span<float> y, int rows, int cols)
    {
        RowsCols(rows, cols);
        Rows(x.Length, rows, cols, nameof(x));
        AtLeast(v.Length, rows, nameof(v), $"rows = {rows}");
        Rows(y.Length, rows, cols, nameof(y));
    }

    private static void Op(UnaryOp op)
    {
        if (!Enum.IsDefined(op))
            throw new ArgumentOutOfRangeException(nameof(op), op,
                $"Unknown UnaryOp {op}; valid values: {string.Join(", ", Enum.GetNames<UnaryOp>())}.");
    }
}
