using LlmForge.Components;
using Microsoft.Extensions.Configuration;

namespace LlmForge.Hosting;

/// <summary>
/// The keys the <c>LlmForge</c> section may hold, and the check that every key a configuration sets (a file, an
/// environment variable such as <c>LlmForge__Training__BatchSzie</c>, a flag) is one of them: the binder silently
/// skips a name no option has, so a misspelling would otherwise leave the default in force without a word.
/// The names come from the option classes themselves (Training's from <see cref="VariantTraining"/>, the one table
/// a variant's Training is checked against too), so a new option is a valid key without a second list to update.
/// </summary>
public static class ConfigurationKeys
{
    /// <summary>Keys directly under the section: <see cref="LlmForgeOptions"/>'s.</summary>
    public static IReadOnlyList<string> Section { get; } = Names(typeof(LlmForgeOptions));

    /// <summary>Keys of <c>KvCache</c>: <see cref="KvCacheOptions"/>'s.</summary>
    public static IReadOnlyList<string> KvCache { get; } = Names(typeof(KvCacheOptions));

    /// <summary>Keys of <c>Translation</c>: <see cref="TranslationOptions"/>'s.</summary>
    public static IReadOnlyList<string> Translation { get; } = Names(typeof(TranslationOptions));

    /// <summary>Keys of one <c>Variants:NAME</c>: <see cref="ModelVariantOptions"/>'s.</summary>
    public static IReadOnlyList<string> Variant { get; } = Names(typeof(ModelVariantOptions));

    /// <summary>Keys of <c>Variants:NAME:Attention</c>, <c>:PositionalEncoding</c> and <c>:Normalization</c>.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Components { get; } =
        new Dictionary<string, IReadOnlyList<string>>(StringComparer.OrdinalIgnoreCase)
        {
            [nameof(ModelVariantOptions.Attention)] = Names(typeof(AttentionOptions)),
            [nameof(ModelVariantOptions.PositionalEncoding)] = Names(typeof(PositionalEncodingOptions)),
            [nameof(ModelVariantOptions.Normalization)] = Names(typeof(NormalizationOptions)),
        };

    /// <summary>
    /// Appends one message for every key under <paramref name="section"/> that nothing reads, each naming the full
    /// key (<paramref name="prefix"/> is the section's path plus ':', or empty) and the closest valid name.
    /// A variant's <c>Training</c> keys are left to <see cref="LlmForgeOptionsValidator.ValidateVariant"/>, which
    /// checks them on the bound options (where a variant built in code has them too).
    /// </summary>
    /// <param name="catalog">The registered kinds: a key a component reads depends on its kind.</param>
    /// <param name="section">The configuration section whose keys are checked.</param>
    /// <param name="prefix">Its full path, for the messages ("LlmForge").</param>
    /// <param name="errors">Collects one message per unknown key, with the closest valid name.</param>
    public static void FindUnknown(IConfiguration section, string prefix, ComponentCatalog catalog, List<string> errors)
    {
        ArgumentNullException.ThrowIfNull(section);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(errors);
        // Bound at a configuration's root, the options share it with the application's own settings (Logging, …,
        // every environment variable): there only Training and Variants, which are surely ours, are checked.
        bool root = section is not IConfigurationSection;
        foreach (var child in section.GetChildren())
        {
            string key = prefix + child.Key;
            if (root ? !Section.Contains(child.Key, StringComparer.OrdinalIgnoreCase)
                     : !Known(child.Key, Section, key, errors, others: VariantTraining.SettingNames, othersAt: nameof(LlmForgeOptions.Training)))
                continue;
            if (Is(child.Key, nameof(LlmForgeOptions.Training)))
                foreach (var setting in child.GetChildren())
                    Known(setting.Key, VariantTraining.SettingNames, $"{key}:{setting.Key}", errors);
            else if (Is(child.Key, nameof(LlmForgeOptions.KvCache)))
                foreach (var setting in child.GetChildren())
                    Known(setting.Key, KvCache, $"{key}:{setting.Key}", errors);
            else if (Is(child.Key, nameof(LlmForgeOptions.Translation)))
                foreach (var setting in child.GetChildren())
                    Known(setting.Key, Translation, $"{key}:{setting.Key}", errors);
            else if (Is(child.Key, nameof(LlmForgeOptions.Variants)))
                foreach (var variant in child.GetChildren())
                    FindUnknownInVariant(variant, $"{key}:{variant.Key}", catalog, errors);
        }
    }

