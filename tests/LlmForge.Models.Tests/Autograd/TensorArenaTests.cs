using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Training.Optimizers;
using Xunit;

namespace LlmForge.Tests.Autograd;

public class TensorArenaTests
{
    // Big enough that a step's float buffers (about 2 MB) dwarf the graph's bookkeeping objects.
    private static readonly GptConfig Config = new()
    {
        VocabSize = 67, ContextLength = 32, EmbeddingDim = 48, Layers = 2, Heads = 4,
        EmbeddingDropRate = 0.1f, AttentionDropRate = 0.1f, ResidualDropRate = 0.1f, TieWeights = false, QkvBias = true,
    };

    private const int Batch = 4, Seq = 32;

    private sealed class Run
    {
        private readonly GptModel model;
        private readonly AdamW optimizer;
        private readonly int[] ids, targets;

        public Run(string backend)
        {
            model = new GptModel(Config, TestBackends.Create(backend), seed: 7);
            optimizer = new AdamW(ParameterGroup.ForWeightDecay(
                model.NamedParameters().Select(p => new NamedParameter(p.Name, p.Parameter)), 0.1f), 0.9f, 0.95f);
            var rng = new Random(3);
            ids = Enumerable.Range(0, Batch * Seq).Select(_ => rng.Next(Config.VocabSize)).ToArray();
            targets = Enumerable.Range(0, Batch * Seq).Select(_ => rng.Next(Config.VocabSize)).ToArray();
        }

        public GptModel Model => model;

        /// <summary>One training step; returns the loss.</summary>
        public float Step()
        {
            var (_, loss) = model.Forward(ids, targets, Batch, Seq);
            loss.Backward();
            optimizer.Step(1e-3f);
            optimizer.ZeroGrad();
            return loss.Item();
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Training_in_arena_steps_gives_bit_identical_weights_and_losses(string backend)
    {
        var plain = new Run(backend);
        var pooled = new Run(backend);
        var memory = new TensorArena();
        for (int step = 0; step < 4; step++)
        {
            float expected = plain.Step();
            float actual;
            using (memory.Step()) actual = pooled.Step();
            Assert.Equal(expected, actual);
        }
        var want = plain.Model.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter.Data);
        foreach (var (name, parameter) in pooled.Model.NamedParameters())
            Assert.True(want[name].AsSpan().SequenceEqual(parameter.Data), $"{name} differs after arena steps");
    }

