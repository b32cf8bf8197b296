using LlmForge.Autograd;

namespace LlmForge.Inspection;

/// <summary>
/// A forward pass with what <see cref="ForwardOutputs"/> asked for. <see cref="Output"/> is the same as the plain pass
/// returns (GPT: logits (B, T, vocab); BERT: the encoder's hidden states (B, T, C)).
/// </summary>
/// <param name="Output">The pass's usual result.</param>
/// <param name="Attentions">
/// Per layer, in order, its attention probabilities (B, nh, T, T): row i is query i's softmax over the keys (summing to
/// 1; hidden keys — the causal triangle above the diagonal, padding, outside a sliding window — are 0). Taken before
/// the attention dropout and detached from the graph. Null unless <see cref="ForwardOutputs.Attentions"/> was asked.
/// A GPT with a learned sink token (sink_token) records its position too: (B, nh, 1 + T, 1 + T), the sink at 0.
/// </param>
/// <param name="HiddenStates">
/// The embeddings' output (after the positional encoding and its dropout) then every block's output, (B, T, C) each:
/// layers + 1 tensors. Unlike Hugging Face's GPT-2 the last one is before the final norm. Null unless
/// <see cref="ForwardOutputs.HiddenStates"/> was asked. With a sink token: (B, 1 + T, C), the sink at 0.
/// </param>
public sealed record ModelOutput(Tensor Output, IReadOnlyList<Tensor>? Attentions, IReadOnlyList<Tensor>? HiddenStates)
{
    /// <summary>Mean, std, min and max of each hidden state, in the order of <see cref="HiddenStates"/>.</summary>
    /// <exception cref="InvalidOperationException">The hidden states were not asked for.</exception>
    public IReadOnlyList<TensorStatistics> HiddenStateStatistics() =>
        (HiddenStates ?? throw new InvalidOperationException("ModelOutput: the hidden states were not asked for (ForwardOutputs.HiddenStates)."))
            .Select(TensorStatistics.Of).ToArray();
}
