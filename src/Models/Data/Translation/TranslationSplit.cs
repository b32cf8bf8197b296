using LlmForge.Randomness;

namespace LlmForge.Data;

/// <summary>
/// A deterministic train/validation split of translation pairs: the pairs are shuffled by a seeded
/// <see cref="SplitMix64"/> and the first ⌊fraction · N⌋ of that order (at least one) are the validation set, so the same
/// file and seed give the same split on every run and machine. A corpus of messages is not a running text, so a
/// shuffled split (rather than <see cref="TrainValidationSplit"/>'s trailing passage) keeps both parts alike.
/// </summary>
public static class TranslationSplit
{
    /// <summary>The seed when none is given.</summary>
    public const int DefaultSeed = 1234;

    /// <summary>Splits <paramref name="pairs"/>; each part keeps the file order.</summary>
    /// <param name="pairs">The corpus (at least two pairs).</param>
    /// <param name="validationFraction">Share of pairs held out, in (0, 1).</param>
    /// <param name="seed">Seed of the shuffle.</param>
    /// <exception cref="ArgumentOutOfRangeException">A fraction outside (0, 1).</exception>
    /// <exception cref="ArgumentException">Fewer than two pairs, or a fraction that leaves no training pair.</exception>
    public static (IReadOnlyList<TranslationPair> Train, IReadOnlyList<TranslationPair> Validation) Split(
        IReadOnlyList<TranslationPair> pairs, double validationFraction, int seed = DefaultSeed)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        if (!(validationFraction > 0 && validationFraction < 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), validationFraction, "The validation fraction must be strictly between 0 and 1 (e.g. 0.05).");
        int held = Math.Max(1, (int)Math.Floor(validationFraction * pairs.Count));
        if (held >= pairs.Count)
            throw new ArgumentException($"Holding out {held} of {pairs.Count} pairs for validation leaves none for training; use more pairs or a smaller fraction.", nameof(pairs));
        var order = new int[pairs.Count];
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var random = new SplitMix64(unchecked((ulong)seed));
        random.Shuffle(order);
        var isValidation = new bool[pairs.Count];
        foreach (int i in order.AsSpan(0, held)) isValidation[i] = true;
        var train = new List<TranslationPair>(pairs.Count - held);
        var validation = new List<TranslationPair>(held);
        for (int i = 0; i < pairs.Count; i++) (isValidation[i] ? validation : train).Add(pairs[i]);
        return (train, validation);
    }
}
