using LlmForge.Randomness;

namespace LlmForge.Data;

/// <summary>
/// A deterministic train/validation split of a list of examples: the indices are shuffled by a seeded
/// <see cref="SplitMix64"/> and the first ⌊fraction · N⌋ of that order (at least one) are the validation set, so the same
/// data and seed give the same split on every run and machine. Each part keeps the original order.
/// </summary>
public static class ShuffledSplit
{
    /// <param name="items">The examples (at least two).</param>
    /// <param name="validationFraction">Share held out, in (0, 1).</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <param name="what">What the items are, for messages ("pairs", "examples").</param>
    /// <exception cref="ArgumentOutOfRangeException">A fraction outside (0, 1).</exception>
    /// <exception cref="ArgumentException">A fraction that leaves no training example.</exception>
    public static (IReadOnlyList<T> Train, IReadOnlyList<T> Validation) Split<T>(IReadOnlyList<T> items, double validationFraction, int seed, string what = "examples")
    {
        ArgumentNullException.ThrowIfNull(items);
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be strictly between 0 and 1 (e.g. 0.05).");
        int held = Math.Max(1, (int)Math.Floor(validationFraction * items.Count));
        if (held >= items.Count)
            throw new ArgumentException($"Holding out {held} of {items.Count} {what} for validation leaves none for training; use more {what} or a smaller fraction.", nameof(items));
        var order = new int[items.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        new SplitMix64(unchecked((ulong)seed)).Shuffle(order);
        var isValidation = new bool[items.Count];
        foreach (int i in order.AsSpan(0, held)) isValidation[i] = true;
        var train = new List<T>(items.Count - held);
        var validation = new List<T>(held);
        for (int i = 0; i < items.Count; i++) (isValidation[i] ? validation : train).Add(items[i]);
        return (train, validation);
    }
}
