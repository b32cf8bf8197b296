using Xunit;
using LlmForge.Backends;
using LlmForge.Backends.Mkl;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace LlmForge.Tests.Mkl;

public class MklServiceCollectionExtensionsTests
{
    [Fact]
    public void BackendMkl_ResolvesMklBackend_WithTheGivenFallback()
    {
        var fallback = new RecordingBackend();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Backend"] = "mkl", ["Threads"] = "1" })
            .Build();
        using var provider = new ServiceCollection()
            .AddMklBackend(() => fallback)
            .AddTensorBackendSelection(configuration)
            .BuildServiceProvider();
        int original = new MklBackend(new RecordingBackend()).Threads;
        try
        {
            var backend = Assert.IsType<MklBackend>(provider.GetRequiredService<ITensorBackend>());
            Assert.Same(fallback, backend.Fallback);
            Assert.Equal(1, backend.Threads);
        }
        finally
        {
            new MklBackend(new RecordingBackend()).Threads = original;
        }
    }
}
