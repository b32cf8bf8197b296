using LlmForge.Backends;

namespace LlmForge.Autograd;

public static partial class F
{
    /// <summary>
    /// Softmax over the last axis. With <paramref name="mask"/>, x holds attention scores [.., Tq, Tk]
    /// (e.g. (B, nh, T, T)); masked entries get probability 0 and no gradient, a fully masked row is all zeros.
    /// </summary>
    public static Tensor Softmax(this Tensor x, AttentionMaskSpec? mask = null)
    {
        ArgumentNullException.ThrowIfNull(x);
        var (rows, cols) = Shapes.RowsByLastAxis(x, "Softmax");
        int rowsPerBatch = mask is null ? 0 : CheckMask("Softmax", x, mask, rows, cols);

        var backend = x.Backend;
        var y = NewLike(x);
        if (mask is null)
        {
            backend.Softmax(x.Data, y.Data, rows, cols, SoftmaxMask.None);
        }
        else
        {
            backend.Softmax(x.Data, y.Data, rows, cols, KernelMask(mask, x.Rank >= 2 ? x.Shape[^2] : 1, rowsPerBatch));
        }
        // dx += y ⊙ (dy − Σ dy ⊙ y); masked entries have y = 0 and so get nothing.
        return Graph.Record(y, "Softmax", [x], (x, y, rows, cols),
            static (s, dy) => s.x.Backend.SoftmaxBackward(s.y.Data, dy, s.x.GradBuffer(), s.rows, s.cols));
    }

    /// <summary>The backend's view of <paramref name="mask"/> over scores of <paramref name="queryLength"/> rows per group.</summary>
    private static SoftmaxMask KernelMask(AttentionMaskSpec mask, int queryLength, int rowsPerBatch) => new()
    {
        Causal = mask.Causal,
        Window = mask.Window,
        QueryLength = queryLength,
        QueryOffset = mask.QueryOffset,
        KeyValid = mask.KeyValid,
        RowsPerBatch = rowsPerBatch,
    };

    /// <summary>
    /// Validates the mask against scores [rows, cols] (x holds them, or for <see cref="ScaledDotProductAttention"/>
    /// the queries they come from); returns the rows per batch item (0 without padding).
    /// </summary>
    private static int CheckMask(string op, Tensor x, AttentionMaskSpec mask, int rows, int cols)
    {
        if (mask.Window < 0 || mask.QueryOffset < 0)
            throw new ArgumentException(
                $"{op}: mask Window ({mask.Window}) and QueryOffset ({mask.QueryOffset}) must be ≥ 0.", nameof(mask));
        if ((mask.Causal || mask.Window > 0) && x.Rank < 2)
            throw new ArgumentException($"{op}: a causal or window mask needs scores [.., Tq, Tk], got {Shapes.Format(x.Shape)}.", nameof(mask));
        if (mask.KeyValid is not { Length: > 0 } keyValid) return 0;

        if (keyValid.Length % cols != 0)
            throw new ArgumentException(
                $"{op}: mask KeyValid has {keyValid.Length} entries, not a multiple of Tk = {cols} (scores {Shapes.Format(x.Shape)}).",
                nameof(mask));
        int batch = keyValid.Length / cols;
        int perBatch = mask.RowsPerBatch > 0 ? mask.RowsPerBatch : rows / batch;
        if ((long)perBatch * batch != rows)
            throw new ArgumentException(
                $"{op}: mask KeyValid [{batch},{cols}] with RowsPerBatch {perBatch} does not cover the {rows} rows of scores {Shapes.Format(x.Shape)}.",
                nameof(mask));
        return perBatch;
    }
}
