namespace LlmForge.Data;

/// <summary>
/// A deterministic train/validation split of translation pairs: the pairs are shuffled by a seeded
/// <see cref="Randomness.SplitMix64"/> and the first ⌊fraction · N⌋ of that order (at least one) are the validation set, so the same
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
        => ShuffledSplit.Split(pairs, validationFraction, seed, "pairs");
}
