namespace LlmForge.Layers;

/// <summary>What the linear layers of a model multiply by at inference: their float32 weights, or a copy in fewer bytes.</summary>
public enum WeightFormat
{
    /// <summary>The float32 weights themselves.</summary>
    Float32,

    /// <summary>bfloat16 copies (<see cref="BFloat16Weights"/>): half the bytes, logits within bfloat16 rounding.</summary>
    BFloat16,

    /// <summary>8-bit block copies (<see cref="Int8Weights"/>, ggml's q8_0): about 28 % of the bytes.</summary>
    Int8,
}

/// <summary>Sets a model's <see cref="WeightFormat"/> and names it as the CLI's <c>--weights</c> does.</summary>
public static class WeightFormats
{
    /// <summary>The names <see cref="Parse"/> takes, in <see cref="WeightFormat"/> order: float32, bf16, int8.</summary>
    public static IReadOnlyList<string> Names { get; } = ["float32", "bf16", "int8"];

    /// <summary>float32, bf16 or int8 (null: float32).</summary>
    /// <exception cref="ArgumentException">Another name.</exception>
    public static WeightFormat Parse(string? name) => name switch
    {
        null or "float32" => WeightFormat.Float32,
        "bf16" => WeightFormat.BFloat16,
        "int8" => WeightFormat.Int8,
        _ => throw new ArgumentException($"weights '{name}' is not valid; valid values: {string.Join(", ", Names)}.", nameof(name)),
    };

    /// <summary>The name <see cref="Parse"/> reads back.</summary>
    public static string Name(this WeightFormat format) => Names[(int)format];

    /// <summary>
    /// Makes every <see cref="Linear"/> layer of <paramref name="model"/> multiply by <paramref name="format"/> at
    /// inference (dropping the copies of the other formats); returns how many layers hold a copy (0 for float32).
    /// </summary>
    public static int UseWeights(this Module model, WeightFormat format)
    {
        ArgumentNullException.ThrowIfNull(model);
        int bf16 = model.UseBFloat16Weights(format == WeightFormat.BFloat16);
        int int8 = model.UseInt8Weights(format == WeightFormat.Int8);
        return format switch { WeightFormat.BFloat16 => bf16, WeightFormat.Int8 => int8, _ => 0 };
    }
}
