using LlmForge.Backends;
using Xunit;

namespace LlmForge.Tests.Backends.Allocation;

/// <summary>
/// Every kernel call allocates nothing on the managed heap, on one thread (small sizes) and on the kernel workers
/// (large sizes, two threads): a training step or a decoding loop runs thousands of them. Measured with
/// GC.GetTotalAllocatedBytes, which counts every thread's allocations, so the tests run alone.
/// On the MKL backend the erf GELU and its backward pass are MKL's (VML); the other kernels are the managed ones
/// it falls back to, and the GEMMs MKL's.
/// </summary>
[Collection(AllocationSensitiveCollection.Name)]
public class KernelAllocationTests
{
    public enum Size
    {
        /// <summary>Below every parallel threshold: the kernel runs on the calling thread.</summary>
        Small,

        /// <summary>About 2²⁰ elements: the kernel splits over the calling thread and a worker.</summary>
        Large,
    }

    static KernelAllocationTests()
    {
        // Map and MapBackward once per function (Map of Sqrt, Rsqrt, Reciprocal, Log and Square is VML's on Mkl).
        foreach (var op in Enum.GetValues<UnaryOp>())
        {
            Kernels[$"Map {op}"] = large => Binary(large, (be, x, _, y) => be.Map(op, x, y));
            Kernels[$"MapBackward {op}"] = large => Ternary(large, (be, x, dy, dx) => be.MapBackward(op, x, dy, dx));
        }
    }

