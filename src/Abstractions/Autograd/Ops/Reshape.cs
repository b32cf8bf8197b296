namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// The same data read with another shape (no copy; the output shares <see cref="Tensor.Data"/>).
    /// One dimension may be −1 and is inferred: <c>x.Reshape(B, T, nh, -1)</c>.
    /// </summary>
    public static Tensor Reshape(this Tensor x, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(shape);
        var resolved = (int[])shape.Clone();
        int infer = Array.IndexOf(resolved, -1);
        if (infer >= 0)
        {
            resolved[infer] = 1;
            if (Array.IndexOf(resolved, -1) >= 0)
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

        var backend = x.Backend;
        var y = new Tensor(backend, x.Data, resolved);
        // Same element order, so the gradient flows straight through.
        return Graph.Record(y, "Reshape", [x], dy => backend.Axpy(1f, dy, x.GradBuffer()));
    }
}
