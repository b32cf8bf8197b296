using LlmForge.Training;
using Microsoft.Extensions.Configuration;

namespace LlmForge.Hosting;

/// <summary>
/// A variant's <c>Training</c> keys (<c>LlmForge:Variants:{name}:Training:BatchSize</c>) as the shared
/// <c>LlmForge:Training</c> keys they replace. A masked-LM encoder wants other batches, steps and betas than a
/// next-token decoder, and the variant is where a reader looks for them. Laid over one configuration source at a
/// time, right after that source, so the usual order still holds between sources (an environment variable or a
/// flag for <c>LlmForge:Training:MaxSteps</c> beats a variant's MaxSteps in appsettings.json) while within one
/// source the variant's setting beats the shared one.
/// </summary>
public static class VariantTraining
{
    /// <summary>The keys of <see cref="TrainingOptions"/>, the only ones a variant's Training may set, with their types.</summary>
    public static IReadOnlyDictionary<string, Type> Settings { get; } = typeof(TrainingOptions).GetProperties()
        .Where(p => p.CanWrite).ToDictionary(p => p.Name, p => p.PropertyType, StringComparer.OrdinalIgnoreCase);

    /// <summary>The names of <see cref="Settings"/>, in declaration order.</summary>
    public static IReadOnlyList<string> SettingNames { get; } =
        [.. typeof(TrainingOptions).GetProperties().Where(p => p.CanWrite).Select(p => p.Name)];

    /// <summary>
    /// <c>{section}:Training:{key}</c> → value for every key that <paramref name="source"/> sets under
    /// <c>{section}:Variants:{variant}:Training</c>; empty when it sets none.
    /// </summary>
    /// <param name="source">One configuration source alone (built by itself), so its keys are its own.</param>
    /// <param name="section">The LlmForge section's path, normally "LlmForge".</param>
    /// <param name="variant">The variant whose Training keys are read.</param>
    public static Dictionary<string, string?> Overlay(IConfiguration source, string section, string variant)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(section);
        ArgumentException.ThrowIfNullOrEmpty(variant);
        string prefix = section.Length == 0 ? "" : section + ":";
        var keys = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in source.GetSection($"{prefix}Variants:{variant}:Training").AsEnumerable(makePathsRelative: true))
            // A name that is no setting stays where it was written, for the validator to report at that key.
            if (value is not null && Settings.ContainsKey(key)) keys[$"{prefix}Training:{key}"] = value;
        return keys;
    }
}