    /// <summary>"{key} is not a setting; did you mean X?" (or the valid keys, when none is close).</summary>
    public static string NotASetting(string key, string name, IReadOnlyCollection<string> valid) =>
        Closest(name, valid) is { } near
            ? $"{key} is not a setting; did you mean {near}?"
            : $"{key} is not a setting; valid keys: {string.Join(", ", valid)}.";

    /// <summary>
    /// The name of <paramref name="valid"/> nearest to <paramref name="name"/> by edit distance (case-insensitive;
    /// a swap of two neighbours counts one), or null when even the nearest differs in more than a third of it.
    /// </summary>
    public static string? Closest(string name, IEnumerable<string> valid)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(valid);
        string? best = null;
        int bestDistance = int.MaxValue;
        foreach (var candidate in valid)
        {
            int d = EditDistance.Between(name.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (d < bestDistance) (best, bestDistance) = (candidate, d);
        }
        return best is not null && bestDistance <= Math.Max(1, Math.Min(name.Length, best.Length) / 3) ? best : null;
    }

    private static void FindUnknownInVariant(IConfigurationSection variant, string key, ComponentCatalog catalog, List<string> errors)
    {
        // An unknown architecture is the validator's to report; then no key is said to belong to another one.
        string? architecture = ModelArchitectures.All.FirstOrDefault(a =>
            Is(a, variant[nameof(ModelVariantOptions.Architecture)] ?? new ModelVariantOptions().Architecture));
        foreach (var child in variant.GetChildren())
        {
            string childKey = $"{key}:{child.Key}";
            if (!Known(child.Key, Variant, childKey, errors)) continue;
            if (architecture is not null && ArchitectureOnly(child.Key) is { } only && !Is(only, architecture)
                && !(Is(only, ModelArchitectures.Gpt) && Is(architecture, ModelArchitectures.Llama)))   // a llama is a GPT decoder
                errors.Add($"{childKey} applies to {only} variants only; this one is {architecture}.");
            if (!Components.TryGetValue(child.Key, out var names)) continue;
            foreach (var setting in child.GetChildren())
            {
                string settingKey = $"{childKey}:{setting.Key}";
                if (Known(setting.Key, names, settingKey, errors))
                    CheckReadByKind(child, setting.Key, settingKey, catalog, errors);
            }
        }
    }

    // Every kind receives its options through its context (AttentionContext.Window, PositionalEncodingContext.Theta,
    // NormalizationContext.Epsilon), so a registered kind may read any of them. Only the built-in positional
    // encodings that ignore Theta (learned, sinusoidal) make it a value with no effect; scaled-dot's Window is refused
    // by the validator, by value.
    private static void CheckReadByKind(IConfigurationSection component, string setting, string settingKey, ComponentCatalog catalog, List<string> errors)
    {
        if (!Is(component.Key, nameof(ModelVariantOptions.PositionalEncoding)) || !Is(setting, nameof(PositionalEncodingOptions.Theta))) return;
        var kind = catalog.FindPositionalEncoding(component[nameof(PositionalEncodingOptions.Kind)] ?? new PositionalEncodingOptions().Kind);
        if (kind == BuiltInComponents.Learned || kind == BuiltInComponents.Sinusoidal)
            errors.Add($"{settingKey} has no effect with {kind.Name} positions (rotary and registered kinds read it); remove it or use Kind rotary.");
    }

    /// <summary>The architecture a variant key belongs to alone (null: both); NormPosition is checked by value.</summary>
    private static string? ArchitectureOnly(string key) => key.ToLowerInvariant() switch
    {
        "typevocabsize" => ModelArchitectures.Bert,
        "tieweights" or "qkvbias" or "kvheads" => ModelArchitectures.Gpt,
        "mlpbias" => ModelArchitectures.Llama,
        _ => null,
    };

    /// <summary>
    /// Whether <paramref name="name"/> is one of <paramref name="valid"/>; if not, appends the message. A name of
    /// <paramref name="others"/> (a Training setting written one level too high) is pointed to where it belongs.
    /// </summary>
    private static bool Known(string name, IReadOnlyList<string> valid, string key, List<string> errors,
        IReadOnlyList<string>? others = null, string? othersAt = null)
    {
        if (valid.Contains(name, StringComparer.OrdinalIgnoreCase)) return true;
        string? moved = others?.FirstOrDefault(o => Is(o, name));
        errors.Add(moved is not null ? $"{key} is not a setting; did you mean {othersAt}:{moved}?" : NotASetting(key, name, valid));
        return false;
    }

    private static bool Is(string a, string b) => string.Equals(a, b, StringComparison.OrdinalIgnoreCase);

    private static string[] Names(Type options) => [.. options.GetProperties().Where(p => p.CanWrite).Select(p => p.Name)];
}
