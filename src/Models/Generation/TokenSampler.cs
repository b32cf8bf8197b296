namespace LlmForge.Generation;

/// <summary>
/// Picks the next token from one row of logits [vocab]: greedy, or temperature → top-k → top-p → sample,
/// in that order (as Hugging Face's and nanoGPT's samplers do). Seeded, so a run reproduces.
/// </summary>
public sealed class TokenSampler
{
    private readonly SamplingOptions _options;
    private readonly Random _rng;
    private float[] _probs = [];
    private int[] _order = [];

    /// <summary>A sampler seeded from <paramref name="options"/>' <see cref="SamplingOptions.Seed"/>.</summary>
    /// <exception cref="ArgumentException">Invalid options (the message names the setting).</exception>
    public TokenSampler(SamplingOptions options)
    {
        options.Validate();
        _options = options;
        _rng = new Random(unchecked((int)options.Seed ^ (int)(options.Seed >> 32)));
    }

    /// <summary>The next token id from one row of logits [vocab]: <see cref="ArgMax"/> at temperature 0, else a draw
    /// after temperature, top-k and top-p.</summary>
    /// <exception cref="ArgumentException"><paramref name="logits"/> is empty.</exception>
    public int Next(ReadOnlySpan<float> logits)
    {
        if (logits.IsEmpty) throw new ArgumentException("logits are empty", nameof(logits));
        if (_options.Temperature == 0) return ArgMax(logits);

        int vocab = logits.Length;
        if (_probs.Length < vocab) { _probs = new float[vocab]; _order = new int[vocab]; }
        var probs = _probs.AsSpan(0, vocab);

        // Top-k: everything below the k-th largest logit is dropped (ties at the threshold are kept).
        float threshold = float.NegativeInfinity;
        if (_options.TopK > 0 && _options.TopK < vocab)
        {
            logits.CopyTo(probs);
            probs.Sort();
            threshold = probs[vocab - _options.TopK];
        }

        // Softmax of logits / T over the kept tokens, in double for a stable normalisation.
        float max = float.NegativeInfinity;
        foreach (float l in logits) if (l >= threshold && l > max) max = l;
        double sum = 0;
        for (int i = 0; i < vocab; i++)
        {
            double p = logits[i] >= threshold ? Math.Exp((logits[i] - max) / _options.Temperature) : 0;
            probs[i] = (float)p;
            sum += p;
        }
        for (int i = 0; i < vocab; i++) probs[i] = (float)(probs[i] / sum);

        if (_options.TopP < 1) ApplyTopP(probs);

        double u = _rng.NextDouble(), acc = 0, total = 0;
        foreach (float p in probs) total += p;
        u *= total;
        int last = 0;
        for (int i = 0; i < vocab; i++)
        {
            if (probs[i] == 0) continue;
            last = i;
            acc += probs[i];
            if (u < acc) return i;
        }
        return last;
    }

    /// <summary>Nucleus: keeps the most likely tokens until their mass reaches TopP (the one crossing it included).</summary>
    private void ApplyTopP(Span<float> probs)
    {
        var order = _order.AsSpan(0, probs.Length);
        for (int i = 0; i < order.Length; i++) order[i] = i;
        var keys = probs.ToArray();
        Array.Sort(keys, _order, 0, probs.Length, Comparer<float>.Create((a, b) => b.CompareTo(a)));
        double acc = 0;
        int keep = 0;
        while (keep < order.Length && acc < _options.TopP) acc += keys[keep++];
        for (int i = keep; i < order.Length; i++) probs[order[i]] = 0;
    }

    /// <summary>The index of the largest logit (the first one on ties); 0 for an all-NaN row.</summary>
    public static int ArgMax(ReadOnlySpan<float> logits)
    {
        int best = 0;
        for (int i = 1; i < logits.Length; i++) if (logits[i] > logits[best]) best = i;
        return best;
    }
}
