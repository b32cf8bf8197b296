using LlmForge.Tests.Backends.Allocation;
using Xunit;

namespace LlmForge.Backends.Tests.Threading;

[Collection(AllocationSensitiveCollection.Name)]
public class KernelWorkersAllocationTests
{
    private readonly record struct Total(long[] Sum);

    [Fact]
    public void Jobs_with_a_state_and_a_static_body_allocate_nothing()
    {
        var total = new Total(new long[1]);
        int calls = 0;
        // Enough work per index that the worker joins the jobs.
        Allocations.AssertNone(() =>
        {
            calls++;
            KernelWorkers.Run(64, 2, total, static (in Total t, int i) =>
            {
                Thread.SpinWait(200);
                Interlocked.Add(ref t.Sum[0], i);
            });
            KernelWorkers.RunRanges(1000, 8, 2, total, static (in Total t, int start, int end) =>
            {
                Thread.SpinWait(200);
                Interlocked.Add(ref t.Sum[0], end - start);
            });
            KernelWorkers.RunChunks(1000, 8, 2, total, static (in Total t, int chunk, int start, int end) =>
            {
                Thread.SpinWait(200);
                Interlocked.Add(ref t.Sum[0], chunk);
            });
        });
        Assert.Equal(calls * (64 * 63 / 2 + 1000 + 28), total.Sum[0]);
    }
}
