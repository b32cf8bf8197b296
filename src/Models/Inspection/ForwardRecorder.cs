using LlmForge.Autograd;

namespace LlmForge.Inspection;

/// <summary>
/// Collects, during one forward pass, what <see cref="ForwardOutputs"/> asked for: a model calls <see cref="Hidden"/>
/// with the embeddings' output and each block's, and hands each block's attention <see cref="NextLayer"/>'s callback.
/// </summary>
internal sealed class ForwardRecorder(ForwardOutputs outputs, string model)
{
    private readonly List<Tensor> hidden = [];
    private readonly List<Tensor?> attentions = [];

    /// <summary>Records a hidden state (B, T, C) when asked for: the embeddings' output, then each block's.</summary>
    public void Hidden(Tensor x)
    {
        if (outputs.HasFlag(ForwardOutputs.HiddenStates)) hidden.Add(x);
    }

    /// <summary>The callback for the next block's attention (null when the weights were not asked for).</summary>
    public Action<Tensor>? NextLayer()
    {
        if (!outputs.HasFlag(ForwardOutputs.Attentions)) return null;
        int layer = attentions.Count;
        attentions.Add(null);
        // The weights may sit in the layer's scratch memory (TensorArena.RunLayer): keep a copy of our own.
        return weights => attentions[layer] = Copy(weights);
    }

    /// <summary>The pass's result with what was recorded.</summary>
    /// <exception cref="NotSupportedException">A layer's attention kind never reported its weights.</exception>
    public ModelOutput Result(Tensor output)
    {
        IReadOnlyList<Tensor>? weights = null;
        if (outputs.HasFlag(ForwardOutputs.Attentions))
        {
            int missing = attentions.FindIndex(a => a is null);
            if (missing >= 0)
                throw new NotSupportedException(
                    $"{model}: the attention of layer {missing} did not report its weights (AttentionInput.ReportWeights); " +
                    "its kind cannot return attentions.");
            weights = attentions.ConvertAll(a => a!);
        }
        return new ModelOutput(output, weights, outputs.HasFlag(ForwardOutputs.HiddenStates) ? hidden.ToArray() : null);
    }

    private static Tensor Copy(Tensor t)
    {
        var values = new float[t.Length];
        t.Data.AsSpan(0, values.Length).CopyTo(values);
        return Tensor.FromArray(t.Backend, values, t.Shape);
    }
}
