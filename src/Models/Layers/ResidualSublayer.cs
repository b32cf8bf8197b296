using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>
/// One sublayer of a transformer block (attention or feed-forward) with its dropout, residual add and norm, the norm
/// where <see cref="LayerNormPosition"/> puts it:
/// <code>
/// post-LN (original, BERT, Marian):  x = norm(x + drop(f(x)))
/// pre-LN:                            x = x + drop(f(norm(x)))
/// </code>
/// </summary>
public static class ResidualSublayer
{
    /// <summary>
    /// (B, T, C) → (B, T, C) through <paramref name="sublayer"/>, a static function of <paramref name="state"/> and its
    /// input (so that a call allocates no closure).
    /// </summary>
    public static Tensor Apply<TState>(Tensor x, LayerNormPosition position, INormalization norm, Dropout dropout, TState state,
        Func<TState, Tensor, Tensor> sublayer)
    {
        ArgumentNullException.ThrowIfNull(norm);
        ArgumentNullException.ThrowIfNull(dropout);
        ArgumentNullException.ThrowIfNull(sublayer);
        return position == LayerNormPosition.Post
            ? norm.Forward(x + dropout.Forward(sublayer(state, x)))
            : x + dropout.Forward(sublayer(state, norm.Forward(x)));
    }
}
