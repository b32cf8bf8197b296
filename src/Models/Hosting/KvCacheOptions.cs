using LlmForge.Layers;

namespace LlmForge.Hosting;

/// <summary>
/// <c>LlmForge:KvCache</c>: what decoding keeps of the tokens seen, e.g.
/// <c>"KvCache": { "Kind": "sink", "Sinks": 4, "Window": 256 }</c> (see <see cref="KvCachePolicy"/>).
/// </summary>
public sealed class KvCacheOptions
{
    /// <summary>"dense" (the default), "recompute", "window" or "sink"; case-insensitive.</summary>
    public string Kind { get; set; } = KvCachePolicy.NameOf(KvCacheKind.Dense);

    /// <summary>S, the sinks a sink cache keeps (default <see cref="KvCachePolicy.DefaultSinks"/>); only Kind sink has any.</summary>
    public int? Sinks { get; set; }

    /// <summary>W, the most recent tokens kept; null: the model's context length minus the sinks.</summary>
    public int? Window { get; set; }

    /// <summary>The policy these options describe; null when <see cref="Kind"/> names none (see <see cref="Problems"/>).</summary>
    public KvCachePolicy? ToPolicy() => KvCachePolicy.ParseKind(Kind) is { } kind
        ? new KvCachePolicy { Kind = kind, Sinks = Sinks ?? (kind == KvCacheKind.Sink ? KvCachePolicy.DefaultSinks : 0), Window = Window }
        : null;

    /// <summary>Every problem, each naming its key under <paramref name="key"/> ("LlmForge:KvCache"); empty when valid.</summary>
    public IReadOnlyList<string> Problems(string key) => ToPolicy() is { } policy
        ? policy.Problems(key)
        : [$"{key}:Kind: '{Kind}' is unknown; valid values: {KvCachePolicy.KindNames}."];
}
