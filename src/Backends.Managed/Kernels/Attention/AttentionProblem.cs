namespace LlmForge.Backends.Managed;

/// <summary>
/// One fused attention call as a plain struct, the state of the kernel workers' job (spans and the ref-struct
/// <see cref="SoftmaxMask"/> cannot be): pinned buffer pointers, sizes, and the mask's geometry.
/// Shapes: q, o, dO, dq [Groups, Tq, D]; k, v, dk, dv [Groups / QueriesPerKv, Tk, D]; lse [Groups, Tq].
/// </summary>
internal readonly unsafe struct AttentionProblem
{
    public float* Q { get; init; }
    public float* K { get; init; }
    public float* V { get; init; }
    public float* O { get; init; }
    public float* Lse { get; init; }
    public float* DO { get; init; }
    public float* DQ { get; init; }
    public float* DK { get; init; }
    public float* DV { get; init; }

    public int Groups { get; init; }

    /// <summary>Query groups per k/v group (grouped-query attention; 1 otherwise): query group g reads kv group g / QueriesPerKv.</summary>
    public int QueriesPerKv { get; init; }

    /// <summary>First k/v row [Tk, D] of query group <paramref name="g"/>'s keys and values.</summary>
    public long KeyBase(int g) => (long)(g / QueriesPerKv) * Tk;
    public int Tq { get; init; }
    public int Tk { get; init; }
    public int D { get; init; }
    public float Scale { get; init; }

    public bool Causal { get; init; }
    public int Window { get; init; }
    public int QueryOffset { get; init; }

    /// <summary>Padding mask [batch, Tk] (null without one); group g belongs to batch item g / GroupsPerBatch.</summary>
    public byte* KeyValid { get; init; }
    public int GroupsPerBatch { get; init; }

    /// <summary>First key visible to the query at absolute position <paramref name="p"/> (window), before padding.</summary>
    public int FirstKey(long p) => Window > 0 ? (int)Math.Clamp(p - Window + 1, 0, Tk) : 0;

    /// <summary>One past the last key visible to the query at absolute position <paramref name="p"/> (causal).</summary>
    public int EndKey(long p) => Causal ? (int)Math.Clamp(p + 1, 0, Tk) : Tk;

    /// <summary>The padding row of group <paramref name="g"/>: [Tk] bytes, nonzero for a real key; null without padding.</summary>
    public byte* ValidKeys(int g) => KeyValid == null ? null : KeyValid + (long)(g / GroupsPerBatch) * Tk;

    /// <summary>Whether any of keys [j0, j1) is a real token (a tile of padding only is skipped).</summary>
    public static bool AnyValid(byte* valid, int j0, int j1)
    {
        if (valid == null) return true;
        for (int j = j0; j < j1; j++)
            if (valid[j] != 0) return true;
        return false;
    }
}
