using Xunit;

namespace LlmForge.Backends.Tests.Threading;

public class KernelWorkersTests
{
    // Jobs take their state as a struct and a static body, as the kernels do; arrays stand in for the kernels' pointers.
    private readonly record struct Counts(int[] Hits);

    private readonly record struct Bounds(int[] Starts, int[] Ends);

    private readonly record struct Total(long[] Sum, int Weight = 1);

    [Theory]
    [InlineData(1, 2)]
    [InlineData(2, 2)]
    [InlineData(7, 2)]
    [InlineData(1000, 4)]
    public void Every_index_runs_exactly_once(int n, int threads)
    {
        var hits = new int[n];
        KernelWorkers.Run(n, threads, new Counts(hits), static (in Counts c, int i) => Interlocked.Increment(ref c.Hits[i]));
        Assert.All(hits, h => Assert.Equal(1, h));
    }

    [Theory]
    [InlineData(10, 3)]
    [InlineData(1001, 2)]
    [InlineData(5, 5)]
    public void Ranges_and_chunks_tile_the_items_in_order(int items, int chunks)
    {
        var covered = new int[items];
        KernelWorkers.RunRanges(items, chunks, 2, new Counts(covered), static (in Counts c, int s, int e) =>
        {
            for (int i = s; i < e; i++) Interlocked.Increment(ref c.Hits[i]);
        });
        Assert.All(covered, c => Assert.Equal(1, c));

        var starts = new int[chunks];
        var ends = new int[chunks];
        KernelWorkers.RunChunks(items, chunks, 2, new Bounds(starts, ends), static (in Bounds b, int c, int s, int e) =>
        {
            b.Starts[c] = s;
            b.Ends[c] = e;
        });
        Assert.Equal(0, starts[0]);
        Assert.Equal(items, ends[^1]);
        for (int c = 1; c < chunks; c++) Assert.Equal(ends[c - 1], starts[c]);
    }

    [Fact]
    public void An_exception_in_any_index_reaches_the_caller_and_the_workers_stay_usable()
    {
        var error = Assert.Throws<InvalidOperationException>(() =>
            KernelWorkers.Run(64, 2, 40, static (in int failing, int i) =>
            {
                if (i == failing) throw new InvalidOperationException($"index {failing}");
                Thread.SpinWait(1000);
            }));
        Assert.Equal("index 40", error.Message);
        var sum = new long[1];
        KernelWorkers.Run(100, 2, new Total(sum), static (in Total t, int i) => Interlocked.Add(ref t.Sum[0], i));
        Assert.Equal(4950, sum[0]);
    }

    [Fact]
    public void A_nested_or_concurrent_job_runs_on_its_own_thread_and_completes()
    {
        var total = new long[1];
        // Outer indices call Run again (nested, from the caller and from a worker) with the same state type; two
        // outer jobs race. Only one job at a time is parallel, so none overwrites another's state.
        void Outer() => KernelWorkers.Run(20, 2, new Total(total), static (in Total t, int i) =>
            KernelWorkers.Run(10, 2, t, static (in Total t, int j) => Interlocked.Add(ref t.Sum[0], t.Weight)));
        var other = new Thread(Outer);
        other.Start();
        Outer();
        other.Join();
        Assert.Equal(400, Interlocked.Read(ref total[0]));
    }

    [Fact]
    public void Many_small_jobs_in_a_row_lose_nothing_and_each_reads_its_own_state()
    {
        // Back-to-back jobs exercise the hand-over between jobs (late workers, withdrawn tickets): a worker that
        // joins the next job must see that job's state.
        var total = new long[1];
        long expected = 0;
        for (int job = 0; job < 20_000; job++)
        {
            int weight = job % 5 + 1;
            KernelWorkers.Run(3, 2, new Total(total, weight), static (in Total t, int i) => Interlocked.Add(ref t.Sum[0], (i + 1) * t.Weight));
            expected += 6 * weight;
        }
        Assert.Equal(expected, total[0]);
    }
}
