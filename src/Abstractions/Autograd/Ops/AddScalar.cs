namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>x + c for a constant c (variance + eps, 1 + x); the gradient passes through unchanged.</summary>
    public static Tensor AddScalar(this Tensor x, float c)
    {
        ArgumentNullException.ThrowIfNull(x);
        var y = NewLike(x);
        int n = (int)x.Length;
        ReadOnlySpan<float> value = [c];
        // x read as one row [1, n] with c its per-row value: one broadcast kernel, parallel over the elements.
        if (n > 0) x.Backend.AddColumnBroadcast(x.Data, value, y.Data, 1, n);
        return Graph.Record(y, "AddScalar", [x], x, static (x, dy) => x.Backend.Axpy(1f, dy, x.GradBuffer())); // dx += dy
    }
}
