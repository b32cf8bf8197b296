using Microsoft.Extensions.Configuration;

namespace LlmForge.Lora;

/// <summary>
/// The <c>Lora</c> section as configuration binds it. Binding a list appends the configured items to the list the
/// options were created with, so <c>"Targets": ["mlp"]</c> would give attn.qkv, attn.proj, mlp, mlp; after binding,
/// <see cref="ReplaceTargets"/> makes the configured list replace the default one (the default stays when none is configured).
/// </summary>
public static class LoraConfiguration
{
    /// <summary>
    /// Sets <paramref name="options"/>' Targets to exactly the items of <paramref name="section"/>'s <c>Lora:Targets</c>
    /// (in their order), when that key has any; otherwise leaves the default targets.
    /// </summary>
    /// <param name="options">Options already bound from <paramref name="section"/>.</param>
    /// <param name="section">The section holding <c>Lora</c> (normally <c>LlmForge</c>).</param>
    public static void ReplaceTargets(LoraOptions options, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(section);
        var items = section.GetSection($"{LoraOptions.SectionName}:{nameof(LoraOptions.Targets)}").GetChildren()
            .OrderBy(c => int.TryParse(c.Key, out int i) ? i : int.MaxValue).Select(c => c.Value ?? "").ToList();
        if (items.Count > 0) options.Targets = items;
    }
}
