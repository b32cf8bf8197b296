using LlmForge.Backends;
using LlmForge.Cli.Commands.Bench.Workloads;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>An "encode" workload: one forward pass of a BERT encoder over (B, T) random ids, no gradients.</summary>
internal static class EncodeWorkload
{
    /// <exception cref="NotSupportedException">Always, in this build: LlmForge has no BERT model yet.</exception>
    public static Action Prepare(Workload workload, ITensorBackend backend, Action<string> progress)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(progress);
        throw new NotSupportedException(
            $"workload '{workload.Name}' is not available in this build: LlmForge has no BERT encoder yet");
    }
}
