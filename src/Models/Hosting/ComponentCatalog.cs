using LlmForge.Components;

namespace LlmForge.Hosting;

/// <summary>
/// Every component kind registered in the container (the built-ins <c>AddLlmForge</c> adds and the user's
/// <c>AddAttention</c>, <c>AddPositionalEncoding</c>, <c>AddNormalization</c>), looked up by the name a
/// configuration gives. Names compare case-insensitively, like configuration keys.
/// </summary>
public sealed class ComponentCatalog : IComponentKinds
{
    private readonly Dictionary<string, AttentionKind> attention;
    private readonly Dictionary<string, PositionalEncodingKind> positions;
    private readonly Dictionary<string, NormalizationKind> normalizations;

    /// <exception cref="InvalidOperationException">Two kinds of one family share a name: which one a configuration meant would depend on registration order.</exception>
    public ComponentCatalog(
        IEnumerable<AttentionKind> attention, IEnumerable<PositionalEncodingKind> positions, IEnumerable<NormalizationKind> normalizations)
    {
        this.attention = Index(attention, k => k.Name, "attention");
        this.positions = Index(positions, k => k.Name, "positional encoding");
        this.normalizations = Index(normalizations, k => k.Name, "normalization");
    }

    /// <summary>The registered attention kind names, built-ins first, then the user's in registration order.</summary>
    public IReadOnlyCollection<string> AttentionNames => attention.Keys;

    /// <summary>The registered positional-encoding kind names, built-ins first.</summary>
    public IReadOnlyCollection<string> PositionalEncodingNames => positions.Keys;

    /// <summary>The registered normalization kind names, built-ins first.</summary>
    public IReadOnlyCollection<string> NormalizationNames => normalizations.Keys;

    /// <inheritdoc/>
    public AttentionKind? FindAttention(string? name) => Find(attention, name);

    /// <inheritdoc/>
    public PositionalEncodingKind? FindPositionalEncoding(string? name) => Find(positions, name);

    /// <inheritdoc/>
    public NormalizationKind? FindNormalization(string? name) => Find(normalizations, name);

    private static T? Find<T>(Dictionary<string, T> kinds, string? name) where T : class =>
        name is not null && kinds.TryGetValue(name, out var kind) ? kind : null;

    private static Dictionary<string, T> Index<T>(IEnumerable<T> kinds, Func<T, string> name, string family)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        // Insertion order is kept for the "valid values" lists: built-ins first, then the user's, as registered.
        var index = new Dictionary<string, T>(StringComparer.OrdinalIgnoreCase);
        foreach (var kind in kinds)
        {
            if (!index.TryAdd(name(kind), kind))
                throw new InvalidOperationException(
                    $"The {family} kind '{name(kind)}' is registered twice; kind names must be unique (the built-in names are reserved).");
        }
        return index;
    }
}
