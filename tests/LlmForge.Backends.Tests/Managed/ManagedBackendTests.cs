using LlmForge.Backends;
using LlmForge.Backends.Managed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace LlmForge.Tests.Backends.Managed;

public class ManagedBackendTests
{
    [Fact]
    public void Name_and_default_threads()
    {
        var backend = new ManagedBackend();
        Assert.Equal("Managed", backend.Name);
        Assert.Equal(Environment.ProcessorCount, backend.Threads);
    }

    [Fact]
    public void Threads_below_one_throws_naming_the_value()
    {
        var ex = Assert.Throws<ArgumentOutOfRangeException>(() => new ManagedBackend().Threads = 0);
        Assert.Contains("Threads", ex.Message);
    }

    [Fact]
    public void AddManagedBackend_makes_it_selectable_by_configuration()
    {
        var config = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Backend"] = "managed", ["Threads"] = "1" })
            .Build();
        using var provider = new ServiceCollection().AddManagedBackend().AddTensorBackendSelection(config).BuildServiceProvider();
        var backend = provider.GetRequiredService<ITensorBackend>();
        Assert.IsType<ManagedBackend>(backend);
        Assert.Equal(1, backend.Threads);
    }

    [Fact]
    public void Results_do_not_depend_on_the_thread_count()
    {
        // Row-parallel kernels split work, never a sum: bitwise the same for 1 and 3 threads.
        int rows = 512, cols = 300;
        var x = TestData.Uniform(rows * cols, 301, -3, 3);
        float[] Run(int threads, Action<ITensorBackend, float[]> kernel, int outLength)
        {
            var y = new float[outLength];
            kernel(new ManagedBackend { Threads = threads }, y);
            return y;
        }
        var cases = new (string Name, Action<ITensorBackend, float[]> Kernel, int Length)[]
        {
            ("Softmax", (b, y) => b.Softmax(x, y, rows, cols, SoftmaxMask.CausalMask(cols)), rows * cols),
            ("Gelu", (b, y) => b.Gelu(x, y, GeluApproximation.Erf), rows * cols),
            ("AddColumnSums", (b, y) => b.AddColumnSums(x, y, rows, cols), cols),
            ("SumLastAxis", (b, y) => b.SumLastAxis(x, y, rows, cols), rows),
        };
        foreach (var (name, kernel, length) in cases)
            Assert.True(Run(1, kernel, length).AsSpan().SequenceEqual(Run(3, kernel, length)), name);

        Assert.Equal(new ManagedBackend { Threads = 1 }.SumOfSquares(x), new ManagedBackend { Threads = 3 }.SumOfSquares(x));
    }
}
