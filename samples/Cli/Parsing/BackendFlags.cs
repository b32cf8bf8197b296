using System.CommandLine;

namespace LlmForge.Cli.Parsing;

/// <summary>
/// <c>--backend</c> and <c>--threads</c>, the same flags on every command that computes. The name is checked where the
/// backend is built (<see cref="Hosting.BackendFactory"/>), against the backends actually registered.
/// </summary>
public static class BackendFlags
{
    public static Option<string?> Backend { get; } = Completed(Flag.Text("--backend", "NAME",
        "managed (default) or mkl; without it LlmForge:Backend of the environment (LlmForge__Backend) or appsettings.json"));

    public static Option<int?> Threads { get; } = Flag.Int("--threads", "N", "compute threads (default: every core)",
        min: 0, max: Backends.BackendOptions.MaxThreads);

    private static Option<string?> Completed(Option<string?> option)
    {
        option.CompletionSources.Add("managed", "mkl");
        return option;
    }
}