    [Fact]
    public void After_warm_up_a_step_allocates_a_small_fraction_and_the_pool_stays_flat()
    {
        var plain = new Run("Managed");
        plain.Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        plain.Step();
        long unpooled = GC.GetAllocatedBytesForCurrentThread() - before;

        var pooled = new Run("Managed");
        var memory = new TensorArena();
        using (memory.Step()) pooled.Step();
        long working = memory.PooledBytes;
        before = GC.GetAllocatedBytesForCurrentThread();
        using (memory.Step()) pooled.Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(working > 1_000_000, $"the step's buffers ({working} bytes) come from the arena");
        Assert.True(allocated * 10 < unpooled, $"a pooled step allocated {allocated} bytes, an unpooled one {unpooled}");
        Assert.Equal(working, memory.PooledBytes); // the second step reused the first step's buffers
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void A_warm_inference_step_allocates_next_to_nothing(string backend)
    {
        // A whole forward pass without a graph: float buffers and tensor headers come from the arena, the ops build
        // no backward closures and the kernels no delegates; what is left is a few small objects per pass.
        var model = new GptModel(Config, TestBackends.Create(backend), seed: 7);
        model.Eval();
        var rng = new Random(3);
        int[] ids = [.. Enumerable.Range(0, Batch * Seq).Select(_ => rng.Next(Config.VocabSize))];
        var memory = new TensorArena();
        long allocated = long.MaxValue;
        using (GradMode.NoGrad())
            for (int pass = 0; pass < 4; pass++) // the first fills the arena; the best of the others is measured
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                using (memory.Step()) _ = model.Forward(ids, Batch, Seq);
                if (pass > 0) allocated = Math.Min(allocated, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        // The logits alone are 4 · 32 · 67 floats = 34 KB, the activations of a layer ten times that.
        Assert.True(allocated < 1024, $"a warm inference step allocated {allocated} bytes");
    }

    [Fact]
    public void Intermediate_gradients_are_reused_within_the_backward_pass()
    {
        // x → 8 chained scales: without reuse the backward pass would hold 8 gradient buffers of x's size.
        var backend = TestBackends.Create("Managed");
        var x = Tensor.Parameter(Tensor.Ones(backend, 1000));
        var memory = new TensorArena();
        using (memory.Step())
        {
            var y = x;
            for (int i = 0; i < 8; i++) y = y * 1.5f;
            y.Sum().Backward();
        }
        long forward = 8 * 1000 * sizeof(float);
        Assert.InRange(memory.PooledBytes, forward, forward + 3 * 1000 * sizeof(float));
        Assert.Equal(MathF.Pow(1.5f, 8), x.Grad![0], 3);
    }

    [Fact]
    public void Buffers_come_back_zeroed_and_outside_a_step_are_plain_arrays()
    {
        var memory = new TensorArena();
        float[] first;
        using (memory.Step())
        {
            first = TensorArena.Allocate(15);
            Array.Fill(first, 9f);
        }
        using (memory.Step())
        {
            var again = TensorArena.Allocate(15);
            Assert.Same(first, again); // reused, and ops that accumulate into their output rely on the clear
            Assert.All(again, v => Assert.Equal(0f, v));
        }
        Assert.NotSame(TensorArena.Allocate(15), TensorArena.Allocate(15));
        Assert.Equal(15 * sizeof(float), memory.PooledBytes);
    }

    [Fact]
    public void Tensor_headers_of_a_step_serve_the_next_step_by_rank_with_their_shape_arrays_and_without_their_graph()
    {
        var backend = TestBackends.Create("Managed");
        var w = Tensor.Parameter(Tensor.Full(backend, 1f, 2, 3));
        var memory = new TensorArena();
        Tensor first;
        int[] firstShape;
        using (memory.Step())
        {
            first = w * 2f;
            firstShape = first.Shape;
            Assert.NotNull(first.GradFn);
        }
        Assert.Null(first.GradFn); // the step's graph is let go with it
        Assert.False(first.RequiresGrad);
        using (memory.Step())
        {
            var cube = w.Reshape(1, 2, 3);   // rank 3: a header of its own
            var again = w.Reshape(3, 2);     // rank 2: the first step's header, shape array and all
            Assert.NotSame(first, cube);
            Assert.Same(first, again);
            Assert.Same(firstShape, again.Shape);
            Assert.Equal([3, 2], again.Shape);
            Assert.Same(w.Data, again.Data);
            Assert.NotNull(again.GradFn);
        }
        var outside = w.Reshape(3, 2); // outside a step: a new header
        Assert.NotSame(first, outside);
    }

    [Fact]
    public void Parameters_gradients_and_factory_tensors_outlive_the_step()
    {
        var backend = TestBackends.Create("Managed");
        var w = Tensor.Parameter(Tensor.Full(backend, 1f, 4));
        var memory = new TensorArena();
        Tensor loss;
        using (memory.Step())
        {
            loss = (w * 2f).Sum();
            loss.Backward();
        }
        using (memory.Step()) _ = (w * 5f).Sum(); // would overwrite any buffer the first step handed out
        Assert.Equal(8f, loss.Item());
        Assert.All(w.Grad!, g => Assert.Equal(2f, g));
    }

    [Fact]
    public void A_step_does_not_reopen_itself_and_another_arenas_step_nests_inside_it()
    {
        var memory = new TensorArena();
        var inner = new TensorArena();
        using (memory.Step())
        {
            var again = Assert.Throws<InvalidOperationException>(() => memory.Step());
            Assert.Contains("already open", again.Message);
            using (inner.Step()) _ = TensorArena.Allocate(7);   // from the inner arena while its step is open
            _ = TensorArena.Allocate(5);                         // then from the outer one again
        }
        using (memory.Step()) { } // reopened after the first ended
        Assert.Equal(7 * sizeof(float), inner.PooledBytes);
        Assert.Equal(0, memory.PooledBytes); // the second step asked for no length of 5: that buffer was dropped
    }

    [Fact]
    public void A_length_no_request_of_a_step_asked_for_is_dropped_at_its_end()
    {
        var memory = new TensorArena();
        using (memory.Step()) { _ = TensorArena.Allocate(10); _ = TensorArena.Allocate(20); }
        Assert.Equal(30 * sizeof(float), memory.PooledBytes);
        float[] kept;
        using (memory.Step()) kept = TensorArena.Allocate(10); // a shape that drifted: 20 is not asked for
        Assert.Equal(10 * sizeof(float), memory.PooledBytes);
        using (memory.Step()) Assert.Same(kept, TensorArena.Allocate(10));
    }

    [Fact]
    public void Without_a_graph_a_layers_intermediates_stay_in_the_layer_arena_and_only_its_output_is_kept()
    {
        var backend = TestBackends.Create("Managed");
        var x = Tensor.FromArray(backend, [.. Enumerable.Range(0, 1000).Select(i => (float)i)], 1000);
        var memory = new TensorArena();
        Tensor y = x;
        using (memory.Step())
        using (GradMode.NoGrad())
        {
            for (int layer = 0; layer < 6; layer++)
            {
                var input = y;
                y = TensorArena.RunLayer(() => ((input * 2f) * 0.5f) + input); // two intermediates, then the output: 2·input
            }
            Assert.Equal(64f * 999, y.Data[999]);
        }
        // Six layers of three buffers each would pool 18 × 4000 bytes; only the six outputs' copies came from this arena.
        Assert.Equal(6 * 1000 * sizeof(float), memory.PooledBytes);
    }

    [Fact]
    public void With_a_graph_a_layer_runs_as_it_is()
    {
        var backend = TestBackends.Create("Managed");
        var w = Tensor.Parameter(Tensor.Full(backend, 3f, 4));
        var y = TensorArena.RunLayer(() => w * 2f);
        Assert.NotNull(y.GradFn); // the layer's own output, still in the graph
        y.Sum().Backward();
        Assert.All(w.Grad!, g => Assert.Equal(2f, g));
    }

    [Fact]
    public void A_no_grad_forward_through_layer_arenas_gives_the_logits_of_a_graph_forward()
    {
        var model = new GptModel(Config, TestBackends.Create("Managed"), seed: 5);
        model.Eval();
        var rng = new Random(11);
        int[] ids = [.. Enumerable.Range(0, Batch * Seq).Select(_ => rng.Next(Config.VocabSize))];
        var graph = model.Forward(ids, Batch, Seq).ToArray();
        float[] noGrad;
        var memory = new TensorArena();
        using (memory.Step())
        using (GradMode.NoGrad())
            noGrad = model.Forward(ids, Batch, Seq).ToArray();
        Assert.Equal(graph, noGrad);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Outputs_their_kernels_write_whole_ignore_a_reused_buffers_old_values(string backend)
    {
        // Linear, LinearGelu and Permute take pooled buffers without clearing them: poison the buffers one step
        // returns, and the next step's outputs must still equal a computation outside any arena.
        var be = TestBackends.Create(backend);
        var rng = new Random(5);
        Tensor Random(params int[] shape) =>
            Tensor.FromArray(be, Enumerable.Range(0, shape.Aggregate(1, (a, b) => a * b)).Select(_ => rng.NextSingle() - 0.5f).ToArray(), shape);
        var (x, w, b) = (Random(2, 3, 8), Random(12, 8), Random(12));
        Tensor[] Outputs() =>
        [
            x.Linear(w, b), x.LinearGelu(w, b, Backends.GeluApproximation.Erf), x.Linear(w, b).Reshape(2, 3, 3, 4).Permute(0, 2, 1, 3),
        ];
        float[][] expected = Outputs().Select(t => t.ToArray()).ToArray();
        var memory = new TensorArena();
        for (int step = 0; step < 3; step++)
        {
            using (memory.Step())
            {
                var outputs = Outputs();
                for (int i = 0; i < outputs.Length; i++) Assert.Equal(expected[i], outputs[i].ToArray());
                foreach (var t in outputs) t.Data.AsSpan().Fill(float.NaN); // what the next step's buffers will hold
            }
        }
    }
}
