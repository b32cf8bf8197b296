using LlmForge.Autograd;

namespace LlmForge.Components;

/// <summary>
/// How token positions enter a transformer. An encoding acts in one of two places, and each method returns its
/// input unchanged where the encoding does not act:
/// <list type="bullet">
/// <item>on the embeddings, once before the first block: a learned table (GPT-2's wpe) or the original
/// transformer's sinusoids, added per position (<see cref="EncodeEmbeddings(Tensor, int)"/>);</item>
/// <item>on the queries and keys inside every attention layer: rotary embeddings turn q and k of every head by
/// a position-dependent angle (<see cref="EncodeQueryKey(Tensor, int)"/>), so scores depend on relative positions.</item>
/// </list>
/// Positions run from <c>startPosition</c> (0, or the length of a KV cache) to <c>startPosition + T − 1</c>.
/// </summary>
public interface IPositionalEncoding
{
    /// <summary>Token embeddings (B, T, C) → (B, T, C) with position information added (or unchanged).</summary>
    Tensor EncodeEmbeddings(Tensor embeddings, int startPosition);

    /// <summary>Queries or keys of every head (B, nh, T, hs) → (B, nh, T, hs), rotated (or unchanged).</summary>
    Tensor EncodeQueryKey(Tensor queryOrKey, int startPosition);

    /// <summary>
    /// Embeddings (B, T, C) whose rows sit at their own positions (padded prompts, a decoding step of a batch).
    /// The default calls <see cref="EncodeEmbeddings(Tensor, int)"/> once when every row has the same run of
    /// positions, and once per row (joined back along B) when each row is a run of its own.
    /// </summary>
    /// <exception cref="NotSupportedException">A row whose positions are not consecutive, for an encoding that does not override this.</exception>
    Tensor EncodeEmbeddings(Tensor embeddings, TokenPositions positions) =>
        PerRow.Apply(embeddings, positions, EncodeEmbeddings, GetType().Name);

    /// <summary>
    /// Queries or keys (B, nh, T, hs) whose rows sit at their own positions; the default is as for
    /// <see cref="EncodeEmbeddings(Tensor, TokenPositions)"/>.
    /// </summary>
    Tensor EncodeQueryKey(Tensor queryOrKey, TokenPositions positions) =>
        PerRow.Apply(queryOrKey, positions, EncodeQueryKey, GetType().Name);

    /// <summary>The default per-token encodings, built on the per-run ones.</summary>
    private static class PerRow
    {
        public static Tensor Apply(Tensor x, TokenPositions positions, Func<Tensor, int, Tensor> encode, string owner)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(positions);
            positions.Check(x.Shape[0], x.Shape[^2], owner);
            if (positions.CommonStart is int start) return encode(x, start);
            var rows = new Tensor[positions.Batch];
            for (int b = 0; b < rows.Length; b++)
            {
                int rowStart = positions.RowStart(b) ?? throw new NotSupportedException(
                    $"{owner}: row {b} has positions that are not consecutive; this encoding handles a run start, start + 1, … per row only.");
                rows[b] = encode(x.Narrow(0, b, 1), rowStart); // (1, …, T, ·)
            }
            return F.Concat(0, rows);
        }
    }
}
