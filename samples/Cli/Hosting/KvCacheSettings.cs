using System.Globalization;
using LlmForge.Hosting;
using LlmForge.Layers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// The KV-cache policy of a command (generate, perplexity): <c>LlmForge:KvCache</c> from appsettings.json and the
/// environment (<c>LlmForge__KvCache__Kind=sink</c>), then the command's flags as those keys, validated like every
/// other option (one line naming the key).
/// </summary>
public static class KvCacheSettings
{
    /// <summary>
    /// The policy configured, overridden by <paramref name="kind"/>, <paramref name="sinks"/> and
    /// <paramref name="window"/> (flags; null = not given). Without a kind, sinks choose one (S &gt; 0: sink, 0:
    /// window), and a window alone turns a dense configuration into a window policy.
    /// </summary>
    /// <exception cref="OptionsValidationException">A bad kind or size, naming its LlmForge:KvCache key.</exception>
    public static KvCachePolicy FromConfiguration(string? kind, int? sinks, int? window)
    {
        string section = $"{LlmForgeOptions.SectionName}:{nameof(LlmForgeOptions.KvCache)}";
        var flags = new Dictionary<string, string?>();
        if (kind is null && sinks is not null)
            kind = KvCachePolicy.NameOf(sinks > 0 ? KvCacheKind.Sink : KvCacheKind.Window);
        else if (kind is null && window is not null && Configured(flags).Kind == KvCacheKind.Dense)
            kind = KvCachePolicy.NameOf(KvCacheKind.Window);
        if (kind is not null) flags[$"{section}:{nameof(KvCacheOptions.Kind)}"] = kind;
        if (sinks is not null) flags[$"{section}:{nameof(KvCacheOptions.Sinks)}"] = sinks.Value.ToString(CultureInfo.InvariantCulture);
        if (window is not null) flags[$"{section}:{nameof(KvCacheOptions.Window)}"] = window.Value.ToString(CultureInfo.InvariantCulture);
        return Configured(flags);
    }

    private static KvCachePolicy Configured(Dictionary<string, string?> flags)
    {
        using var services = CliServices.Build(CliConfiguration.Build(configFile: null, flags));
        return services.GetRequiredService<IOptions<LlmForgeOptions>>().Value.KvCache.ToPolicy()!; // validated: the kind is known
    }
}
