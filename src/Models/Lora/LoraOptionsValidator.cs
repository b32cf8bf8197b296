using LlmForge.Hosting;
using Microsoft.Extensions.Options;

namespace LlmForge.Lora;

/// <summary>Checks a <see cref="LoraOptions"/> at start; every failure names its configuration key and its range.</summary>
public sealed class LoraOptionsValidator : IValidateOptions<LoraOptions>
{
    /// <summary>The largest rank: an update of that rank is already as large as most layers.</summary>
    public const int MaxRank = 4096;

    private readonly string _section;

    /// <param name="section">The section's configuration path, prefixed to every key a message names.</param>
    public LoraOptionsValidator(string section = "LlmForge:Lora") => _section = section;

    /// <summary>Every out-of-range key of <paramref name="o"/>, each named with its section and value.</summary>
    public ValidateOptionsResult Validate(string? name, LoraOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<string>();
        string Key(string setting) => $"{_section}:{setting}";
        SettingRange.Check(errors, Key(nameof(o.Rank)), o.Rank, 1, MaxRank);
        SettingRange.Check(errors, Key(nameof(o.Alpha)), o.Alpha, 0, 1e6, minOpen: true);
        SettingRange.Check(errors, Key(nameof(o.Dropout)), o.Dropout, 0, 1, maxOpen: true);
        if (o.Targets is null || o.Targets.Count == 0)
            errors.Add($"{Key(nameof(o.Targets))} is empty; give one or more of {string.Join(", ", LoraTargets.All)}.");
        else
        {
            for (int i = 0; i < o.Targets.Count; i++)
                if (!LoraTargets.All.Contains(o.Targets[i]))
                    errors.Add($"{Key(nameof(o.Targets))}:{i}: unknown target '{o.Targets[i]}'; valid values: {string.Join(", ", LoraTargets.All)}.");
            if (o.Targets.Distinct(StringComparer.Ordinal).Count() != o.Targets.Count)
                errors.Add($"{Key(nameof(o.Targets))} names a target twice ({string.Join(", ", o.Targets)}).");
        }
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    /// <summary>Throws one <see cref="ArgumentException"/> naming every bad key, as a library call validates at start.</summary>
    /// <exception cref="ArgumentException">An invalid <paramref name="options"/>.</exception>
    public static void ThrowIfInvalid(LoraOptions options, string section = "LlmForge:Lora")
    {
        var result = new LoraOptionsValidator(section).Validate(null, options);
        if (result.Failed) throw new ArgumentException(result.FailureMessage, nameof(options));
    }
}
