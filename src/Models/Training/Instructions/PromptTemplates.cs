namespace LlmForge.Training;

/// <summary>The built-in <see cref="IPromptTemplate"/>s by name.</summary>
public static class PromptTemplates
{
    /// <summary>The Alpaca template, the default.</summary>
    public static IPromptTemplate Alpaca { get; } = new AlpacaPromptTemplate();

    /// <summary>The Phi-3 style template.</summary>
    public static IPromptTemplate Phi3 { get; } = new Phi3PromptTemplate();

    /// <summary>Every built-in template.</summary>
    public static IReadOnlyList<IPromptTemplate> All { get; } = [Alpaca, Phi3];

    /// <summary>Every built-in template's name, for "valid values" messages.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(t => t.Name)];

    /// <summary>The template named <paramref name="name"/> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">No such template; the message lists the valid names.</exception>
    public static IPromptTemplate Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return All.FirstOrDefault(t => t.Name.Equals(name, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Unknown prompt template '{name}'; valid values: {string.Join(", ", Names)}.", nameof(name));
    }
}
