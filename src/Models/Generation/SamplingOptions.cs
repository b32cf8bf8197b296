namespace LlmForge.Generation;

/// <summary>How the next token is picked from the logits of the last position.</summary>
public sealed record SamplingOptions
{
    /// <summary>0 means greedy (argmax); otherwise logits are divided by it before sampling.</summary>
    public float Temperature { get; init; } = 1.0f;

    /// <summary>Keep only the K most likely tokens; 0 keeps all.</summary>
    public int TopK { get; init; }

    /// <summary>Keep the smallest set of tokens whose probability reaches P (nucleus); 1 keeps all.</summary>
    public float TopP { get; init; } = 1.0f;

    /// <summary>
    /// Seeds the sampler; each generation restarts from it, so the same prompt and options give the same tokens.
    /// </summary>
    public ulong Seed { get; init; } = 1337;

    /// <summary>Temperature 0: always the most likely token (argmax), no randomness.</summary>
    public static SamplingOptions Greedy { get; } = new() { Temperature = 0 };

    /// <summary>Throws naming the offending setting.</summary>
    public void Validate()
    {
        if (!(Temperature >= 0) || float.IsInfinity(Temperature)) throw new ArgumentOutOfRangeException(nameof(Temperature), Temperature, "temperature must be ≥ 0 (0 = greedy)");
        if (TopK < 0) throw new ArgumentOutOfRangeException(nameof(TopK), TopK, "top-k must be ≥ 0 (0 = off)");
        if (!(TopP > 0 && TopP <= 1)) throw new ArgumentOutOfRangeException(nameof(TopP), TopP, "top-p must be in (0, 1]");
    }
}
