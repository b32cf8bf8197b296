using LlmForge.Backends;
using LlmForge.Components;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LlmForge.Hosting;

/// <summary>
/// Registration of LlmForge in a <see cref="IServiceCollection"/>: options, validation, backend selection, component
/// kinds and the <see cref="IModelFactory"/>.
/// </summary>
public static class LlmForgeServiceCollectionExtensions
{
    /// <summary>
    /// Binds <see cref="LlmForgeOptions"/> to <paramref name="section"/> (normally
    /// <c>configuration.GetSection("LlmForge")</c>) and validates it at start; selects the backend named by its
    /// <c>Backend</c> among the registered ones; registers every built-in component kind under its name; and adds
    /// the <see cref="IModelFactory"/>. This project references no backend: register those the application offers
    /// with their own extensions, e.g.
    /// <code>
    /// services.AddManagedBackend()
    ///         .AddMklBackend(() =&gt; new ManagedBackend())
    ///         .AddAttention("my-attn", c =&gt; new MyAttention(c))
    ///         .AddLlmForge(configuration.GetSection("LlmForge"));
    /// </code>
    /// </summary>
    public static IServiceCollection AddLlmForge(this IServiceCollection services, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(section);
        // A second call would register every built-in kind twice and bind a second section over the first.
        if (services.Any(d => d.ServiceType == typeof(LlmForgeSection)))
            throw new InvalidOperationException("AddLlmForge is called once per container; it is already registered.");
        string path = section is IConfigurationSection s ? s.Path : "";

        foreach (var kind in BuiltInComponents.Attention) services.AddAttention(kind);
        foreach (var kind in BuiltInComponents.PositionalEncodings) services.AddPositionalEncoding(kind);
        foreach (var kind in BuiltInComponents.Normalizations) services.AddNormalization(kind);
        services.TryAddSingleton<ComponentCatalog>();

        services.AddSingleton(new LlmForgeSection(path));
        services.AddOptions<LlmForgeOptions>().Bind(section).PostConfigure(o => Lora.LoraConfiguration.ReplaceTargets(o.Lora, section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<LlmForgeOptions>>(sp =>
            new LlmForgeOptionsValidator(path, sp.GetRequiredService<ComponentCatalog>(), section));

        // Backend and Threads of this same section: the Abstractions' selection validates the name against the
        // registered backends and lists them when it is unknown.
        services.AddTensorBackendSelection(section);
        services.TryAddSingleton<IModelFactory, ModelFactory>();
        return services;
    }
}
