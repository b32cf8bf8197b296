using System.Globalization;
using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl;
using LlmForge.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// The one place the command line builds a compute backend. Every command that loads a model (generate, forward,
/// classify, fill-mask) resolves it from the same configuration and container as <c>train</c>
/// (<see cref="CliConfiguration"/> → <see cref="CliServices"/>): appsettings.json, then the environment
/// (<c>LlmForge__Backend=Mkl</c>, <c>LlmForge__Threads</c>), then the <c>--backend</c> / <c>--threads</c> flags, each
/// overriding the ones before, so the backend is chosen the same way whatever the command.
/// </summary>
public static class BackendFactory
{
    /// <summary>Registers every backend the command line can select.</summary>
    public static IServiceCollection AddCliBackends(this IServiceCollection services)
    {
        services.AddManagedBackend();
        // Where MKL has no routine, the MKL backend runs the managed kernel.
        services.AddMklBackend(() => new ManagedBackend());
        return services;
    }

    /// <summary>
    /// The backend configured for this process: <paramref name="backendFlag"/> (the <c>--backend</c> flag) when given,
    /// else <c>LlmForge:Backend</c> from the environment or appsettings.json; <paramref name="threads"/> (the
    /// <c>--threads</c> flag) when above 0, else <c>LlmForge:Threads</c> (0 = every core).
    /// </summary>
    /// <exception cref="CliException">An unknown <paramref name="backendFlag"/> (the message lists the valid ones).</exception>
    /// <exception cref="Microsoft.Extensions.Options.OptionsValidationException">An unknown backend or bad thread count from the environment or a file, naming its key.</exception>
    public static ITensorBackend FromConfiguration(string? backendFlag, int threads = 0)
    {
        var flags = new Dictionary<string, string?>();
        if (backendFlag is not null)
        {
            CheckName(backendFlag);
            flags[$"{LlmForgeOptions.SectionName}:{nameof(BackendOptions.Backend)}"] = backendFlag;
        }
        if (threads > 0)
            flags[$"{LlmForgeOptions.SectionName}:{nameof(BackendOptions.Threads)}"] = threads.ToString(CultureInfo.InvariantCulture);
        // Not disposed: the backend outlives the container (the loaded model keeps it) and owns nothing the container must release.
        var services = CliServices.Build(CliConfiguration.Build(configFile: null, flags));
        return services.GetRequiredService<ITensorBackend>();
    }

    /// <summary>The backend registered under <paramref name="name"/> (case-insensitive), whatever the configuration says; <paramref name="threads"/> 0 = every core.</summary>
    /// <exception cref="CliException">Unknown name (the message lists the valid ones).</exception>
    public static ITensorBackend Create(string name, int threads = 0)
    {
        CheckName(name);
        var backend = TensorBackends.Create(name, Registrations());
        if (threads > 0) backend.Threads = threads;
        return backend;
    }

    /// <summary>A flag's backend name must be one the command line registers; said as the flag, not as a configuration key.</summary>
    private static void CheckName(string name)
    {
        var names = Registrations().Select(r => r.Name.ToLowerInvariant()).ToList();
        if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new CliException($"--backend '{name}' is not a backend here; valid values: {string.Join(", ", names)}");
    }

    private static IEnumerable<TensorBackendRegistration> Registrations() =>
        new ServiceCollection().AddCliBackends()
            .Where(d => d.ServiceType == typeof(TensorBackendRegistration))
            .Select(d => (TensorBackendRegistration)d.ImplementationInstance!);
}
