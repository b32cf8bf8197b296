namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// The same data read with another shape (no copy; the output shares <see cref="Tensor.Data"/>).
    /// One dimension may be −1 and is inferred: <c>x.Reshape(B, T, nh, -1)</c>.
    /// </summary>
    public static Tensor Reshape(this Tensor x, params ReadOnlySpan<int> shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        Span<int> resolved = stackalloc int[shape.Length];
        shape.CopyTo(resolved);
        int infer = resolved.IndexOf(-1);
        if (infer >= 0)
        {
            resolved[infer] = 1;
            if (resolved.IndexOf(-1) >= 0)
                throw new ArgumentException($"Reshape: {Shapes.Format(shape)} has more than one −1.", nameof(shape));
            long known = Shapes.Count(resolved, nameof(shape));
            if (known == 0 || x.Length % known != 0)
                throw new ArgumentException(
                    $"Reshape: cannot view {Shapes.Format(x.Shape)} ({x.Length} elements) as {Shapes.Format(shape)}.", nameof(shape));
            resolved[infer] = (int)(x.Length / known);
        }
        long count = Shapes.Count(resolved, nameof(shape));
        if (count != x.Length)
            throw new ArgumentException(
                $"Reshape: cannot view {Shapes.Format(x.Shape)} ({x.Length} elements) as {Shapes.Format(shape)} ({count} elements).",
                nameof(shape));

        var y = TensorArena.NewTensor(x.Backend, x.Data, resolved);
        // Same element order, so the gradient flows straight through.
        return Graph.Record(y, "Reshape", [x], x, static (x, dy) => x.Backend.Axpy(1f, dy, x.GradBuffer()));
    }
}
