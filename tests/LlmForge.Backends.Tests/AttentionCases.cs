using LlmForge.Backends;

namespace LlmForge.Tests.Backends;

/// <summary>
/// A fused attention problem as plain data: q [Groups, Tq, D], k and v [KvGroups, Tk, D], the mask over
/// scores [Groups · Tq, Tk] (padding per batch item of <see cref="Heads"/> groups). <see cref="KvGroups"/> below
/// Groups is grouped-query attention: query group g reads kv group g / (Groups / KvGroups); 0 means Groups.
/// </summary>
public sealed record AttentionCase(string Name, int Groups, int Tq, int Tk, int D, bool Causal = false, int Window = 0,
    int QueryOffset = 0, byte[]? KeyValid = null, int Heads = 1, int KvGroups = 0)
{
    public float Scale => 1f / MathF.Sqrt(D);

    public int QLength => Groups * Tq * D;

    public int KLength => KeyValueGroups * Tk * D;

    /// <summary>The k/v groups: <see cref="KvGroups"/>, or <see cref="Groups"/> when it is 0.</summary>
    public int KeyValueGroups => KvGroups == 0 ? Groups : KvGroups;

    /// <summary>The k/v group query group <paramref name="g"/> reads.</summary>
    public int KvGroupOf(int g) => g / (Groups / KeyValueGroups);

    public SoftmaxMask Mask() => new()
    {
        Causal = Causal, Window = Window, QueryLength = Tq, QueryOffset = QueryOffset,
        KeyValid = KeyValid, RowsPerBatch = KeyValid is null ? 0 : Heads * Tq,
    };

    public override string ToString() => Name;

    /// <summary>Key validity for <paramref name="batch"/> items of Tk keys, item b having its last b·2 keys padded (item 3 all padding when Tk ≤ 6).</summary>
    public static byte[] Padded(int batch, int tk, int allPaddedItem = -1)
    {
        var valid = new byte[batch * tk];
        for (int b = 0; b < batch; b++)
            for (int j = 0; j < tk; j++)
                valid[b * tk + j] = (byte)(b == allPaddedItem || j >= tk - 2 * b ? 0 : 1);
        return valid;
    }

    /// <summary>
    /// Every mask kind on odd sizes (T = 1, 7, 37, 129; D = 8, 13, 64), Tq ≠ Tk, and whole tiles hidden; the
    /// cross-attention ones (a decoder's queries over an encoder's padded keys) are bidirectional with Tq &lt; Tk and Tq &gt; Tk.
    /// </summary>
    public static AttentionCase[] All =>
    [
        new("no mask T=1 D=8", 2, 1, 1, 8),
        new("no mask Tq=7 Tk=37 D=13", 3, 7, 37, 13),
        new("causal T=7 D=8", 2, 7, 7, 8, Causal: true),
        new("causal T=37 D=13", 3, 37, 37, 13, Causal: true),
        new("causal T=129 D=64", 2, 129, 129, 64, Causal: true),
        new("causal offset 30 Tq=7 Tk=37 D=64", 2, 7, 37, 64, Causal: true, QueryOffset: 30),
        new("causal offset 120 Tq=9 Tk=129 D=8", 2, 9, 129, 8, Causal: true, QueryOffset: 120),
        new("causal decode Tq=1 Tk=37 offset 36", 3, 1, 37, 13, Causal: true, QueryOffset: 36),
        new("sliding window 5 T=37 D=13", 2, 37, 37, 13, Causal: true, Window: 5),
        new("sliding window 40 T=129 D=64", 2, 129, 129, 64, Causal: true, Window: 40),
        new("window only 9 T=37 D=8", 2, 37, 37, 8, Window: 9),
        new("window beyond keys (fully masked rows)", 2, 5, 7, 8, Causal: true, Window: 2, QueryOffset: 9),
        new("padding 2x3 heads T=37 D=13", 6, 37, 37, 13, KeyValid: Padded(2, 37), Heads: 3),
        new("padding + causal 4x2 heads T=7 D=8", 8, 7, 7, 8, Causal: true, KeyValid: Padded(4, 7), Heads: 2),
        new("padding, one item all padding, T=129 D=64", 6, 129, 129, 64, KeyValid: Padded(3, 129, allPaddedItem: 1), Heads: 2),
        new("cross-attention 2x3 heads Tq=5 Tk=9 D=8", 6, 5, 9, 8, KeyValid: Padded(2, 9), Heads: 3),
        new("cross-attention 2x2 heads Tq=9 Tk=4 D=8", 4, 9, 4, 8, KeyValid: Padded(2, 4), Heads: 2),
        new("cross-attention 3x2 heads Tq=33 Tk=129 D=64", 6, 33, 129, 64, KeyValid: Padded(3, 129), Heads: 2),
        new("cross-attention decode step 3x2 heads Tq=1 Tk=37 D=13", 6, 1, 37, 13, KeyValid: Padded(3, 37), Heads: 2),
        new("gqa 4 heads / 2 kv, causal T=5 D=8", 4, 5, 5, 8, Causal: true, KvGroups: 2),
        new("gqa 6 heads / 2 kv, causal T=37 D=13", 6, 37, 37, 13, Causal: true, KvGroups: 2),
        new("mqa 4 heads / 1 kv, causal offset 30 Tq=7 Tk=37 D=8", 4, 7, 37, 8, Causal: true, QueryOffset: 30, KvGroups: 1),
        new("gqa 2x4 heads / 2x2 kv, padding + causal T=7 D=8", 8, 7, 7, 8, Causal: true, KeyValid: Padded(2, 7), Heads: 4, KvGroups: 4),
        new("gqa 4 heads / 2 kv, window 40 T=129 D=64", 4, 129, 129, 64, Causal: true, Window: 40, KvGroups: 2),
        new("padding hides whole key tiles T=129 D=13", 2, 20, 129, 13, KeyValid: [.. Enumerable.Repeat((byte)1, 129), .. Enumerable.Range(0, 129).Select(j => (byte)(j < 10 || j > 120 ? 1 : 0))], Heads: 1),
    ];
}
