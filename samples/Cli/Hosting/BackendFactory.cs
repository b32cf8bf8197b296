using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmForge.Cli.Hosting;

/// <summary>
/// The one place the command line builds a compute backend: every command's <c>--backend managed|mkl</c>
/// goes through the same DI registrations an application makes (AddXxxBackend + AddTensorBackendSelection),
/// so an unknown name fails with the list of valid ones.
/// </summary>
public static class BackendFactory
{
    public const string DefaultBackend = "Managed";

    /// <summary>Registers every backend the command line can select.</summary>
    public static IServiceCollection AddCliBackends(this IServiceCollection services)
    {
        services.AddManagedBackend();
        // Where MKL has no routine, the MKL backend runs the managed kernel.
        services.AddMklBackend(() => new ManagedBackend());
        return services;
    }

    /// <summary>The backend named by <c>--backend</c> (default Managed), read from <paramref name="args"/>.</summary>
    public static ITensorBackend FromArguments(CliArguments args) => Create(args.String("backend") ?? DefaultBackend);

    /// <summary>The backend registered under <paramref name="name"/> (case-insensitive); <paramref name="threads"/> 0 = every core.</summary>
    /// <exception cref="CliException">Unknown name (the message lists the valid ones).</exception>
    public static ITensorBackend Create(string name, int threads = 0)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                [nameof(BackendOptions.Backend)] = name,
                [nameof(BackendOptions.Threads)] = threads.ToString(System.Globalization.CultureInfo.InvariantCulture),
            })
            .Build();
        var services = new ServiceCollection().AddCliBackends().AddTensorBackendSelection(configuration);
        // Not disposed: the backend outlives this short-lived container and owns nothing the container must release.
        var provider = services.BuildServiceProvider();
        var names = provider.GetServices<TensorBackendRegistration>().Select(r => r.Name.ToLowerInvariant()).ToList();
        if (!names.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new CliException($"--backend '{name}' is not a backend here; valid values: {string.Join(", ", names)}");
        return provider.GetRequiredService<ITensorBackend>();
    }
}
