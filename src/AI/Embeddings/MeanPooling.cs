namespace LlmForge.AI.Embeddings;

/// <summary>
/// Sentence embeddings from an encoder's hidden states: the mean over each row's real tokens (attention mask 1), as
/// sentence-transformers' mean pooling, optionally scaled to unit L2 norm. Padding never contributes.
/// </summary>
public static class MeanPooling
{
    /// <summary>hidden (B, T, C) row-major, mask [B · T] → B vectors of C.</summary>
    /// <exception cref="ArgumentException">Sizes that do not match, or a row without a real token.</exception>
    public static float[][] Pool(ReadOnlySpan<float> hidden, ReadOnlySpan<int> mask, int batch, int seq, int width, bool normalize)
    {
        if (hidden.Length != (long)batch * seq * width || mask.Length != batch * seq)
            throw new ArgumentException($"MeanPooling: hidden has {hidden.Length} values and mask {mask.Length} for (B {batch}, T {seq}, C {width}).");
        var result = new float[batch][];
        var sum = new double[width];
        for (int b = 0; b < batch; b++)
        {
            Array.Clear(sum);
            int count = 0;
            for (int t = 0; t < seq; t++)
            {
                if (mask[b * seq + t] == 0) continue;
                count++;
                var row = hidden.Slice((b * seq + t) * width, width); // (C)
                for (int c = 0; c < width; c++) sum[c] += row[c];
            }
            if (count == 0) throw new ArgumentException($"MeanPooling: row {b} has no real token (its attention mask is all 0).", nameof(mask));
            double norm = 0;
            for (int c = 0; c < width; c++) { sum[c] /= count; norm += sum[c] * sum[c]; }
            double scale = normalize && norm > 0 ? 1 / Math.Sqrt(norm) : 1;
            var vector = result[b] = new float[width];
            for (int c = 0; c < width; c++) vector[c] = (float)(sum[c] * scale);
        }
        return result;
    }
}
