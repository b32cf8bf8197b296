namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Batched matrix product: a [.., m, k] · b [.., k, n] → [.., m, n], or with <paramref name="transposeB"/>
    /// a · bᵀ for b [.., n, k] (attention's Q·Kᵀ without materialising Kᵀ). b's batch dims equal a's, or b is one
    /// matrix (no batch dims, or all 1) shared by every product.
    /// </summary>
    public static Tensor MatMul(this Tensor a, Tensor b, bool transposeB = false)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        Shapes.SameBackend("MatMul", a, b);
        string BText() => $"b {Shapes.Format(b.Shape)}{(transposeB ? " (transposed)" : "")}"; // for errors only
        if (a.Rank < 2 || b.Rank < 2)
            throw new ArgumentException($"MatMul: a {Shapes.Format(a.Shape)} and {BText()}: both need at least 2 dims.");

        int m = a.Shape[^2], k = a.Shape[^1];
        int kb = transposeB ? b.Shape[^1] : b.Shape[^2];
        int n = transposeB ? b.Shape[^2] : b.Shape[^1];
        if (k != kb)
            throw new ArgumentException($"MatMul: a {Shapes.Format(a.Shape)} and {BText()}: inner dims {k} and {kb} differ.");

        var aBatch = a.Shape.AsSpan(..^2);
        var bBatch = b.Shape.AsSpan(..^2);
        bool shared = Shapes.Product(bBatch) == 1;
        if (!shared && !Shapes.Equal(aBatch, bBatch))
            throw new ArgumentException(
                $"MatMul: a {Shapes.Format(a.Shape)} and {BText()}: batch dims {Shapes.Format(aBatch)} and {Shapes.Format(bBatch)} differ " +
                "(b's must equal a's, or b must be a single matrix).");

        var outBatch = aBatch.Length >= bBatch.Length ? aBatch : bBatch;
        Span<int> outShape = stackalloc int[outBatch.Length + 2];
        outBatch.CopyTo(outShape);
        (outShape[^2], outShape[^1]) = (m, n);
        var y = NewLike(a, outShape);
        int batch = Shapes.Product(aBatch);
        var backend = a.Backend;
        int ldb = transposeB ? k : n;
        if (shared)
        {
            // One matrix b for every product: a reads as one tall [batch·m, k] matrix, a single GEMM.
            int rows = batch * m;
            backend.Gemm(false, transposeB, rows, n, k, 1f, a.Data, k, b.Data, ldb, 0f, y.Data, n);
            return Graph.Record(y, "MatMul", [a, b], (a, b, transposeB, rows, n, k, ldb), static (s, dy) =>
            {
                var (a, b, transposeB, rows, n, k, ldb) = s;
                var backend = a.Backend;
                if (a.RequiresGrad) // da [rows, k] += dy [rows, n] · op(b)ᵀ (overwritten while zero: GradTarget)
                {
                    var da = a.GradTarget(out float beta);
                    backend.Gemm(false, !transposeB, rows, k, n, 1f, dy, n, b.Data, ldb, beta, da, k);
                }
                if (b.RequiresGrad)
                {
                    var db = b.GradTarget(out float beta);
                    if (transposeB) // db [n, k] += dyᵀ · a
                        backend.Gemm(true, false, n, k, rows, 1f, dy, n, a.Data, k, beta, db, k);
                    else // db [k, n] += aᵀ · dy
                        backend.Gemm(true, false, k, n, rows, 1f, a.Data, k, dy, n, beta, db, n);
                }
            });
        }

        long sa = (long)m * k, sb = (long)k * n, sy = (long)m * n;
        backend.GemmStridedBatched(false, transposeB, m, n, k, 1f, a.Data, k, sa, b.Data, ldb, sb, 0f, y.Data, n, sy, batch);
        return Graph.Record(y, "MatMul", [a, b], (a, b, transposeB, m, n, k, ldb, batch), static (s, dy) =>
        {
            var (a, b, transposeB, m, n, k, ldb, batch) = s;
            long sa = (long)m * k, sb = (long)k * n, sy = (long)m * n;
            var backend = a.Backend;
            if (a.RequiresGrad) // da [m, k] += dy [m, n] · op(b)ᵀ, per batch (overwritten while zero: GradTarget)
            {
                var da = a.GradTarget(out float beta);
                backend.GemmStridedBatched(false, !transposeB, m, k, n, 1f, dy, n, sy, b.Data, ldb, sb,
                    beta, da, k, sa, batch);
            }
            if (b.RequiresGrad)
            {
                var db = b.GradTarget(out float beta);
                if (transposeB) // db [n, k] += dyᵀ · a
                    backend.GemmStridedBatched(true, false, n, k, m, 1f, dy, n, sy, a.Data, k, sa,
                        beta, db, k, sb, batch);
                else // db [k, n] += aᵀ · dy
                    backend.GemmStridedBatched(true, false, k, n, m, 1f, a.Data, k, sa, dy, n, sy,
                        beta, db, n, sb, batch);
            }
        });
    }
}
