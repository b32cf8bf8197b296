using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl;
using LlmForge.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmForge.Tests.Hosting;

/// <summary>
/// Containers the way an application builds them: both backends' own registrations, then AddLlmForge on the
/// "LlmForge" section of a configuration (in-memory settings over, optionally, the shipped appsettings.json).
/// </summary>
internal static class LlmForgeServices
{
    /// <summary>The CLI's appsettings.json, copied beside the tests by the project reference.</summary>
    public static string ShippedSettings => Path.Combine(AppContext.BaseDirectory, "appsettings.json");

    /// <summary>A small valid gpt variant "v", the default, for tests that change one key of it.</summary>
    public static Dictionary<string, string?> SmallVariant(string architecture = "gpt") => new()
    {
        ["LlmForge:Variant"] = "v",
        ["LlmForge:Variants:v:Architecture"] = architecture,
        ["LlmForge:Variants:v:VocabSize"] = "37",
        ["LlmForge:Variants:v:ContextLength"] = "16",
        ["LlmForge:Variants:v:EmbeddingDim"] = "16",
        ["LlmForge:Variants:v:Layers"] = "2",
        ["LlmForge:Variants:v:Heads"] = "2",
    };

    public static IConfiguration Configuration(IDictionary<string, string?> settings, bool shipped = false)
    {
        var builder = new ConfigurationBuilder();
        if (shipped) builder.AddJsonFile(ShippedSettings, optional: false);
        return builder.AddInMemoryCollection(settings).Build();
    }

    public static ServiceProvider Build(IDictionary<string, string?> settings, bool shipped = false, Action<IServiceCollection>? register = null)
    {
        var services = new ServiceCollection()
            .AddManagedBackend()
            .AddMklBackend(() => new ManagedBackend());
        register?.Invoke(services);
        services.AddLlmForge(Configuration(settings, shipped).GetSection(LlmForgeOptions.SectionName));
        return services.BuildServiceProvider();
    }
}
