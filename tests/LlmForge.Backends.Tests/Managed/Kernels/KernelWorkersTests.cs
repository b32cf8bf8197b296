using LlmForge.Backends.Managed;
using Xunit;

namespace LlmForge.Backends.Tests.Managed.Kernels;

public class KernelWorkersTests
{
    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(7, 2)]
    [InlineData(1000, 4)]
    public void Every_index_runs_exactly_once(int n, int threads)
    {
        var hits = new int[n];
        KernelWorkers.Run(n, threads, i => Interlocked.Increment(ref hits[i]));
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(1001, 2)]
    [InlineData(5, 5)]
    public void Ranges_and_chunks_tile_the_items_in_order(int items, int chunks)
    {
        var covered = new int[items];
        KernelWorkers.RunRanges(items, chunks, 2, (s, e) => { for (int i = s; i < e; i++) Interlocked.Increment(ref covered[i]); });
        Assert.All(covered, c => Assert.Equal(1, c));

        var starts = new int[chunks];
        var ends = new int[chunks];
        KernelWorkers.RunChunks(items, chunks, 2, (c, s, e) => { starts[c] = s; ends[c] = e; });
        Assert.Equal(0, starts[0]);
        Assert.Equal(items, ends[^1]);
        for (int c = 1; c < chunks; c++) Assert.Equal(ends[c - 1], starts[c]);
    }

    [Fact]
    public void An_exception_in_any_index_reaches_the_caller_and_the_workers_stay_usable()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            KernelWorkers.Run(64, 2, i => { if (i == 40) throw new InvalidOperationException("index 40"); Thread.SpinWait(1000); }));
        Assert.Equal("index 40", error.Message);
        int sum = 0;
        KernelWorkers.Run(100, 2, i => Interlocked.Add(ref sum, i));
        Assert.Equal(4950, sum);
    }

    [Fact]
    public void A_nested_or_concurrent_job_runs_on_its_own_thread_and_completes()
    {
        long total = 0;
        // Outer indices call Run again (nested, from the caller and from a worker); two outer jobs race.
        void Outer() => KernelWorkers.Run(20, 2, i => KernelWorkers.Run(10, 2, j => Interlocked.Add(ref total, 1)));
        var other = new Thread(Outer);
        other.Start();
        Outer();
        other.Join();
        Assert.Equal(400, Interlocked.Read(ref total));
    }

    [Fact]
    public void Many_small_jobs_in_a_row_lose_nothing()
    {
        // Back-to-back jobs exercise the hand-over between jobs (late workers, withdrawn tickets).
        long total = 0;
        for (int job = 0; job < 20_000; job++) KernelWorkers.Run(3, 2, i => Interlocked.Add(ref total, i + 1));
        Assert.Equal(20_000L * 6, total);
    }
}
