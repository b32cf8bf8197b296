namespace LlmForge.Components;

/// <summary>
/// Component kinds looked up by name: the built-ins alone (<see cref="BuiltInComponents.Kinds"/>) or everything a
/// container registered (<c>LlmForge.Hosting.ComponentCatalog</c>). A loader rebuilds a saved model's components
/// through it, so a model with a user's own kind reloads only where that kind is registered.
/// </summary>
public interface IComponentKinds
{
    /// <summary>The attention kind called <paramref name="name"/> (case-insensitive), or null.</summary>
    AttentionKind? FindAttention(string? name);

    /// <summary>The positional-encoding kind called <paramref name="name"/> (case-insensitive), or null.</summary>
    PositionalEncodingKind? FindPositionalEncoding(string? name);

    /// <summary>The normalization kind called <paramref name="name"/> (case-insensitive), or null.</summary>
    NormalizationKind? FindNormalization(string? name);
}
