using System.Text.Json;
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
    /// <exception cref="InvalidDataException">A file is not valid JSON: one line with its path, the line and byte, and the parser's reason.</exception>
    public static IConfigurationRoot Build(string? configFile, IReadOnlyDictionary<string, string?> flags)
    {
        try { return Load(configFile, flags); }
        catch (InvalidDataException e) when (e.InnerException is FormatException or JsonException)
        {
            throw new InvalidDataException(ParseError(e), e);
        }
    }

    private static IConfigurationRoot Load(string? configFile, IReadOnlyDictionary<string, string?> flags)
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

    /// <summary>
    /// "FILE: not valid JSON at line 3, byte 12: 'E' is an invalid start of a property name…" from the provider's
    /// "Failed to load configuration from file 'FILE'", whose inner exceptions hold where and why.
    /// </summary>
    private static string ParseError(InvalidDataException e)
    {
        // The provider's message quotes the path: Failed to load configuration from file '/x/settings.json'.
        int open = e.Message.IndexOf('\'', StringComparison.Ordinal), close = e.Message.LastIndexOf('\'');
        string file = open >= 0 && close > open ? e.Message[(open + 1)..close] : "configuration";
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            if (inner is JsonException json)
            {
                // System.Text.Json appends " Path: $.x | LineNumber: 0 | BytePositionInLine: 47." to the reason; the place is given once, 1-based.
                string reason = json.Message;
                int cut = reason.IndexOf(" Path: ", StringComparison.Ordinal);
                if (cut < 0) cut = reason.IndexOf(" LineNumber: ", StringComparison.Ordinal);
                if (cut >= 0) reason = reason[..cut];
                string place = json.LineNumber is long line ? $" at line {line + 1}, byte {json.BytePositionInLine + 1}" : "";
                return $"{file}: not valid JSON{place}: {reason.Trim()}";
            }
            if (inner.InnerException is null) return $"{file}: not a valid configuration file: {inner.Message}";
        }
        return e.Message;
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
