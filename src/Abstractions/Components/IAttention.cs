using LlmForge.Autograd;

namespace LlmForge.Components;

/// <summary>
/// Multi-head attention (self-, or cross- with a memory) over hidden states, (B, T, C) → (B, T, C): the part of a transformer block
/// whose variants (scaled-dot, sliding-window, a user's own) are picked by a configuration key. The caller
/// says what kind of model it is through <see cref="AttentionInput.Mask"/> (causal for a decoder, padding for
/// an encoder) and hands over the positional encoding, so a rotary one acts on q and k of every head. With
/// <see cref="AttentionInput.Memory"/> set the same layer is a cross-attention: keys and values come from the
/// encoder's states (B, Tk, C) instead, under their padding mask.
/// </summary>
/// <remarks>
/// Implementations are modules with parameters; register one under a kind name with
/// <c>services.AddAttention("name", context =&gt; new MyAttention(context))</c> and select it with
/// <c>"Attention": { "Kind": "name" }</c> in a model variant.
/// </remarks>
public interface IAttention
{
    /// <summary>The attention output, (B, T, C), before the residual add.</summary>
    Tensor Forward(AttentionInput input);
}
