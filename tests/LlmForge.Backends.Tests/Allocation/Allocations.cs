using Xunit;

namespace LlmForge.Tests.Backends.Allocation;

/// <summary>Asserts that a call allocates nothing on the managed heap, on any thread (tests using it run in <see cref="AllocationSensitiveCollection"/>).</summary>
public static class Allocations
{
    /// <summary>Calls measured after the warm-up call, of which one must allocate nothing.</summary>
    private const int Attempts = 10;

    /// <summary>
    /// Calls <paramref name="call"/> once to warm up (JIT, worker threads, each thread's reusable scratch), then
    /// measures the next calls with GC.GetTotalAllocatedBytes (every thread's allocations, so the kernel workers'
    /// too) until one allocates nothing. A per-call allocation (a closure, a delegate, a buffer) shows in every call,
    /// so retrying cannot hide it; it only forgives bytes that are not the call's on every call: the test host's own
    /// threads (reporting earlier results) allocating during a measurement, or a worker that woke too late to take a
    /// chunk of the warm-up call and grows its reusable scratch on a later one.
    /// </summary>
    public static void AssertNone(Action call)
    {
        call();
        var bytes = new long[Attempts];
        for (int attempt = 0; attempt < Attempts; attempt++)
        {
            long before = GC.GetTotalAllocatedBytes(precise: true);
            call();
            bytes[attempt] = GC.GetTotalAllocatedBytes(precise: true) - before;
            if (bytes[attempt] == 0) return;
            Thread.Sleep(10);   // let the other threads finish what they were doing
        }
        Assert.Fail($"Every call after the warm-up allocated: {string.Join(", ", bytes)} bytes.");
    }
}
