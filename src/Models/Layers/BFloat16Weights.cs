using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>bfloat16 weights for inference, model-wide (see <see cref="Linear.InferenceWeight"/>).</summary>
public static class BFloat16Weights
{
    /// <summary>
    /// Gives every <see cref="Linear"/> layer of <paramref name="model"/> (attention projections, MLPs, the LM head) a
    /// bfloat16 copy of its weight that passes without a graph multiply by: generation reads half the bytes per
    /// token. Embedding tables, norms and biases stay float32, and training still uses the float32 weights; call it
    /// again after training changes them. <paramref name="use"/> false drops the copies. Returns how many layers it set.
    /// </summary>
    public static int UseBFloat16Weights(this Module model, bool use = true)
    {
        ArgumentNullException.ThrowIfNull(model);
        int layers = 0;
        foreach (var (_, module) in model.NamedModules())
        {
            if (module is not Linear linear) continue;
            linear.UseBFloat16Weight(use);
            layers++;
        }
        return layers;
    }

    /// <summary>Bytes of bfloat16 weights <paramref name="model"/>'s layers hold.</summary>
    public static long BFloat16Bytes(this Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        long bytes = 0;
        foreach (var (_, module) in model.NamedModules())
            if (module is Linear { InferenceWeight: { } weight }) bytes += (long)weight.Data.Length * sizeof(ushort);
        return bytes;
    }
}
