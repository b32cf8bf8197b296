namespace LlmForge.Backends;

/// <summary>
/// Which entries of an attention-score softmax are masked out. The rows of the softmax input are
/// read as [groups, QueryLength] (groups = batch · heads) and the columns as key positions.
/// Query row i (i = row mod QueryLength) sits at absolute position <c>QueryOffset + i</c>
/// (QueryOffset &gt; 0 when earlier keys come from a KV cache).
/// </summary>
/// <remarks>
/// Key j is visible to the query at position p when all of these hold:
/// <list type="bullet">
/// <item><see cref="Causal"/>: j ≤ p.</item>
/// <item><see cref="Window"/> &gt; 0 (sliding window, the Mistral convention): p − Window &lt; j.</item>
/// <item><see cref="KeyValid"/> not empty (padding): KeyValid[b · cols + j] != 0, with
/// b = row / (<see cref="RowsPerBatch"/>) the batch item of the row.</item>
/// </list>
/// The default value masks nothing.
/// </remarks>
public readonly ref struct SoftmaxMask
{
    /// <summary>Key j is hidden from the query at position p when j &gt; p.</summary>
    public bool Causal { get; init; }

    /// <summary>Sliding-window size; 0 means no window.</summary>
    public int Window { get; init; }

    /// <summary>Query rows per group (Tq); needed by causal and window masks.</summary>
    public int QueryLength { get; init; }

    /// <summary>Absolute position of query row 0 (keys before it come from a KV cache).</summary>
    public int QueryOffset { get; init; }

    /// <summary>Padding mask [batch, cols]: nonzero where the key is a real token.</summary>
    public ReadOnlySpan<byte> KeyValid { get; init; }

    /// <summary>Softmax rows per batch item (heads · Tq); needed with <see cref="KeyValid"/>.</summary>
    public int RowsPerBatch { get; init; }

    /// <summary>No mask: every entry is visible.</summary>
    public static SoftmaxMask None => default;

    /// <summary>A causal mask over rows of <paramref name="queryLength"/> queries, limited to the last <paramref name="window"/> keys when <paramref name="window"/> &gt; 0.</summary>
    public static SoftmaxMask CausalMask(int queryLength, int queryOffset = 0, int window = 0) =>
        new() { Causal = true, QueryLength = queryLength, QueryOffset = queryOffset, Window = window };

    /// <summary>Whether this mask hides nothing.</summary>
    public bool IsNone => !Causal && Window == 0 && KeyValid.IsEmpty;

    /// <summary>Whether key <paramref name="col"/> is visible from softmax row <paramref name="row"/>.</summary>
    public bool IsVisible(int row, int col, int cols)
    {
        if (Causal || Window > 0)
        {
            int p = QueryOffset + row % QueryLength;
            if (Causal && col > p) return false;
            if (Window > 0 && col <= p - Window) return false;
        }
        if (!KeyValid.IsEmpty && KeyValid[row / RowsPerBatch * cols + col] == 0) return false;
        return true;
    }
}
