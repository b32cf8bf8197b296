using LlmForge.AI.Chat;
using LlmForge.AI.Embeddings;
using LlmForge.Backends;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.DependencyInjection;

namespace LlmForge.AI;

/// <summary>
/// Registers LlmForge's <see cref="IChatClient"/> and <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> the way
/// Microsoft.Extensions.AI's own providers are: each returns the builder, so middleware composes
/// (<c>services.AddLlmForgeChatClient(dir).UseLogging()</c>). The options are validated here, at registration (errors
/// name the key); the model is loaded when the client is first resolved, on the container's
/// <see cref="ITensorBackend"/> when it has one (AddManagedBackend, AddMklBackend + AddLlmForge), else the managed one.
/// </summary>
public static class LlmForgeAIServiceCollectionExtensions
{
    /// <summary>An <see cref="IChatClient"/> over the causal LM in <paramref name="modelDirectory"/>.</summary>
    public static ChatClientBuilder AddLlmForgeChatClient(this IServiceCollection services, string modelDirectory,
        ServiceLifetime lifetime = ServiceLifetime.Singleton) =>
        services.AddLlmForgeChatClient(o => o.ModelDirectory = modelDirectory, lifetime);

    /// <summary>An <see cref="IChatClient"/> configured by <paramref name="configure"/> (<see cref="LlmForgeChatClientOptions"/>).</summary>
    /// <exception cref="ArgumentException">Options that fail <see cref="LlmForgeChatClientOptions.Validate"/>.</exception>
    public static ChatClientBuilder AddLlmForgeChatClient(this IServiceCollection services, Action<LlmForgeChatClientOptions> configure,
        ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new LlmForgeChatClientOptions();
        configure(options);
        options.Validate();
        return services.AddChatClient(sp => new LlmForgeChatClient(options, sp.GetService<ITensorBackend>()), lifetime);
    }

    /// <summary>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> over the BERT encoder in <paramref name="modelDirectory"/>.</summary>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddLlmForgeEmbeddingGenerator(this IServiceCollection services,
        string modelDirectory, ServiceLifetime lifetime = ServiceLifetime.Singleton) =>
        services.AddLlmForgeEmbeddingGenerator(o => o.ModelDirectory = modelDirectory, lifetime);

    /// <summary>An <see cref="IEmbeddingGenerator{TInput, TEmbedding}"/> configured by <paramref name="configure"/> (<see cref="LlmForgeEmbeddingGeneratorOptions"/>).</summary>
    /// <exception cref="ArgumentException">Options that fail <see cref="LlmForgeEmbeddingGeneratorOptions.Validate"/>.</exception>
    public static EmbeddingGeneratorBuilder<string, Embedding<float>> AddLlmForgeEmbeddingGenerator(this IServiceCollection services,
        Action<LlmForgeEmbeddingGeneratorOptions> configure, ServiceLifetime lifetime = ServiceLifetime.Singleton)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new LlmForgeEmbeddingGeneratorOptions();
        configure(options);
        options.Validate();
        return services.AddEmbeddingGenerator<string, Embedding<float>>(sp => new LlmForgeEmbeddingGenerator(options, sp.GetService<ITensorBackend>()), lifetime);
    }
}
