namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Rotary position embedding in the GPT-NeoX / Llama "rotate half" convention. The last axis (size d, even)
    /// is read as two halves x1 = x[.., :d/2] and x2 = x[.., d/2:], and
    /// <code>y = x ⊙ cos + rotate_half(x) ⊙ sin,   rotate_half(x) = cat(−x2, x1)</code>
    /// so each pair (x1[i], x2[i]) at position t turns by the angle θᵢ(t) (cos and sin repeat it in both halves).
    /// x is [.., T, d], queries or keys of every head (B, nh, T, hs); cos and sin are [T, d] and the same for every
    /// leading index. They are constants: no gradient flows into them.
    /// </summary>
    public static Tensor Rotary(this Tensor x, Tensor cos, Tensor sin)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(cos);
        ArgumentNullException.ThrowIfNull(sin);
        Shapes.SameBackend("Rotary", x, cos);
        Shapes.SameBackend("Rotary", x, sin);
        if (x.Rank < 2 || x.Shape[^1] % 2 != 0)
            throw new ArgumentException($"Rotary: x {Shapes.Format(x.Shape)} must be [.., T, d] with an even d.", nameof(x));
        ReadOnlySpan<int> table = [x.Shape[^2], x.Shape[^1]];
        if (!Shapes.Equal(cos.Shape, table) || !Shapes.Equal(sin.Shape, table))
            throw new ArgumentException(
                $"Rotary: cos {Shapes.Format(cos.Shape)} and sin {Shapes.Format(sin.Shape)} must both be [T, d] = {Shapes.Format(table)} for x {Shapes.Format(x.Shape)}.");
        if (cos.RequiresGrad || sin.RequiresGrad)
            throw new ArgumentException("Rotary: cos and sin are constant tables; they must not require grad.");

        var backend = x.Backend;
        int d = table[1], cols = table[0] * d, rows = cols == 0 ? 0 : (int)(x.Length / cols); // x as [rows, T·d]
        var y = NewLike(x);
        using (var rotated = new Scratch(x.Length))
        {
            backend.MulRowBroadcast(x.Data, cos.Data, y.Data, rows, cols);            // y = x ⊙ cos
            RotateHalf(x.Data, rotated.Span, d, transposed: false);
            backend.MulRowBroadcast(rotated.Span, sin.Data, rotated.Span, rows, cols); //   rotate_half(x) ⊙ sin
            backend.Add(y.Data, rotated.Span, y.Data);
        }
        // y = (cos + R·sin) x per pair, R = rotate_half; so dx = cos ⊙ dy + Rᵀ(sin ⊙ dy), Rᵀ(g) = cat(g2, −g1).
        return Graph.Record(y, "Rotary", [x], (x, cos, sin, rows, cols, d), static (s, dy) =>
        {
            var (x, cos, sin, rows, cols, d) = s;
            var backend = x.Backend;
            var dx = x.GradBuffer();
            using var term = new Scratch(dy.Length);
            using var back = new Scratch(dy.Length);
            backend.MulRowBroadcast(dy, cos.Data, term.Span, rows, cols);
            backend.Axpy(1f, term.Span, dx);
            backend.MulRowBroadcast(dy, sin.Data, term.Span, rows, cols);
            RotateHalf(term.Span, back.Span, d, transposed: true);
            backend.Axpy(1f, back.Span, dx);
        });
    }

    /// <summary>Per row of d: y = cat(−x2, x1), or its transpose cat(x2, −x1).</summary>
    private static void RotateHalf(ReadOnlySpan<float> x, Span<float> y, int d, bool transposed)
    {
        int half = d / 2;
        float firstSign = transposed ? 1f : -1f; // the sign that lands on y's first half
        for (int row = 0; row < x.Length; row += d)
        {
            var x1 = x.Slice(row, half);
            var x2 = x.Slice(row + half, half);
            var y1 = y.Slice(row, half);
            var y2 = y.Slice(row + half, half);
            for (int i = 0; i < half; i++)
            {
                y1[i] = firstSign * x2[i];
                y2[i] = -firstSign * x1[i];
            }
        }
    }
}
