using LlmForge.Diagnostics;

namespace LlmForge.Components;

/// <summary>
/// The names of the kinds a model was built from — what a saved config.json records (under its "llmforge" key)
/// when the Hugging Face keys cannot say it, and what a loader looks up again in an <see cref="IComponentKinds"/>.
/// </summary>
public sealed record ComponentKindNames(string Attention, string PositionalEncoding, string Normalization)
{
    /// <summary>Whether both name the same kinds; kind names compare case-insensitively, like configuration keys.</summary>
    public bool SameKinds(ComponentKindNames other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return string.Equals(Attention, other.Attention, StringComparison.OrdinalIgnoreCase)
            && string.Equals(PositionalEncoding, other.PositionalEncoding, StringComparison.OrdinalIgnoreCase)
            && string.Equals(Normalization, other.Normalization, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// What a config records for a model built from these kinds when its Hugging Face keys select
    /// <paramref name="selectedByKeys"/>: nothing (null) when those are these kinds, else these names.
    /// </summary>
    public ComponentKindNames? UnlessSelectedBy(ComponentKindNames selectedByKeys) => SameKinds(selectedByKeys) ? null : this;

    /// <summary>"Kinds (llmforge) must name every kind, …" when a name is empty, else null (a config's validation).</summary>
    public string? FindError() =>
        string.IsNullOrWhiteSpace(Attention) || string.IsNullOrWhiteSpace(PositionalEncoding) || string.IsNullOrWhiteSpace(Normalization)
            ? $"Kinds (llmforge) must name every kind, got {this}."
            : null;

    /// <summary>The three kinds these names select in <paramref name="kinds"/>.</summary>
    /// <exception cref="KeyNotFoundException">
    /// A name is not registered: 'attention kind "my-attn" is not registered; register it with
    /// services.AddAttention("my-attn", …)' (the first such name).
    /// </exception>
    public (AttentionKind Attention, PositionalEncodingKind PositionalEncoding, NormalizationKind Normalization) Resolve(IComponentKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        return (kinds.FindAttention(Attention) ?? throw Unregistered("attention", Attention, "AddAttention"),
            kinds.FindPositionalEncoding(PositionalEncoding) ?? throw Unregistered("positional_encoding", PositionalEncoding, "AddPositionalEncoding"),
            kinds.FindNormalization(Normalization) ?? throw Unregistered("normalization", Normalization, "AddNormalization"));
    }

    private static KeyNotFoundException Unregistered(string family, string name, string method)
    {
        string shown = Printable.Escape(name); // read from a file: no control characters into a one-line message
        return new($"{family} kind \"{shown}\" is not registered; register it with services.{method}(\"{shown}\", …)");
    }

    /// <summary>"attention scaled-dot, positions learned, normalization layernorm".</summary>
    public override string ToString() =>
        $"attention {Attention}, positions {PositionalEncoding}, normalization {Normalization}";
}
