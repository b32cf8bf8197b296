using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl;
using Microsoft.Extensions.DependencyInjection;

namespace LlmForge.Cli;

/// <summary>Creates backends by name from the same registrations an application makes.</summary>
public static class BackendCatalog
{
    public static ITensorBackend Create(string name)
    {
        var services = new ServiceCollection();
        Register(services);
        using var provider = services.BuildServiceProvider();
        return TensorBackends.Create(name, provider.GetServices<TensorBackendRegistration>());
    }

    private static void Register(IServiceCollection services)
    {
        services.AddManagedBackend();
        // Where MKL has no routine, the MKL backend runs the managed kernel.
        services.AddMklBackend(() => new ManagedBackend());
    }
}
