using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl;
using Xunit;

namespace LlmForge.Tests.Backends;

/// <summary>
/// The backends every parity test runs against. Adding a backend is one line in <see cref="Factories"/>.
/// </summary>
public static class TestBackends
{
    /// <summary>
    /// Three threads, whatever the machine: uneven row chunks, and the parallel paths run even on one core.
    /// </summary>
    public const int Threads = 3;

    private static readonly Dictionary<string, Func<ITensorBackend>> Factories = new()
    {
        ["Managed"] = () => new ManagedBackend(),
        ["Mkl"] = () => new MklBackend(new ManagedBackend()),
    };

    public static TheoryData<string> All => new(Factories.Keys);

    public static ITensorBackend Create(string name)
    {
        var backend = Factories[name]();
        backend.Threads = Threads;
        return backend;
    }

    /// <summary>Every backend crossed with every case.</summary>
    public static TheoryData<string, T> Cross<T>(params T[] cases)
    {
        var data = new TheoryData<string, T>();
        foreach (var name in Factories.Keys)
            foreach (var c in cases) data.Add(name, c);
        return data;
    }
}
