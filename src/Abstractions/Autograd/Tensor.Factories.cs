using LlmForge.Backends;

namespace LlmForge.Autograd;

// Factories. Every tensor they make is a leaf with RequiresGrad = false; wrap one in Parameter(...) to train it.
public sealed partial class Tensor
{
    /// <summary>A tensor of <paramref name="shape"/> filled with 0.</summary>
    public static Tensor Zeros(ITensorBackend backend, params int[] shape) =>
        new(backend, new float[Shapes.Count(shape, nameof(shape))], (int[])shape.Clone());

    /// <summary>A tensor of <paramref name="shape"/> filled with <paramref name="value"/>.</summary>
    public static Tensor Full(ITensorBackend backend, float value, params int[] shape)
    {
        var t = Zeros(backend, shape);
        Array.Fill(t.Data, value);
        return t;
    }

    /// <summary>A tensor of <paramref name="shape"/> filled with 1.</summary>
    public static Tensor Ones(ITensorBackend backend, params int[] shape) => Full(backend, 1f, shape);

    /// <summary>A scalar (shape []).</summary>
    public static Tensor Scalar(ITensorBackend backend, float value) => new(backend, [value], []);

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of <paramref name="shape"/>.</summary>
    public static Tensor FromArray(ITensorBackend backend, float[] data, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(data);
        long count = Shapes.Count(shape, nameof(shape));
        if (data.LongLength != count)
            throw new ArgumentException(
                $"FromArray: shape {Shapes.Format(shape)} needs {count} values but data has {data.LongLength}.", nameof(data));
        return new(backend, data, (int[])shape.Clone());
    }

    /// <summary>
    /// A trainable leaf (RequiresGrad = true) sharing <paramref name="value"/>'s data, like
    /// <c>torch.nn.Parameter(value)</c>: <c>Tensor.Parameter(Tensor.Randn(backend, rng, 0.02f, V, C), "wte")</c>.
    /// </summary>
    public static Tensor Parameter(Tensor value, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(value);
        return new(value.Backend, value.Data, (int[])value.Shape.Clone()) { RequiresGrad = true, Name = name ?? value.Name };
    }

    /// <summary>Normal(0, std²) values from <paramref name="rng"/> (Box–Muller), so a seeded Random reproduces them.</summary>
    public static Tensor Randn(ITensorBackend backend, Random rng, float std, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        var t = Zeros(backend, shape);
        var data = t.Data;
        for (int i = 0; i < data.Length; i += 2)
        {
            double u1 = 1.0 - rng.NextDouble(); // (0, 1]: keeps log finite
            double u2 = rng.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            data[i] = (float)(std * r * Math.Cos(2 * Math.PI * u2));
            if (i + 1 < data.Length) data[i + 1] = (float)(std * r * Math.Sin(2 * Math.PI * u2));
        }
        return t;
    }

    /// <summary>Normal(0, std²) values from a <see cref="Random"/> seeded with <paramref name="seed"/>.</summary>
    public static Tensor Randn(ITensorBackend backend, int seed, float std, params int[] shape) =>
        Randn(backend, new Random(seed), std, shape);

    /// <summary>Uniform values in [low, high) from <paramref name="rng"/>.</summary>
    public static Tensor Uniform(ITensorBackend backend, Random rng, float low, float high, params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(rng);
        if (!(low < high))
            throw new ArgumentException($"Uniform: low ({low}) must be below high ({high}).", nameof(low));
        var t = Zeros(backend, shape);
        for (int i = 0; i < t.Data.Length; i++)
            t.Data[i] = (float)(low + (high - low) * rng.NextDouble());
        return t;
    }

    /// <summary>Uniform values in [low, high) from a <see cref="Random"/> seeded with <paramref name="seed"/>.</summary>
    public static Tensor Uniform(ITensorBackend backend, int seed, float low, float high, params int[] shape) =>
        Uniform(backend, new Random(seed), low, high, shape);
}