    public static TheoryData<string, string, Size> Cases()
    {
        var data = new TheoryData<string, string, Size>();
        foreach (var backend in TestBackends.All)
            foreach (var kernel in Kernels.Keys)
                foreach (var size in new[] { Size.Small, Size.Large })
                    data.Add(backend, kernel, size);
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void A_kernel_call_allocates_nothing(string backend, string kernel, Size size)
    {
        var be = TestBackends.Create(backend);
        be.Threads = 2;
        var call = Kernels[kernel](size == Size.Large);
        Allocations.AssertNone(() => call(be));
    }

    /// <summary>n elements for element-wise kernels.</summary>
    private static int Length(bool large) => large ? 1 << 20 : 256;

    /// <summary>[rows, cols] for row-wise kernels.</summary>
    private static (int Rows, int Cols) Matrix(bool large) => large ? (1024, 1024) : (4, 64);

    /// <summary>Each kernel's call on fresh inputs of the size asked for; the inputs are made here, outside the measurement.</summary>
    private static readonly Dictionary<string, Func<bool, Action<ITensorBackend>>> Kernels = new()
    {
        ["Add"] = large => Binary(large, (be, a, b, y) => be.Add(a, b, y)),
        ["Mul"] = large => Binary(large, (be, a, b, y) => be.Mul(a, b, y)),
        ["Scale"] = large => Binary(large, (be, a, _, y) => be.Scale(a, 0.5f, y)),
        ["Axpy"] = large => Binary(large, (be, a, _, y) => be.Axpy(0.5f, a, y)),
        ["Exp"] = large => Binary(large, (be, a, _, y) => be.Exp(a, y)),
        ["Tanh"] = large => Binary(large, (be, a, _, y) => be.Tanh(a, y)),
        ["TanhBackward"] = large => Ternary(large, (be, y, dy, dx) => be.TanhBackward(y, dy, dx)),
        ["Gelu tanh"] = large => Binary(large, (be, x, _, y) => be.Gelu(x, y, GeluApproximation.Tanh)),
        ["Gelu erf (VML on Mkl)"] = large => Binary(large, (be, x, _, y) => be.Gelu(x, y, GeluApproximation.Erf)),
        ["GeluBackward tanh"] = large => Ternary(large, (be, x, dy, dx) => be.GeluBackward(x, dy, dx, GeluApproximation.Tanh)),
        ["GeluBackward erf (VML on Mkl)"] = large => Ternary(large, (be, x, dy, dx) => be.GeluBackward(x, dy, dx, GeluApproximation.Erf)),
        ["AddColumnBroadcast"] = large => ColumnRows(large, (be, x, v, y, rows, cols) => be.AddColumnBroadcast(x, v, y, rows, cols)),
        ["MulColumnBroadcast"] = large => ColumnRows(large, (be, x, v, y, rows, cols) => be.MulColumnBroadcast(x, v, y, rows, cols)),
        ["Dropout"] = large => Ternary(large, (be, x, y, mask) => be.Dropout(x, y, mask, 0.1f, 42)),
        ["SumOfSquares"] = large => Binary(large, (be, x, _, _) => be.SumOfSquares(x)),
        ["AdamW"] = large =>
        {
            int n = Length(large);
            var (p, g, m, v) = (TestData.Uniform(n, 1), TestData.Uniform(n, 2), new float[n], new float[n]);
            return be => be.AdamW(p, g, m, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0.01f, 3);
        },
        ["AddRowBroadcast"] = large => Rows(large, (be, x, v, y, rows, cols) => be.AddRowBroadcast(x, v, y, rows, cols)),
        ["MulRowBroadcast"] = large => Rows(large, (be, x, v, y, rows, cols) => be.MulRowBroadcast(x, v, y, rows, cols)),
        ["AddColumnSums"] = large => Rows(large, (be, x, v, _, rows, cols) => be.AddColumnSums(x, v, rows, cols)),
        ["SumLastAxis"] = large => Rows(large, (be, x, _, y, rows, cols) => be.SumLastAxis(x, y, rows, cols)),
        ["MaxLastAxis"] = large => Rows(large, (be, x, _, y, rows, cols) => be.MaxLastAxis(x, y, rows, cols)),
        ["BiasGelu"] = large => Rows(large, (be, x, v, y, rows, cols) => be.BiasGelu(x, v, y, rows, cols, GeluApproximation.Tanh)),
        ["BiasGeluBackward"] = large =>
        {
            var (rows, cols) = Matrix(large);
            var (x, bias, dy, dx, dbias) = (TestData.Uniform(rows * cols, 1), TestData.Uniform(cols, 2),
                TestData.Uniform(rows * cols, 3), new float[rows * cols], new float[cols]);
            return be => be.BiasGeluBackward(x, bias, dy, dx, dbias, rows, cols, GeluApproximation.Erf);
        },
        ["GatedActivation gelu tanh"] = large => Binary(large, (be, g, u, y) => be.GatedActivation(g, u, y, GateActivation.GeluTanh)),
        ["GatedActivationBackward silu"] = large =>
        {
            int n = Length(large);
            var (g, u, dy, dg, du) = (TestData.Uniform(n, 1), TestData.Uniform(n, 2), TestData.Uniform(n, 3), new float[n], new float[n]);
            return be => be.GatedActivationBackward(g, u, dy, dg, du, GateActivation.Silu);
        },
        ["Softmax causal + padding"] = large =>
        {
            // Two batch items of two heads; the second item's last quarter of keys is padding.
            var (rows, cols) = Matrix(large);
            int queryLength = rows / 4;
            var x = TestData.Uniform(rows * cols, 1, -4, 4);
            var y = new float[rows * cols];
            var keyValid = new byte[2 * cols];
            for (int j = 0; j < 2 * cols; j++) keyValid[j] = (byte)(j < cols + 3 * cols / 4 ? 1 : 0);
            return be => be.Softmax(x, y, rows, cols, new SoftmaxMask
            {
                Causal = true, QueryLength = queryLength, QueryOffset = cols - queryLength, KeyValid = keyValid, RowsPerBatch = rows / 2,
            });
        },
        ["SoftmaxBackward"] = large => Rows(large, (be, y, _, dx, rows, cols) => be.SoftmaxBackward(y, y, dx, rows, cols)),
        ["LayerNorm"] = large =>
        {
            var (rows, cols) = Matrix(large);
            var (x, gamma, beta, y) = (TestData.Uniform(rows * cols, 1), TestData.Uniform(cols, 2), TestData.Uniform(cols, 3), new float[rows * cols]);
            var (mean, rstd) = (new float[rows], new float[rows]);
            return be => be.LayerNorm(x, gamma, beta, y, mean, rstd, rows, cols, 1e-5f);
        },
        ["LayerNormBackward"] = large =>
        {
            var (rows, cols) = Matrix(large);
            var (x, gamma, beta, y) = (TestData.Uniform(rows * cols, 1), TestData.Uniform(cols, 2), TestData.Uniform(cols, 3), new float[rows * cols]);
            var (mean, rstd) = (new float[rows], new float[rows]);
            var (dy, dx, dgamma, dbeta) = (TestData.Uniform(rows * cols, 4), new float[rows * cols], new float[cols], new float[cols]);
            return be =>
            {
                be.LayerNorm(x, gamma, beta, y, mean, rstd, rows, cols, 1e-5f);
                be.LayerNormBackward(dy, x, gamma, mean, rstd, dx, dgamma, dbeta, rows, cols);
            };
        },
        ["RmsNorm + backward"] = large =>
        {
            var (rows, cols) = Matrix(large);
            var (x, gamma, y, rstd) = (TestData.Uniform(rows * cols, 1), TestData.Uniform(cols, 2), new float[rows * cols], new float[rows]);
            var (dy, dx, dgamma) = (TestData.Uniform(rows * cols, 4), new float[rows * cols], new float[cols]);
            return be =>
            {
                be.RmsNorm(x, gamma, y, rstd, rows, cols, 1e-5f);
                be.RmsNormBackward(dy, x, gamma, rstd, dx, dgamma, rows, cols);
            };
        },
        ["CrossEntropy + backward"] = large =>
        {
            var (rows, vocab) = large ? (16, 65536) : (4, 64);
            var logits = TestData.Uniform(rows * vocab, 1, -4, 4);
            var targets = TestData.Ints(rows, 2, vocab);
            targets[0] = -100;   // an ignored row
            var (losses, lse, dlogits) = (new float[rows], new float[rows], new float[rows * vocab]);
            return be =>
            {
                be.CrossEntropy(logits, targets, losses, lse, rows, vocab, -100);
                be.CrossEntropyBackward(logits, targets, lse, dlogits, 1f / rows, rows, vocab, -100);
            };
        },
        ["EmbeddingGather"] = large => Embedding(large, (be, ids, table, y, vocab, dim) => be.EmbeddingGather(ids, table, y, vocab, dim)),
        ["EmbeddingScatterAdd"] = large => Embedding(large, (be, ids, dtable, dy, vocab, dim) => be.EmbeddingScatterAdd(ids, dy, dtable, vocab, dim)),
        ["Permute (0, 2, 1, 3)"] = large => Permute(large, [0, 2, 1, 3]),
        ["Permute (0, 1, 3, 2)"] = large => Permute(large, [0, 1, 3, 2]),
        ["AttentionForward causal"] = large => Attention(large, backward: false),
        ["AttentionBackward causal"] = large => Attention(large, backward: true),
        ["Gemm"] = large =>
        {
            int s = large ? 256 : 16;
            var (a, b, c) = (TestData.Uniform(s * s, 1), TestData.Uniform(s * s, 2), new float[s * s]);
            return be => be.Gemm(false, true, s, s, s, 1f, a, s, b, s, 0f, c, s);
        },
        ["Gemm skinny (GEMV)"] = large =>
        {
            int s = large ? 1024 : 64;
            var (a, b, c) = (TestData.Uniform(s, 1), TestData.Uniform(s * s, 2), new float[s]);
            return be => be.Gemm(false, false, 1, s, s, 1f, a, s, b, s, 0f, c, s);
        },
        ["GemmBf16 streamed (m = 1)"] = large =>
        {
            int s = large ? 1024 : 64;
            var (a, b, c) = (TestData.Uniform(s, 1), new ushort[s * s], new float[s]);
            BFloat16.FromFloat(TestData.Uniform(s * s, 2), b);
            return be => be.GemmBf16(1, s, s, a, b, c);
        },
        ["GemmBf16 widened (m = 8)"] = large =>
        {
            int s = large ? 256 : 16, m = 8;
            var (a, b, c) = (TestData.Uniform(m * s, 1), new ushort[s * s], new float[m * s]);
            BFloat16.FromFloat(TestData.Uniform(s * s, 2), b);
            return be => be.GemmBf16(m, s, s, a, b, c);
        },
        ["GemmQ8 int8 dots (m = 1)"] = large =>
        {
            int s = large ? 1024 : 64;
            var a = TestData.Uniform(s, 1);
            var (q, d) = Q8Reference.Quantize(TestData.Uniform(s * s, 2), s, s);
            var c = new float[s];
            return be => be.GemmQ8(1, s, s, a, q, d, c);
        },
        ["GemmQ8 dequantized (m = 8)"] = large =>
        {
            int s = large ? 256 : 32, m = 8;
            var a = TestData.Uniform(m * s, 1);
            var (q, d) = Q8Reference.Quantize(TestData.Uniform(s * s, 2), s, s);
            var c = new float[m * s];
            return be => be.GemmQ8(m, s, s, a, q, d, c);
        },
        ["GemmStridedBatched"] = large =>
        {
            int s = large ? 64 : 8, batch = 8;
            var (a, b, c) = (TestData.Uniform(batch * s * s, 1), TestData.Uniform(batch * s * s, 2), new float[batch * s * s]);
            return be => be.GemmStridedBatched(false, false, s, s, s, 1f, a, s, s * s, b, s, s * s, 0f, c, s, s * s, batch);
        },
    };

    private static Action<ITensorBackend> Binary(bool large, Action<ITensorBackend, float[], float[], float[]> kernel)
    {
        int n = Length(large);
        var (a, b, y) = (TestData.Uniform(n, 1), TestData.Uniform(n, 2), new float[n]);
        return be => kernel(be, a, b, y);
    }

    private static Action<ITensorBackend> Ternary(bool large, Action<ITensorBackend, float[], float[], float[]> kernel)
    {
        int n = Length(large);
        var (a, b, c) = (TestData.Uniform(n, 1), TestData.Uniform(n, 2), TestData.Uniform(n, 3));
        return be => kernel(be, a, b, c);
    }

    /// <summary>x [rows, cols], a [cols] vector, y [rows, cols].</summary>
    private static Action<ITensorBackend> Rows(bool large, Action<ITensorBackend, float[], float[], float[], int, int> kernel)
    {
        var (rows, cols) = Matrix(large);
        var (x, v, y) = (TestData.Uniform(rows * cols, 1), TestData.Uniform(cols, 2), new float[rows * cols]);
        return be => kernel(be, x, v, y, rows, cols);
    }

    /// <summary>x [rows, cols], a [rows] vector, y [rows, cols].</summary>
    private static Action<ITensorBackend> ColumnRows(bool large, Action<ITensorBackend, float[], float[], float[], int, int> kernel)
    {
        var (rows, cols) = Matrix(large);
        var (x, v, y) = (TestData.Uniform(rows * cols, 1), TestData.Uniform(rows, 2), new float[rows * cols]);
        return be => kernel(be, x, v, y, rows, cols);
    }

    /// <summary>ids [n] (repeated), a table [vocab, dim], rows [n, dim].</summary>
    private static Action<ITensorBackend> Embedding(bool large, Action<ITensorBackend, int[], float[], float[], int, int> kernel)
    {
        var (n, vocab, dim) = large ? (1024, 64, 1024) : (4, 16, 64);
        var (ids, table, y) = (TestData.Ints(n, 1, vocab), TestData.Uniform(vocab * dim, 2), TestData.Uniform(n * dim, 3));
        return be => kernel(be, ids, table, y, vocab, dim);
    }

    private static Action<ITensorBackend> Permute(bool large, int[] perm)
    {
        int[] shape = large ? [4, 256, 16, 64] : [2, 4, 4, 8];
        int n = shape.Aggregate(1, (p, s) => p * s);
        var (x, y) = (TestData.Uniform(n, 1), new float[n]);
        return be => be.Permute(x, shape, perm, y);
    }

    /// <summary>Causal self-attention over [groups, T, D]; the backward call runs the forward pass first for its logsumexp.</summary>
    private static Action<ITensorBackend> Attention(bool large, bool backward)
    {
        var (groups, t, d) = large ? (8, 256, 64) : (2, 16, 8);
        int n = groups * t * d;
        var (q, k, v, o, lse) = (TestData.Uniform(n, 1), TestData.Uniform(n, 2), TestData.Uniform(n, 3), new float[n], new float[groups * t]);
        var (dO, dq, dk, dv) = (TestData.Uniform(n, 4), new float[n], new float[n], new float[n]);
        float scale = 1f / MathF.Sqrt(d);
        return be =>
        {
            var mask = new SoftmaxMask { Causal = true, QueryLength = t };
            be.AttentionForward(q, k, v, o, lse, groups, t, t, d, scale, mask);
            if (backward) be.AttentionBackward(q, k, v, o, lse, dO, dq, dk, dv, groups, t, t, d, scale, mask);
        };
    }
}
