using LlmForge.Backends.Managed;
using Microsoft.Extensions.DependencyInjection;

// In LlmForge.Backends, next to AddTensorBackendSelection: one using brings both.
namespace LlmForge.Backends;

/// <summary>Registers the managed backend with the backend selection of <c>AddLlmForge</c>.</summary>
public static class ManagedServiceCollectionExtensions
{
    /// <summary>Makes the managed backend selectable as <c>"Backend": "Managed"</c>.</summary>
    public static IServiceCollection AddManagedBackend(this IServiceCollection services) =>
        services.AddTensorBackend("Managed", () => new ManagedBackend());
}
