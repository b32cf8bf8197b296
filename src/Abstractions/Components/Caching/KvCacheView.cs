using LlmForge.Autograd;

namespace LlmForge.Components;

/// <summary>
/// What new queries attend over after <see cref="IKvCache.Append"/>: keys and values (B, nh, Tk, hs) — the cached
/// ones and the new ones, in the cache's order — and the mask over those Tk keys (scores (B, nh, Tq, Tk)).
/// </summary>
public sealed record KvCacheView(Tensor Keys, Tensor Values, AttentionMaskSpec Mask);
