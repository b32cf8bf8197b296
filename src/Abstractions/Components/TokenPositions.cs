namespace LlmForge.Components;

/// <summary>
/// The absolute position of every token of a (B, T) batch, when the rows do not all run start … start + T − 1:
/// a batch of prompts of different lengths (padding) or one decoding step of such a batch, where each sequence
/// is at its own position. Hugging Face calls it position_ids.
/// </summary>
/// <param name="Batch">B.</param>
/// <param name="Length">T, tokens per row.</param>
/// <param name="Positions">[B · T] row-major: the position of token t of row b (padding gets any valid position, 0 here).</param>
/// <param name="Valid">[B · T]: nonzero where the token is real, 0 for padding; null when every token is real.</param>
public sealed record TokenPositions(int Batch, int Length, int[] Positions, byte[]? Valid = null)
{
    /// <summary>Every row at start, start + 1, …, start + T − 1, no padding.</summary>
    public static TokenPositions Uniform(int batch, int length, int start)
    {
        var positions = new int[checked(batch * length)];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < length; t++) positions[b * length + t] = start + t;
        return new(batch, length, positions);
    }

    /// <summary>Position of token <paramref name="t"/> of row <paramref name="b"/>.</summary>
    public int At(int b, int t) => Positions[b * Length + t];

    /// <summary>Whether token <paramref name="t"/> of row <paramref name="b"/> is real (not padding).</summary>
    public bool IsValid(int b, int t) => Valid is null || Valid[b * Length + t] != 0;

    /// <summary>
    /// The start when every row runs start, start + 1, … (the case the plain <c>int startPosition</c> overloads
    /// cover); null otherwise.
    /// </summary>
    public int? CommonStart
    {
        get
        {
            if (Positions.Length == 0) return 0;
            int start = Positions[0];
            for (int b = 0; b < Batch; b++)
                for (int t = 0; t < Length; t++)
                    if (Positions[b * Length + t] != start + t) return null;
            return start;
        }
    }

    /// <summary>The start of row <paramref name="b"/> when it runs start, start + 1, …; null otherwise.</summary>
    public int? RowStart(int b)
    {
        if (Length == 0) return 0;
        int start = At(b, 0);
        for (int t = 1; t < Length; t++)
            if (At(b, t) != start + t) return null;
        return start;
    }

    /// <summary>Throws unless the sizes agree with each other and with a (B, T) batch.</summary>
    public void Check(int batch, int length, string owner)
    {
        if (Batch != batch || Length != length || Positions.Length != (long)batch * length || Valid is { } v && v.Length != Positions.Length)
            throw new ArgumentException(
                $"{owner}: token positions for ({Batch}, {Length}) with {Positions.Length} positions and {Valid?.Length.ToString() ?? "no"} validity flags do not fit a ({batch}, {length}) batch.");
        foreach (int p in Positions)
            if (p < 0) throw new ArgumentException($"{owner}: token positions must be ≥ 0, got {p}.");
    }
}
