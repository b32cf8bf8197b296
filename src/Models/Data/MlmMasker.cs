using LlmForge.Randomness;

namespace LlmForge.Data;

/// <summary>
/// BERT's masked-LM corruption, as Hugging Face's DataCollatorForLanguageModeling: each real, non-special token
/// is chosen for prediction with probability <see cref="MaskProbability"/> (15%); a chosen token is replaced
/// by [MASK] with probability <see cref="MaskTokenFraction"/> (80%), by a uniformly random id of the vocabulary
/// with probability <see cref="RandomTokenFraction"/> (10%), and left unchanged otherwise (10%). Labels hold the
/// original id at chosen positions and -100 elsewhere. Special tokens ([CLS], [SEP], [PAD], …) and padding
/// (attention_mask 0) are never chosen.
/// </summary>
/// <remarks>
/// One departure from the collator: a row with eligible tokens of which none was drawn gets one chosen uniformly
/// among them, so no row (and no batch) is without a prediction and a loss (for a 62-token row that happens with
/// probability 0.85⁶² ≈ 4·10⁻⁵, so the rate stays 15%). All randomness comes from the <see cref="SplitMix64"/>
/// passed in, so a (seed, step) pair fixes the masks on every machine.
/// </remarks>
public sealed class MlmMasker
{
    private readonly bool[] _special;

    /// <param name="vocabSize">Random replacements are drawn from [0, vocabSize).</param>
    /// <param name="maskId">The [MASK] token id.</param>
    /// <param name="specialIds">Ids never chosen ([CLS], [SEP], [PAD], [MASK], [UNK] …).</param>
    /// <param name="maskProbability">The share of the non-special tokens chosen for prediction (BERT: 0.15).</param>
    /// <param name="maskTokenFraction">The share of the chosen ones replaced by [MASK] (BERT: 0.8).</param>
    /// <param name="randomTokenFraction">The share replaced by a random token (BERT: 0.1); the rest are kept.</param>
    public MlmMasker(int vocabSize, int maskId, IEnumerable<int> specialIds,
        double maskProbability = 0.15, double maskTokenFraction = 0.8, double randomTokenFraction = 0.1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(vocabSize, 1);
        ArgumentNullException.ThrowIfNull(specialIds);
        if ((uint)maskId >= (uint)vocabSize)
            throw new ArgumentOutOfRangeException(nameof(maskId), maskId, $"The [MASK] id must be in [0, {vocabSize}).");
        if (!(maskProbability > 0 && maskProbability <= 1))
            throw new ArgumentOutOfRangeException(nameof(maskProbability), maskProbability, "The masking probability must be in (0, 1].");
        if (!(maskTokenFraction >= 0 && randomTokenFraction >= 0 && maskTokenFraction + randomTokenFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(maskTokenFraction), maskTokenFraction,
                $"The [MASK] fraction ({maskTokenFraction}) and random-token fraction ({randomTokenFraction}) must be ≥ 0 and add up to at most 1.");
        VocabSize = vocabSize;
        MaskId = maskId;
        MaskProbability = maskProbability;
        MaskTokenFraction = maskTokenFraction;
        RandomTokenFraction = randomTokenFraction;
        _special = new bool[vocabSize];
        foreach (int id in specialIds)
        {
            if ((uint)id >= (uint)vocabSize)
                throw new ArgumentOutOfRangeException(nameof(specialIds), id, $"Special id {id} is outside [0, {vocabSize}).");
            _special[id] = true;
        }
        _special[maskId] = true;
    }

    /// <summary>Random replacements are drawn from [0, VocabSize).</summary>
    public int VocabSize { get; }
    /// <summary>The [MASK] token id; never chosen itself.</summary>
    public int MaskId { get; }
    /// <summary>The chance that an eligible token is chosen for prediction (BERT: 0.15).</summary>
    public double MaskProbability { get; }
    /// <summary>The share of chosen tokens replaced by [MASK] (BERT: 0.8).</summary>
    public double MaskTokenFraction { get; }
    /// <summary>
    /// The share of chosen tokens replaced by a uniformly random id (BERT: 0.1); the rest keep their id.
    /// </summary>
    public double RandomTokenFraction { get; }

    /// <summary>
    /// Masks one row: <paramref name="ids"/> (the clean row) → <paramref name="maskedIds"/> and <paramref name="labels"/>.
    /// Returns the number of positions chosen.
    /// </summary>
    public int MaskRow(ReadOnlySpan<int> ids, ReadOnlySpan<int> attentionMask, Span<int> maskedIds, Span<int> labels, ref SplitMix64 rng)
    {
        int n = ids.Length;
        if (attentionMask.Length != n || maskedIds.Length != n || labels.Length != n)
            throw new ArgumentException(
                $"MaskRow: ids ({n}), attentionMask ({attentionMask.Length}), maskedIds ({maskedIds.Length}) and labels ({labels.Length}) must have one length.");
        ids.CopyTo(maskedIds);
        labels.Fill(MlmBatch.IgnoreIndex);
        int chosen = 0, eligible = 0;
        for (int i = 0; i < n; i++)
        {
            if (!IsEligible(ids[i], attentionMask[i])) continue;
            eligible++;
            if (NextDouble(ref rng) < MaskProbability) { Corrupt(i, ids, maskedIds, labels, ref rng); chosen++; }
        }
        if (chosen == 0 && eligible > 0)
        {
            int pick = rng.NextInt(eligible);
            for (int i = 0; i < n; i++)
            {
                if (IsEligible(ids[i], attentionMask[i]) && pick-- == 0) { Corrupt(i, ids, maskedIds, labels, ref rng); chosen = 1; break; }
            }
        }
        return chosen;
    }

    private bool IsEligible(int id, int attention)
    {
        if ((uint)id >= (uint)VocabSize)
            throw new ArgumentOutOfRangeException(nameof(id), id, $"Token id {id} is outside the vocabulary [0, {VocabSize}).");
        return attention != 0 && !_special[id];
    }

    private void Corrupt(int i, ReadOnlySpan<int> ids, Span<int> maskedIds, Span<int> labels, ref SplitMix64 rng)
    {
        labels[i] = ids[i];
        double u = NextDouble(ref rng);
        if (u < MaskTokenFraction) maskedIds[i] = MaskId;
        else if (u < MaskTokenFraction + RandomTokenFraction) maskedIds[i] = rng.NextInt(VocabSize);
        // else: unchanged, yet still predicted
    }

    // Uniform in [0, 1) with 53 random bits.
    private static double NextDouble(ref SplitMix64 rng) => (rng.NextUInt64() >> 11) * (1.0 / (1UL << 53));
}
