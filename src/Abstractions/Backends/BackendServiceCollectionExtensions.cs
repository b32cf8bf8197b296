using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmForge.Backends;

/// <summary>Registers tensor backends by name and selects the one <c>LlmForge:Backend</c> names.</summary>
public static class BackendServiceCollectionExtensions
{
    /// <summary>Makes a backend selectable under <paramref name="name"/>.</summary>
    public static IServiceCollection AddTensorBackend(this IServiceCollection services, string name, Func<ITensorBackend> create)
    {
        services.AddSingleton(new TensorBackendRegistration(name, create));
        return services;
    }

    /// <summary>
    /// Registers <see cref="ITensorBackend"/> as the backend named by <c>Backend</c> in <paramref name="section"/>
    /// (default "Managed"), validated at start: an unknown name fails with the key and the valid names.
    /// </summary>
    public static IServiceCollection AddTensorBackendSelection(this IServiceCollection services, IConfiguration section)
    {
        services.AddOptions<BackendOptions>().Bind(section).ValidateOnStart();
        // Messages name the full key ("LlmForge:Backend"), so the user knows which file or variable to fix.
        string prefix = section is IConfigurationSection s && s.Path.Length > 0 ? s.Path + ":" : "";
        if (!services.Any(d => d.ServiceType == typeof(IValidateOptions<BackendOptions>)))
            services.AddSingleton<IValidateOptions<BackendOptions>>(sp =>
                new BackendOptionsValidator(prefix, sp.GetServices<TensorBackendRegistration>()));
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BackendOptions>>().Value;
            var backend = TensorBackends.Create(options.Backend, sp.GetServices<TensorBackendRegistration>());
            if (options.Threads > 0) backend.Threads = options.Threads;
            return backend;
        });
        return services;
    }
}

internal sealed class BackendOptionsValidator(string prefix, IEnumerable<TensorBackendRegistration> registrations) : IValidateOptions<BackendOptions>
{
    public ValidateOptionsResult Validate(string? name, BackendOptions options)
    {
        var names = registrations.Select(r => r.Name).ToArray();
        if (!names.Contains(options.Backend, StringComparer.OrdinalIgnoreCase))
            return ValidateOptionsResult.Fail(
                $"{prefix}Backend: unknown backend '{options.Backend}'; valid values: {string.Join(", ", names)}.");
        // The range message of every numeric LlmForge setting ("… is out of range [min, max]").
        if (!(options.Threads >= 0 && options.Threads <= BackendOptions.MaxThreads))
            return ValidateOptionsResult.Fail(string.Create(CultureInfo.InvariantCulture,
                $"{prefix}Threads {options.Threads} is out of range [0, {BackendOptions.MaxThreads}] (0 = every core)."));
        return ValidateOptionsResult.Success;
    }
}
