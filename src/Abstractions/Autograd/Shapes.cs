namespace LlmForge.Autograd;

/// <summary>Shape arithmetic and the "[2,3]" notation every error message uses.</summary>
internal static class Shapes
{
    public static string Format(ReadOnlySpan<int> shape) => "[" + string.Join(",", shape.ToArray()) + "]";

    public static bool Equal(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>The element count of <paramref name="shape"/>, checking that no dimension is negative.</summary>
    public static long Count(int[] shape, string argument)
    {
        ArgumentNullException.ThrowIfNull(shape, argument);
        return Count((ReadOnlySpan<int>)shape, argument);
    }

    /// <inheritdoc cref="Count(int[], string)"/>
    public static long Count(ReadOnlySpan<int> shape, string argument)
    {
        long count = 1;
        foreach (int d in shape)
        {
            if (d < 0)
                throw new ArgumentException($"Shape {Format(shape)} has a negative dimension.", argument);
            count *= d;
        }
        if (count > Array.MaxLength)
            throw new ArgumentException($"Shape {Format(shape)} has {count} elements, more than a float[] can hold.", argument);
        return count;
    }

    /// <summary>Product of the dimensions (1 for none).</summary>
    public static int Product(ReadOnlySpan<int> shape)
    {
        int p = 1;
        foreach (int d in shape) p *= d;
        return p;
    }

    /// <summary>x seen as [rows, cols] with cols its last axis: how the last-axis kernels read it.</summary>
    public static (int Rows, int Cols) RowsByLastAxis(Tensor x, string op)
    {
        if (x.Rank == 0 || x.Shape[^1] == 0)
            throw new ArgumentException($"{op}: needs a last axis of size > 0, got {x.Describe()}.");
        int cols = x.Shape[^1];
        return ((int)(x.Length / cols), cols);
    }

    /// <summary>Throws unless a and b are on backends of the same name (mixing backends is always a bug).</summary>
    public static void SameBackend(string op, Tensor a, Tensor b)
    {
        if (!ReferenceEquals(a.Backend, b.Backend) && a.Backend.Name != b.Backend.Name)
            throw new ArgumentException(
                $"{op}: {a.Describe()} is on backend {a.Backend.Name} but {b.Describe()} is on {b.Backend.Name}.");
    }
}
