using LlmForge.Backends;
using LlmForge.Tests.Backends.Parity;

namespace LlmForge.Tests.Backends;

/// <summary>
/// The product <see cref="ITensorBackend.GemmQ8"/> stands for, in double: for m ≤ 4, A's rows quantized per block
/// (<see cref="Q8Blocks.Quantize"/>) and C = Σ_blocks d_A · d_B · Σ q_A · q_B; for m &gt; 4, A times the dequantized B.
/// </summary>
internal static class Q8Reference
{
    /// <summary>Rows of A up to which the kernels quantize A (decoding), as ITensorBackend.GemmQ8 documents.</summary>
    public const int MaxQuantizedRows = 4;

    /// <summary>Quants and scales of <paramref name="weights"/> [n, k].</summary>
    public static (sbyte[] Quants, float[] Scales) Quantize(float[] weights, int n, int k)
    {
        var q = new sbyte[n * Q8Blocks.PaddedLength(k)];
        var d = new float[n * Q8Blocks.BlocksPerRow(k)];
        Q8Blocks.Quantize(weights, n, k, q, d);
        return (q, d);
    }

    /// <summary>
    /// The expected C [m, n] and a bound per entry. For m ≤ 4 every block's integer sum is exact, so the only error is
    /// float32's in d_A · d_B and in adding the blocks' terms (eight lanes, then the lanes): a few ulps per block of the
    /// sum of |terms|, bounded by 2⁻²³ · (blocks + 5) · Σ|terms|. For m &gt; 4 the float GEMM's bound (<see cref="GemmParityTests.Bounds"/>).
    /// </summary>
    public static (double[] Expected, double[] Bounds) Product(int m, int n, int k, float[] a, sbyte[] q, float[] d)
    {
        var expected = new double[m * n];
        var bounds = new double[m * n];
        int blocks = Q8Blocks.BlocksPerRow(k), padded = Q8Blocks.PaddedLength(k);
        if (m > MaxQuantizedRows)
        {
            var w = new float[n * k];
            Q8Blocks.Dequantize(q, d, n, k, w);
            for (int i = 0; i < m; i++)
                for (int j = 0; j < n; j++)
                {
                    double sum = 0;
                    for (int p = 0; p < k; p++) sum += (double)a[i * k + p] * w[j * k + p];
                    expected[i * n + j] = sum;
                }
            return (expected, GemmParityTests.Bounds(m * n, k, 1f, TestData.MaxAbs(a), TestData.MaxAbs(w), 0f, []));
        }
        var (qa, da) = Quantize(a, m, k);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double sum = 0, magnitude = 0;
                for (int b = 0; b < blocks; b++)
                {
                    long dot = 0, abs = 0;
                    for (int p = b * Q8Blocks.BlockSize; p < (b + 1) * Q8Blocks.BlockSize; p++)
                    {
                        int product = qa[i * padded + p] * q[j * padded + p];
                        dot += product;
                        abs += Math.Abs(product);
                    }
                    double scale = (double)da[i * blocks + b] * d[j * blocks + b];
                    sum += scale * dot;
                    magnitude += Math.Abs(scale) * abs;
                }
                expected[i * n + j] = sum;
                bounds[i * n + j] = Math.ScaleB(1, -23) * (blocks + 5) * magnitude + 1e-30;
            }
        return (expected, bounds);
    }
}
