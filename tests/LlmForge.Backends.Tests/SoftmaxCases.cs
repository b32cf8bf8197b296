using LlmForge.Backends;

namespace LlmForge.Tests.Backends;

/// <summary>
/// A softmax problem with its mask, as plain data (a <see cref="SoftmaxMask"/> is a ref struct: it cannot be
/// theory data or be captured by the finite-difference lambdas, so tests build it with <see cref="Mask"/>).
/// </summary>
public sealed record SoftmaxCase(string Name, int Rows, int Cols, bool Causal = false, int Window = 0,
    int QueryLength = 0, int QueryOffset = 0, byte[]? KeyValid = null, int RowsPerBatch = 0)
{
    public SoftmaxMask Mask() => new()
    {
        Causal = Causal, Window = Window, QueryLength = QueryLength, QueryOffset = QueryOffset,
        KeyValid = KeyValid, RowsPerBatch = RowsPerBatch,
    };

    public override string ToString() => Name;

    /// <summary>Every kind of mask, on odd sizes; rows are (groups · Tq).</summary>
    public static SoftmaxCase[] All =>
    [
        new("no mask 7x13", 7, 13),
        new("no mask one column", 5, 1),
        new("causal 3 heads x 13", 3 * 13, 13, Causal: true, QueryLength: 13),
        new("causal KV cache offset 8", 2 * 5, 13, Causal: true, QueryLength: 5, QueryOffset: 8),
        new("causal window 4", 2 * 17, 17, Causal: true, Window: 4, QueryLength: 17),
        new("window only 3", 11, 11, Window: 3, QueryLength: 11),
        new("window beyond keys (fully masked rows)", 3, 5, Causal: true, Window: 2, QueryLength: 3, QueryOffset: 6),
        // Padding: batch 2, 3 heads, Tq = Tk = 7; item 0 has keys 5 and 6 padded.
        new("padding", 2 * 3 * 7, 7, KeyValid: [1, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1], RowsPerBatch: 3 * 7),
        new("padding + causal", 2 * 3 * 7, 7, Causal: true, QueryLength: 7, KeyValid: [0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1], RowsPerBatch: 3 * 7),
        // Batch item 1 is all padding: every one of its rows is fully masked.
        new("fully padded item", 2 * 2 * 3, 9, KeyValid: [1, 1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], RowsPerBatch: 2 * 3),
        new("causal 8 heads x 128 (parallel)", 8 * 128, 128, Causal: true, QueryLength: 128),
    ];
}
