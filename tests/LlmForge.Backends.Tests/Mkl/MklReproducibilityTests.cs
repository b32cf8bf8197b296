using LlmForge.Backends.Mkl;
using Xunit;
using static LlmForge.Tests.Mkl.MklTestData;

namespace LlmForge.Tests.Mkl;

/// <summary>
/// MKL loads in strict CNR mode, so a product does not depend on where its buffers sit: without it, these shapes gave
/// other last bits at 4-byte offsets, and two identical training runs (or a run and its resume) drifted apart.
/// </summary>
public class MklReproducibilityTests
{
    [Fact]
    public void Mkl_runs_in_strict_reproducibility_mode_unless_the_environment_says_otherwise()
    {
        _ = Backend();
        Assert.Equal(string.IsNullOrEmpty(Environment.GetEnvironmentVariable("MKL_CBWR")) ? "auto,strict" : "env", MklBackend.MklReproducibility);
    }

    [Theory]
    [InlineData(8, 8, 8, false, false)]
    [InlineData(24, 11, 16, false, true)]
    [InlineData(11, 16, 24, true, false)]
    [InlineData(24, 48, 16, false, false)]
    public void Gemm_gives_the_same_bits_at_every_buffer_offset(int m, int n, int k, bool transA, bool transB)
    {
        var backend = Backend();
        float[] a = Uniform(m * k, seed: 1), b = Uniform(k * n, seed: 2);
        int lda = transA ? m : k, ldb = transB ? k : n;
        float[]? first = null;
        for (int offset = 0; offset < 16; offset++)
        {
            // the same numbers at another address: offset floats into a larger array, a different offset for each operand
            int offsetB = offset * 3 % 16, offsetC = offset * 5 % 16;
            var pa = new float[a.Length + 16];
            var pb = new float[b.Length + 16];
            var pc = new float[m * n + 16];
            a.CopyTo(pa, offset);
            b.CopyTo(pb, offsetB);
            var c = pc.AsSpan(offsetC, m * n);
            backend.Gemm(transA, transB, m, n, k, 1f, pa.AsSpan(offset, a.Length), lda, pb.AsSpan(offsetB, b.Length), ldb, 0f, c, n);
            first ??= c.ToArray();
            Assert.True(c.SequenceEqual(first), $"offset {offset}: other bits than at offset 0");
        }
    }
}
