using LlmForge.Backends;
using LlmForge.Backends.Managed;
using LlmForge.Backends.Mkl;
using Xunit;

namespace LlmForge.Tests;

/// <summary>
/// The backends every backend-dependent test runs on: <c>[Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]</c>.
/// Adding a backend is one line in <see cref="Names"/> and one in <see cref="Create"/>.
/// </summary>
public static class TestBackends
{
    public static TheoryData<string> Names => new() { "Managed", "Mkl" };

    public static ITensorBackend Create(string name) => name switch
    {
        "Managed" => new ManagedBackend(),
        "Mkl" => new MklBackend(new ManagedBackend()),
        _ => throw new ArgumentException($"TestBackends: unknown backend '{name}'.", nameof(name)),
    };
}
