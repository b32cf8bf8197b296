using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>8-bit weights for inference, model-wide (see <see cref="Linear.QuantizedWeight"/>).</summary>
public static class Int8Weights
{
    /// <summary>
    /// Gives every <see cref="Linear"/> layer of <paramref name="model"/> (attention projections, MLPs, the LM head) an
    /// 8-bit copy of its weight (<see cref="Int8Weight"/>, blocks of 32 with a float scale, as ggml's q8_0) that passes
    /// without a graph multiply by: generation reads about 28 % of the float32 bytes per token. Embedding tables, norms
    /// and biases stay float32, and training still uses the float32 weights; call it again after training changes
    /// them. <paramref name="use"/> false drops the copies. Returns how many layers it set.
    /// </summary>
    public static int UseInt8Weights(this Module model, bool use = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        int layers = 0;
        foreach (var (_, module) in model.NamedModules())
        {
            if (module is not Linear linear) continue;
            linear.UseInt8Weight(use);
            layers++;
        }
        return layers;
    }

    /// <summary>Bytes of int8 quants and scales <paramref name="model"/>'s layers hold.</summary>
    public static long Int8Bytes(this Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long bytes = 0;
        foreach (var (_, module) in model.NamedModules())
            if (module is Linear { QuantizedWeight: { } weight }) bytes += weight.Bytes;
        return bytes;
    }
}
