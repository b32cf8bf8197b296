using LlmForge.Autograd;
using LlmForge.Components;

namespace LlmForge.Layers;

/// <summary>What every KV cache checks of an <see cref="IKvCache.Append"/> before storing anything.</summary>
internal static class KvCacheArguments
{
    /// <summary>Throws, naming <paramref name="owner"/>, unless the arguments are present, grad-free, and (B, nh, T, hs) with T positions per row.</summary>
    public static void Check(Tensor keys, Tensor values, AttentionMaskSpec mask, TokenPositions positions, string owner)
    {
        ArgumentNullException.ThrowIfNull(keys);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(mask);
        ArgumentNullException.ThrowIfNull(positions);
        if (GradMode.IsEnabled)
            throw new InvalidOperationException($"{owner}: the cache holds detached copies; decode under GradMode.NoGrad().");
        if (keys.Rank != 4 || !keys.Shape.AsSpan().SequenceEqual(values.Shape))
            throw new ArgumentException(
                $"{owner}: keys [{string.Join(", ", keys.Shape)}] and values [{string.Join(", ", values.Shape)}] must both be (B, nh, T, hs).", nameof(keys));
        positions.Check(keys.Shape[0], keys.Shape[2], owner);
    }
}
