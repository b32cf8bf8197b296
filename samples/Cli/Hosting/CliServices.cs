using LlmForge.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// The container a command builds from its configuration: every backend the command line offers, then
/// <c>AddLlmForge</c> on the <c>LlmForge</c> section (options, built-in kinds, the model factory), the same calls
/// an application makes.
/// </summary>
public static class CliServices
{
    public static ServiceProvider Build(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return new ServiceCollection()
            .AddCliBackends()
            .AddLlmForge(configuration.GetSection(LlmForgeOptions.SectionName))
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
    }
}
