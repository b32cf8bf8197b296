using LlmForge.Autograd;

namespace LlmForge.Training.Optimizers;

/// <summary>A trainable tensor with its hierarchical name (the key of its optimizer state in checkpoints).</summary>
public readonly record struct NamedParameter(string Name, Tensor Value);

/// <summary>Parameters that share optimizer settings (PyTorch's param_groups): here, the weight decay.</summary>
public sealed record ParameterGroup(IReadOnlyList<NamedParameter> Parameters, float WeightDecay)
{
    /// <summary>
    /// nanoGPT's split: matrices (rank ≥ 2) are decayed; biases and norm scales/shifts (rank 1) are not.
    /// <paramref name="isEmbedding"/> picks embedding tables, decayed only when <paramref name="decayEmbeddings"/>.
    /// </summary>
    public static IReadOnlyList<ParameterGroup> ForWeightDecay(IEnumerable<NamedParameter> parameters, float weightDecay,
        bool decayEmbeddings = true, Func<NamedParameter, bool>? isEmbedding = null)
    {
        var decay = new List<NamedParameter>();
        var noDecay = new List<NamedParameter>();
        foreach (var p in parameters)
        {
            bool decayed = p.Value.Rank >= 2 && (decayEmbeddings || isEmbedding is null || !isEmbedding(p));
            (decayed ? decay : noDecay).Add(p);
        }
        return [new ParameterGroup(decay, weightDecay), new ParameterGroup(noDecay, 0f)];
    }
}
