using LlmForge.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Json;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// The configuration of a command, in .NET's usual order, each source overriding the ones before it:
/// appsettings.json beside the executable (the shipped variants and defaults), the <c>--config FILE</c> the user
/// gave (an overlay: it only needs the keys it changes), environment variables (<c>LlmForge__Backend=Mkl</c>),
/// then the command's own flags (<c>--backend</c>, <c>--variant</c>, …) as their configuration keys. After each source
/// come the Training keys it sets for the variant being built (<see cref="VariantTraining"/>).
/// </summary>
public static class CliConfiguration
{
    public const string DefaultFile = "appsettings.json";

    /// <exception cref="FileNotFoundException"><paramref name="configFile"/> or the shipped appsettings.json is missing.</exception>
    public static IConfigurationRoot Build(string? configFile, IReadOnlyDictionary<string, string?> flags)
    {
        ArgumentNullException.ThrowIfNull(flags);
        string shipped = Path.Combine(AppContext.BaseDirectory, DefaultFile);
        if (!File.Exists(shipped)) throw new FileNotFoundException($"{shipped}: the shipped configuration is missing (reinstall llmforge)", shipped);
        var sources = new List<IConfigurationSource> { Json(shipped) };
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new FileNotFoundException($"{configFile}: configuration file not found", configFile);
            sources.Add(Json(Path.GetFullPath(configFile)));
        }
        sources.Add(new EnvironmentVariablesConfigurationSource());

        // The variant built decides whose Training keys overlay LlmForge:Training: each source's own, right after it.
        string variantKey = $"{LlmForgeOptions.SectionName}:Variant";
        string? variant = flags.GetValueOrDefault(variantKey) ?? Combine(sources)[variantKey] ?? new LlmForgeOptions().Variant;
        var builder = new ConfigurationBuilder();
        foreach (var source in sources)
        {
            builder.Add(source);
            var overlay = VariantTraining.Overlay(Combine([source]), LlmForgeOptions.SectionName, variant);
            if (overlay.Count > 0) builder.AddInMemoryCollection(overlay);
        }
        return builder.AddInMemoryCollection(flags).Build();
    }

    private static JsonConfigurationSource Json(string path)
    {
        var source = new JsonConfigurationSource { Path = path, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        return source;
    }

    private static IConfigurationRoot Combine(IEnumerable<IConfigurationSource> sources)
    {
        var builder = new ConfigurationBuilder();
        foreach (var source in sources) builder.Add(source);
        return builder.Build();
    }
}
