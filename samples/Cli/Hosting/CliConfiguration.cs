using Microsoft.Extensions.Configuration;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// The configuration of a command, in .NET's usual order, each source overriding the ones before it:
/// appsettings.json beside the executable (the shipped variants and defaults), the <c>--config FILE</c> the user
/// gave (an overlay: it only needs the keys it changes), environment variables (<c>LlmForge__Backend=Mkl</c>),
/// then the command's own flags (<c>--backend</c>, <c>--variant</c>, …) as their configuration keys.
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
        var builder = new ConfigurationBuilder().AddJsonFile(shipped, optional: false, reloadOnChange: false);
        if (configFile is not null)
        {
            if (!File.Exists(configFile)) throw new FileNotFoundException($"{configFile}: configuration file not found", configFile);
            builder.AddJsonFile(Path.GetFullPath(configFile), optional: false, reloadOnChange: false);
        }
        return builder
            .AddEnvironmentVariables()
            .AddInMemoryCollection(flags)
            .Build();
    }
}
