using Xunit;

namespace LlmForge.Tests.Backends.Allocation;

/// <summary>
/// Tests that count allocations over all threads (GC.GetTotalAllocatedBytes) must not share the process with other
/// tests running in parallel. xunit runs a collection with DisableParallelization alone, after the parallel ones.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AllocationSensitiveCollection
{
    public const string Name = "Allocation-sensitive (runs alone)";
}
