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
        int rowsPerBatch = mask is null ? 0 : CheckMask(x, mask, rows, cols);

        var backend = x.Backend;
        var y = NewLike(x, (int[])x.Shape.Clone());
        if (mask is null)
        {
            backend.Softmax(x.Data, y.Data, rows, cols, SoftmaxMask.None);
        }
        else
        {
            var kernelMask = new SoftmaxMask
            {
                Causal = mask.Causal,
                Window = mask.Window,
                QueryLength = x.Rank >= 2 ? x.Shape[^2] : 1,
                QueryOffset = mask.QueryOffset,
                KeyValid = mask.KeyValid,
                RowsPerBatch = rowsPerBatch,
            };
            backend.Softmax(x.Data, y.Data, rows, cols, kernelMask);
        }
        // dx += y ⊙ (dy − Σ dy ⊙ y); masked entries have y = 0 and so get nothing.
        return Graph.Record(y, "Softmax", [x], dy => backend.SoftmaxBackward(y.Data, dy, x.GradBuffer(), rows, cols));
    }

    /// <summary>Validates the mask against the scores; returns the rows per batch item (0 without padding).</summary>
    private static int CheckMask(Tensor x, AttentionMaskSpec mask, int rows, int cols)
    {
        if (mask.Window < 0 || mask.QueryOffset < 0)
            throw new ArgumentException(
                $"Softmax: mask Window ({mask.Window}) and QueryOffset ({mask.QueryOffset}) must be ≥ 0.", nameof(mask));
        if ((mask.Causal || mask.Window > 0) && x.Rank < 2)
            throw new ArgumentException($"Softmax: a causal or window mask needs scores [.., Tq, Tk], got {Shapes.Format(x.Shape)}.", nameof(mask));
        if (mask.KeyValid is not { Length: > 0 } keyValid) return 0;

        if (keyValid.Length % cols != 0)
            throw new ArgumentException(
                $"Softmax: mask KeyValid has {keyValid.Length} entries, not a multiple of Tk = {cols} (scores {Shapes.Format(x.Shape)}).",
                nameof(mask));
        int batch = keyValid.Length / cols;
        int perBatch = mask.RowsPerBatch > 0 ? mask.RowsPerBatch : rows / batch;
        if ((long)perBatch * batch != rows)
            throw new ArgumentException(
                $"Softmax: mask KeyValid [{batch},{cols}] with RowsPerBatch {perBatch} does not cover the {rows} rows of scores {Shapes.Format(x.Shape)}.",
                nameof(mask));
        return perBatch;
    }
}
