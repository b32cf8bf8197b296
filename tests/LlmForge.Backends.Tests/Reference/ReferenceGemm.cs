using System.Numerics;

namespace LlmForge.Tests.Backends.Reference;

/// <summary>
/// C = alpha·op(A)·op(B) + beta·C in double, from the definition: each C[i, j] a dot product of row i of op(A)
/// and column j of op(B), both first copied to contiguous rows, accumulated in double. Parallel over rows of C,
/// so the 128×768×50257 case stays a few seconds.
/// </summary>
public static class ReferenceGemm
{
    public static double[] Gemm(bool transA, bool transB, int m, int n, int k, double alpha, float[] a, int lda, int offsetA,
        float[] b, int ldb, int offsetB, double beta, float[] c, int ldc, int offsetC)
    {
        // opA[i, p] and opBt[j, p] = op(B)[p, j]: both [rows, k] with contiguous rows.
        var opA = new float[(long)m * k];
        for (int i = 0; i < m; i++)
            for (int p = 0; p < k; p++) opA[(long)i * k + p] = transA ? a[offsetA + p * lda + i] : a[offsetA + i * lda + p];
        var opBt = new float[(long)n * k];
        for (int j = 0; j < n; j++)
            for (int p = 0; p < k; p++) opBt[(long)j * k + p] = transB ? b[offsetB + j * ldb + p] : b[offsetB + p * ldb + j];

        var result = new double[(long)m * n];
        Parallel.For(0, m, i =>
        {
            var rowA = opA.AsSpan((int)((long)i * k), k);
            for (int j = 0; j < n; j++)
            {
                double dot = Dot(rowA, opBt.AsSpan((int)((long)j * k), k));
                double old = beta == 0 ? 0 : beta * c[offsetC + i * ldc + j];
                result[(long)i * n + j] = alpha * dot + old;
            }
        });
        return result;
    }

    /// <summary>Σ a[p]·b[p] in double (vectorized: float lanes widened to double).</summary>
    public static double Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        int p = 0;
        var acc = Vector<double>.Zero;
        for (; p <= a.Length - Vector<float>.Count; p += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(a.Slice(p)), out var aLo, out var aHi);
            Vector.Widen(new Vector<float>(b.Slice(p)), out var bLo, out var bHi);
            acc += aLo * bLo + aHi * bHi;
        }
        double sum = Vector.Sum(acc);
        for (; p < a.Length; p++) sum += (double)a[p] * b[p];
        return sum;
    }
}
