using LlmForge.Components;
using LlmForge.Layers;
using Microsoft.Extensions.DependencyInjection;

namespace LlmForge.Hosting;

/// <summary>
/// Registers a component kind under a name a model variant then selects:
/// <c>services.AddAttention("my-attn", c =&gt; new MyAttention(c))</c> and <c>"Attention": { "Kind": "my-attn" }</c>.
/// The factory must return a <see cref="Module"/> (so its parameters join the model's tree, are trained and
/// saved); the generic constraint checks that at compile time.
/// </summary>
public static class ComponentServiceCollectionExtensions
{
    /// <param name="decoderOnly">The attention rejects a bidirectional mask (like sliding-window); validation then refuses it in a BERT variant.</param>
    /// <param name="services">The container being configured.</param>
    /// <param name="name">The kind name a variant's "Attention:Kind" selects.</param>
    /// <param name="create">Builds the attention of one layer from its context.</param>
    public static IServiceCollection AddAttention<T>(this IServiceCollection services, string name, Func<AttentionContext, T> create, bool decoderOnly = false)
        where T : Module, IAttention
    {
        ArgumentNullException.ThrowIfNull(create);
        return services.AddAttention(new AttentionKind(CheckName(name), c => create(c)) { DecoderOnly = decoderOnly });
    }

    /// <summary>Registers a positional encoding built by <paramref name="create"/> (once per model) under
    /// <paramref name="name"/>, which a variant's "PositionalEncoding:Kind" selects.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains ':'.</exception>
    public static IServiceCollection AddPositionalEncoding<T>(this IServiceCollection services, string name, Func<PositionalEncodingContext, T> create)
        where T : Module, IPositionalEncoding
    {
        ArgumentNullException.ThrowIfNull(create);
        return services.AddPositionalEncoding(new PositionalEncodingKind(CheckName(name), c => create(c)));
    }

    /// <summary>Registers a normalization built by <paramref name="create"/> (for each norm of every block, and the
    /// final one) under <paramref name="name"/>, which a variant's "Normalization:Kind" selects.</summary>
    /// <exception cref="ArgumentException"><paramref name="name"/> is empty or contains ':'.</exception>
    public static IServiceCollection AddNormalization<T>(this IServiceCollection services, string name, Func<NormalizationContext, T> create)
        where T : Module, INormalization
    {
        ArgumentNullException.ThrowIfNull(create);
        return services.AddNormalization(new NormalizationKind(CheckName(name), c => create(c)));
    }

    /// <summary>Registers an existing kind (the built-ins of <see cref="BuiltInComponents"/> go through here).</summary>
    public static IServiceCollection AddAttention(this IServiceCollection services, AttentionKind kind)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(kind);
        return services.AddSingleton(kind);
    }

    /// <summary>Registers an existing positional-encoding kind (the built-ins go through here).</summary>
    public static IServiceCollection AddPositionalEncoding(this IServiceCollection services, PositionalEncodingKind kind)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(kind);
        return services.AddSingleton(kind);
    }

    /// <summary>Registers an existing normalization kind (the built-ins go through here).</summary>
    public static IServiceCollection AddNormalization(this IServiceCollection services, NormalizationKind kind)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(kind);
        return services.AddSingleton(kind);
    }

    // A name is a configuration value; ':' would read as a section separator wherever the name is used as a key.
    private static string CheckName(string name)
    {
        if (string.IsNullOrWhiteSpace(name) || name.Contains(':'))
            throw new ArgumentException($"A component kind name must be non-empty and contain no ':', got '{name}'.", nameof(name));
        return name;
    }
}
