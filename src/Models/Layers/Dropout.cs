using LlmForge.Autograd;
using LlmForge.Randomness;

namespace LlmForge.Layers;

/// <summary>
/// Inverted dropout, active only in training mode (<see cref="Module.IsTraining"/>) and when p &gt; 0.
/// Every call that drops uses a fresh mask seed derived from the layer's seed and its call counter, so a
/// run with the same model seed reproduces exactly, on every backend. No parameters.
/// </summary>
public sealed class Dropout : Module, ITensorModule
{
    /// <summary>A dropout layer zeroing each element with probability <paramref name="p"/> (the kept ones scaled by 1
    /// / (1 − p)); its masks derive from <paramref name="seed"/> and the call count.</summary>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="p"/> is not in [0, 1).</exception>
    public Dropout(float p, ulong seed)
    {
        if (!(p >= 0f && p < 1f))
            throw new ArgumentOutOfRangeException(nameof(p), p, "Dropout: p must be in [0, 1).");
        P = p;
        Seed = seed;
    }

    /// <summary>A dropout layer taking the next seed of <paramref name="init"/>'s dropout stream.</summary>
    public Dropout(ModuleInit init, float p) : this(p, (init ?? throw new ArgumentNullException(nameof(init))).NextDropoutSeed())
    {
    }

    /// <summary>Probability of zeroing an element.</summary>
    public float P { get; }

    /// <summary>The seed every mask of this layer derives from (with <see cref="Calls"/>).</summary>
    public ulong Seed { get; }

    /// <summary>
    /// How many masks this layer has drawn. Calls in eval mode (or with p = 0) draw none, so evaluating
    /// between training steps does not change the training masks. Settable to resume a run.
    /// </summary>
    public long Calls { get; set; }

    /// <summary>Whether <see cref="Forward"/> drops anything: training mode and p &gt; 0 (otherwise it returns x).</summary>
    public bool IsActive => IsTraining && P > 0f;

    /// <summary>(any shape) → (same shape).</summary>
    public Tensor Forward(Tensor x)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (!IsActive) return x;
        ulong maskSeed = SplitMix64.DeriveSeed(Seed, (ulong)Calls++);
        return x.Dropout(P, maskSeed, training: true);
    }
}
