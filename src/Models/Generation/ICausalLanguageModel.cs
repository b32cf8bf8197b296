using LlmForge.Autograd;

namespace LlmForge.Generation;

/// <summary>
/// What <see cref="TextGenerator"/> needs of a decoder: next-token logits for a batch of token ids, the
/// longest sequence it accepts, and a train/eval switch (generation runs with dropout off).
/// <see cref="GptLanguageModel"/> adapts a <see cref="Gpt.GptModel"/>.
/// </summary>
public interface ICausalLanguageModel
{
    /// <summary>n_positions: the longest sequence <see cref="Forward"/> accepts.</summary>
    int ContextLength { get; }

    /// <summary>True in training mode (dropout on).</summary>
    bool IsTraining { get; }

    /// <summary>Sets training (true) or evaluation (false) mode for the whole model.</summary>
    void Train(bool training);

    /// <summary>ids [batch · seq] row-major → logits (batch, seq, vocab); seq ≤ <see cref="ContextLength"/>.</summary>
    Tensor Forward(int[] ids, int batch, int seq);
}
