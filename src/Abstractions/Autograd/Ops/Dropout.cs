namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Inverted dropout: zeroes each element with probability p and scales the rest by 1/(1−p). The mask is a
    /// pure function of (<paramref name="seed"/>, index), so a run reproduces. Returns x itself when not training
    /// or p = 0.
    /// </summary>
    public static Tensor Dropout(this Tensor x, float p, ulong seed, bool training)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!(p >= 0f && p < 1f))
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1).");
        if (!training || p == 0f) return x;

        var y = NewLike(x);
        var mask = TensorArena.Allocate(x.Length);
        x.Backend.Dropout(x.Data, y.Data, mask, p, seed);
        return Graph.Record(y, "Dropout", [x], (x, mask), static (s, dy) =>
        {
            using var term = new Scratch(dy.Length); // dx += dy ⊙ mask
            s.x.Backend.Mul(dy, s.mask, term.Span);
            s.x.Backend.Axpy(1f, term.Span, s.x.GradBuffer());
        });
    }
}
