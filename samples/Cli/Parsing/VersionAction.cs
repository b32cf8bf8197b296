using System.CommandLine;
using System.CommandLine.Invocation;
using System.Reflection;

namespace LlmForge.Cli.Parsing;

/// <summary>
/// <c>llmforge --version</c>: the informational version of the LlmForge libraries the tool runs (e.g. 0.14.0+commit),
/// read from LlmForge.Models, not from the entry assembly (which is the test host when the command line runs in-process).
/// </summary>
internal sealed class VersionAction : SynchronousCommandLineAction
{
    public static string Version { get; } =
        typeof(LlmForge.Hosting.IModelFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(LlmForge.Hosting.IModelFactory).Assembly.GetName().Version?.ToString() ?? "unknown";

    public override int Invoke(ParseResult parseResult)
    {
        parseResult.InvocationConfiguration.Output.WriteLine(Version);
        return 0;
    }
}
