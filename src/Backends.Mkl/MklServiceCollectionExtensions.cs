using Microsoft.Extensions.DependencyInjection;

namespace LlmForge.Backends.Mkl;

/// <summary>Registers the MKL backend with the backend selection of <c>AddLlmForge</c>.</summary>
public static class MklServiceCollectionExtensions
{
    /// <summary>
    /// Makes the MKL backend selectable as "Mkl" (<c>"Backend": "Mkl"</c>). MKL is loaded only when the
    /// backend is created, so registering it on a machine without MKL is harmless until it is chosen;
    /// then creation fails with the install steps. <paramref name="fallback"/> makes the backend that runs
    /// the kernels MKL lacks (normally <c>() =&gt; new ManagedBackend()</c>).
    /// </summary>
    public static IServiceCollection AddMklBackend(this IServiceCollection services, Func<ITensorBackend> fallback)
    {
        ArgumentNullException.ThrowIfNull(fallback);
        return services.AddTensorBackend("Mkl", () => new MklBackend(fallback()));
    }
}
