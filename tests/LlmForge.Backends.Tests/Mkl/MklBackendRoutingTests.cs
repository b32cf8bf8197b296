using Xunit;
using LlmForge.Backends;
using LlmForge.Backends.Mkl;
using static LlmForge.Tests.Mkl.MklTestData;

namespace LlmForge.Tests.Mkl;

/// <summary>Which kernels MKL runs and which go to the fallback, and how Threads reaches both.</summary>
public class MklBackendRoutingTests
{
    [Fact]
    public void MklKernels_DoNotTouchTheFallback()
    {
        var fallback = new RecordingBackend();
        var backend = Backend(fallback);
        var v = new float[8];
        var square = new float[25];
        backend.Gemm(false, false, 5, 5, 5, 1f, square, 5, square, 5, 0f, new float[25], 5);
        backend.GemmStridedBatched(false, false, 5, 5, 5, 1f, square, 5, 0, square, 5, 0, 0f, new float[50], 5, 25, 2);
        backend.Gelu(v, v, GeluApproximation.Erf);
        backend.GeluBackward(v, v, new float[8], GeluApproximation.Erf);
        foreach (var op in new[] { UnaryOp.Sqrt, UnaryOp.Rsqrt, UnaryOp.Reciprocal, UnaryOp.Log, UnaryOp.Square })
            backend.Map(op, v, v);
        Assert.Empty(fallback.Calls);
    }

    [Fact]
    public void Products_with_a_side_of_at_most_four_run_on_the_fallbacks_GEMV()
    {
        var fallback = new RecordingBackend();
        var backend = Backend(fallback);
        var a = new float[4 * 9];
        backend.Gemm(false, true, 1, 9, 4, 1f, a, 4, a, 4, 0f, new float[9], 9);      // one token through a Linear
        backend.Gemm(false, false, 9, 4, 4, 1f, a, 4, a, 4, 0f, new float[36], 4);    // four columns
        backend.Gemm(false, false, 5, 5, 0, 1f, a, 1, a, 5, 0f, new float[25], 5);    // k = 0: MKL's own scaling of C
        backend.GemmStridedBatched(false, true, 1, 9, 4, 1f, a, 4, 0, a, 4, 0, 0f, new float[18], 9, 9, 2); // attention over a cache
        Assert.Equal(["Gemm", "Gemm", "GemmStridedBatched"], fallback.Calls);
    }

    [Fact]
    public void OtherKernels_GoToTheFallback()
    {
        var fallback = new RecordingBackend();
        var backend = Backend(fallback);
        var v = new float[8];
        var ids = new int[2];
        backend.Add(v, v, v);
        backend.Mul(v, v, v);
        backend.Scale(v, 2f, v);
        backend.Axpy(1f, v, v);
        backend.Exp(v, v);
        backend.AddRowBroadcast(v, v, v, 2, 4);
        backend.MulRowBroadcast(v, v, v, 2, 4);
        backend.AddColumnSums(v, v, 2, 4);
        backend.Tanh(v, v);
        backend.TanhBackward(v, v, v);
        backend.Gelu(v, v, GeluApproximation.Tanh);
        backend.GeluBackward(v, v, v, GeluApproximation.Tanh);
        backend.SumOfSquares(v);
        backend.SumLastAxis(v, v, 2, 4);
        backend.MaxLastAxis(v, v, 2, 4);
        backend.Softmax(v, v, 2, 4, SoftmaxMask.None);
        backend.SoftmaxBackward(v, v, v, 2, 4);
        backend.LayerNorm(v, v, v, v, v, v, 2, 4, 1e-5f);
        backend.LayerNormBackward(v, v, v, v, v, v, v, v, 2, 4);
        backend.RmsNorm(v, v, v, v, 2, 4, 1e-5f);
        backend.RmsNormBackward(v, v, v, v, v, v, 2, 4);
        backend.EmbeddingGather(ids, v, v, 2, 4);
        backend.EmbeddingScatterAdd(ids, v, v, 2, 4);
        backend.CrossEntropy(v, ids, v, v, 2, 4, -100);
        backend.CrossEntropyBackward(v, ids, v, v, 1f, 2, 4, -100);
        backend.AdamW(v, v, v, v, 1e-3f, 0.9f, 0.999f, 1e-8f, 0f, 1);
        backend.Dropout(v, v, v, 0.1f, 42);
        backend.Permute(v, [2, 4], [1, 0], v);
        backend.Map(UnaryOp.Sigmoid, v, v);
        backend.Map(UnaryOp.Relu, v, v);
        backend.Map(UnaryOp.Silu, v, v);
        backend.MapBackward(UnaryOp.Sqrt, v, v, v);
        backend.AddColumnBroadcast(v, v, v, 2, 4);
        backend.MulColumnBroadcast(v, v, v, 2, 4);
        Assert.Equal(
        [
            "Add", "Mul", "Scale", "Axpy", "Exp", "AddRowBroadcast", "MulRowBroadcast", "AddColumnSums", "Tanh", "TanhBackward", "Gelu", "GeluBackward",
            "SumOfSquares", "SumLastAxis", "MaxLastAxis", "Softmax", "SoftmaxBackward", "LayerNorm", "LayerNormBackward",
            "RmsNorm", "RmsNormBackward", "EmbeddingGather", "EmbeddingScatterAdd", "CrossEntropy", "CrossEntropyBackward",
            "AdamW", "Dropout", "Permute", "Map", "Map", "Map", "MapBackward", "AddColumnBroadcast", "MulColumnBroadcast",
        ], fallback.Calls);
    }

    [Fact]
    public void Threads_SetsMklAndFallback_AndRejectsZero()
    {
        var fallback = new RecordingBackend();
        var backend = Backend(fallback);
        int original = backend.Threads;
        try
        {
            backend.Threads = 1;
            Assert.Equal(1, backend.Threads);
            Assert.Equal(1, fallback.Threads);
            Assert.Throws<ArgumentOutOfRangeException>(() => backend.Threads = 0);
        }
        finally
        {
            backend.Threads = original; // MKL's count is process-wide
        }
    }

    [Fact]
    public void NameAndVersion()
    {
        var backend = Backend();
        Assert.Equal("Mkl", backend.Name);
        Assert.True(backend.Threads >= 1);
        Assert.Contains("Math Kernel Library", MklBackend.MklVersion);
        Assert.Contains(MklBackend.MklThreadingLayer, new[] { "gnu", "intel", "sequential", "env" });
    }
}
