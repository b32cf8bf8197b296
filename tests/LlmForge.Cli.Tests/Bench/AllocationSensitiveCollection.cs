using Xunit;

namespace LlmForge.Tests.Cli.Bench;

/// <summary>
/// Bench measurements count allocations over all threads (GC.GetTotalAllocatedBytes) and time steps, so tests that
/// check those figures must not share the process with other tests running in parallel. xunit runs a collection
/// with DisableParallelization alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationSensitiveCollection
{
    public const string Name = "Allocation-sensitive (runs alone)";
}
