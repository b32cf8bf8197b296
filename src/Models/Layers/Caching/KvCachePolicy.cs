namespace LlmForge.Layers;

/// <summary>
/// How a decoder's KV cache treats the tokens past what it keeps: configuration
/// <c>"KvCache": { "Kind": "sink", "Sinks": 4, "Window": 256 }</c>, or <c>generate --sinks S --window W</c>.
/// <see cref="KvCacheKind.Window"/> and <see cref="KvCacheKind.Sink"/> stream without end at constant memory and
/// time per token; <see cref="KvCacheKind.Recompute"/> is their exact (slow) baseline; <see cref="KvCacheKind.Dense"/>
/// is what decoding did before policies existed.
/// </summary>
public sealed record KvCachePolicy
{
    /// <summary>The configuration section's name: <c>LlmForge:KvCache</c>.</summary>
    public const string SectionName = "KvCache";

    /// <summary>Sinks when a sink policy names none: StreamingLLM's 4.</summary>
    public const int DefaultSinks = 4;

    /// <summary>Which tokens are kept.</summary>
    public KvCacheKind Kind { get; init; } = KvCacheKind.Dense;

    /// <summary>S, the first tokens a <see cref="KvCacheKind.Sink"/> cache keeps for ever (0 for the other kinds).</summary>
    public int Sinks { get; init; }

    /// <summary>
    /// W, the most recent tokens kept (the current one included); null: the model's context length minus
    /// <see cref="Sinks"/>, so the cache spans the context the model was trained on. Dense ignores it.
    /// </summary>
    public int? Window { get; init; }

    /// <summary>Today's behaviour: every token up to the context length.</summary>
    public static KvCachePolicy Dense { get; } = new();

    /// <summary>Whether the cache rolls (window, sink): unbounded decoding at constant memory.</summary>
    public bool IsStreaming => Kind is KvCacheKind.Window or KvCacheKind.Sink;

    /// <summary>"dense", "recompute", "window", "sink": the kind's configuration name.</summary>
    public string KindName => NameOf(Kind);

    /// <summary>The configuration name of <paramref name="kind"/>.</summary>
    public static string NameOf(KvCacheKind kind) => kind.ToString().ToLowerInvariant();

    /// <summary>The kind named <paramref name="name"/> (case-insensitive); null when it names none.</summary>
    public static KvCacheKind? ParseKind(string? name) =>
        Enum.GetValues<KvCacheKind>().Cast<KvCacheKind?>().FirstOrDefault(k => string.Equals(NameOf(k!.Value), name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The valid kind names, for messages: "dense, recompute, window, sink".</summary>
    public static string KindNames => string.Join(", ", Enum.GetValues<KvCacheKind>().Select(NameOf));

    /// <summary>
    /// The window this policy keeps for a model of <paramref name="contextLength"/>: <see cref="Window"/>, or
    /// the context length minus the sinks when it is null.
    /// </summary>
    public int WindowFor(int contextLength) => Window ?? Math.Max(1, contextLength - Sinks);

    /// <summary>
    /// The problems of this policy, each naming its key under <paramref name="key"/> ("LlmForge:KvCache"): negative
    /// sizes, sinks on a kind that has none, a sink policy without sinks. Empty when valid.
    /// </summary>
    public IReadOnlyList<string> Problems(string key)
    {
        var problems = new List<string>();
        if (Sinks < 0) problems.Add($"{key}:Sinks: {Sinks} must be ≥ 0.");
        else if (Kind == KvCacheKind.Sink && Sinks == 0) problems.Add($"{key}:Sinks: a sink cache keeps at least 1 sink (0 sinks is Kind window).");
        else if (Kind != KvCacheKind.Sink && Sinks != 0) problems.Add($"{key}:Sinks: {Sinks} sinks need Kind sink, not {KindName}.");
        if (Window is int w && w < 1) problems.Add($"{key}:Window: {w} must be ≥ 1 token.");
        return problems;
    }

    /// <summary>Throws the first of <see cref="Problems"/>, naming its key under <paramref name="key"/>.</summary>
    /// <exception cref="ArgumentException">The policy is invalid.</exception>
    public void Validate(string key = SectionName)
    {
        if (Problems(key) is [var first, ..]) throw new ArgumentException(first);
    }

    /// <summary>"sink (4 sinks + window 60)", "window 64", "recompute (window 64)", "dense".</summary>
    public string Describe(int contextLength) => Kind switch
    {
        KvCacheKind.Sink => $"sink ({Sinks} sinks + window {WindowFor(contextLength)})",
        KvCacheKind.Window => $"window {WindowFor(contextLength)}",
        KvCacheKind.Recompute => $"recompute (window {WindowFor(contextLength)})",
        _ => "dense",
    };
}
