namespace LlmForge.Backends.Managed.Gemm;

/// <summary>Entry checks for <see cref="PackedGemm"/>: every failure names the offending argument.</summary>
internal static class GemmArguments
{
    public static void Check(bool transA, bool transB, int m, int n, int k,
        int aLength, int lda, long strideA, int bLength, int ldb, long strideB,
        int cLength, int ldc, long strideC, int batch, int threads)
    {
        NonNegative(m, nameof(m));
        NonNegative(n, nameof(n));
        NonNegative(k, nameof(k));
        NonNegative(batch, nameof(batch));
        if (threads < 1)
            throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");

        // As stored: A is [m, k] (or [k, m] when transposed), B is [k, n] (or [n, k]), C is [m, n].
        Matrix("a", "lda", "strideA", transA ? k : m, transA ? m : k, aLength, lda, strideA, batch, transA ? "Aᵀ" : "A");
        Matrix("b", "ldb", "strideB", transB ? n : k, transB ? k : n, bLength, ldb, strideB, batch, transB ? "Bᵀ" : "B");
        Matrix("c", "ldc", "strideC", m, n, cLength, ldc, strideC, batch, "C");
    }

    static void NonNegative(int value, string name)
    {
        if (value < 0)
            throw new ArgumentOutOfRangeException(name, value, $"{name} must be non-negative.");
    }

    static void Matrix(string buffer, string ldName, string strideName, int rows, int cols,
        int length, int ld, long stride, int batch, string what)
    {
        if (ld < Math.Max(1, cols))
            throw new ArgumentException(
                $"{ldName} = {ld} is smaller than the {cols} columns of {what} as stored ([{rows}, {cols}]).", ldName);
        if (stride < 0)
            throw new ArgumentException($"{strideName} = {stride} must be non-negative.", strideName);
        if (rows == 0 || cols == 0 || batch == 0)
            return;
        long span = (long)(rows - 1) * ld + cols;
        long need = (batch - 1) * stride + span;
        if (length < need)
            throw new ArgumentException(
                $"{buffer} holds {length} floats but {what} as stored [{rows}, {cols}] with {ldName} = {ld}" +
                (batch > 1 ? $", {batch} matrices {stride} apart," : "") + $" needs {need}.", buffer);
    }
}
