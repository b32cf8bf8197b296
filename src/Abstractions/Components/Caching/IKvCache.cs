using LlmForge.Autograd;

namespace LlmForge.Components;

/// <summary>
/// One attention layer's key/value cache for incremental decoding: the keys and values (B, nh, ·, hs) of the
/// tokens seen so far, so a decoding step computes q, k, v for its new token only and attends over the cache.
/// The attention hands over the new keys (after rotary, at their absolute positions) and values with the mask it
/// would use without a cache; the cache stores them and returns every key the new queries attend to, with that
/// mask translated to the cache's own key order (a ring buffer's slots are not positions).
/// </summary>
/// <remarks>
/// A cache holds detached copies: it is for inference under <see cref="GradMode.NoGrad"/>; gradients could not
/// flow into earlier steps' keys.
/// </remarks>
public interface IKvCache
{
    /// <summary>Token slots appended so far (padding included); the first new token's slot.</summary>
    int Length { get; }

    /// <summary>
    /// Stores <paramref name="keys"/> and <paramref name="values"/>, (B, nh, T, hs), of the tokens at
    /// <paramref name="positions"/>, and returns what the new queries attend over.
    /// </summary>
    /// <param name="mask">The attention's own mask for the new queries (causal, window; KeyValid over the new tokens).</param>
    /// <param name="keys">The new tokens' keys, (B, nh, T, hs).</param>
    /// <param name="values">Their values, (B, nh, T, hs).</param>
    /// <param name="positions">Each row's absolute positions of the new tokens.</param>
    KvCacheView Append(Tensor keys, Tensor values, AttentionMaskSpec mask, TokenPositions positions);

    /// <summary>Forgets every token (a new prompt).</summary>
    void Reset();
}
