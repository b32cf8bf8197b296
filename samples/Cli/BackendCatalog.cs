using LlmForge.Backends;
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
        // MERGE: the managed backend is on another branch. Once it is here, the next two lines become
        //     services.AddTensorBackend("Managed", () => new ManagedBackend());
        //     services.AddMklBackend(() => new ManagedBackend());
        // and MissingManagedBackend.cs is deleted.
        services.AddTensorBackend("Managed", () => throw new CommandLineException(MissingManagedBackend.Message));
        services.AddMklBackend(() => new MissingManagedBackend());
    }
}
