using LlmForge.Autograd;
using LlmForge.Components;

namespace LlmForge.EncoderDecoder;

/// <summary>
/// Beam search decoding of an <see cref="EncoderDecoderModel"/>, as transformers' generate(num_beams=K) runs it for an
/// opus-mt config (BeamSearchScorer): each input keeps K beams; at each step every beam's next-token log-probabilities
/// (the pad logit masked before the log-softmax, as MarianMTModel's adjust_logits_during_generation) are added to its
/// running sum, the top 2K of the K × V sums are taken in order, an eos among the first K of them closes a hypothesis
/// (<see cref="BeamHypotheses"/>), and the best other candidates become the K beams of the next step. An input stops
/// by <see cref="BeamSearchOptions.EarlyStopping"/> or after <see cref="BeamSearchOptions.MaxNewTokens"/>; then its
/// running beams join the hypotheses and the best one is returned.
/// </summary>
/// <remarks>
/// The source is encoded once per input. The first step decodes one row per input (every beam starts from the same
/// decoder start token), which projects the cross-attention's keys and values once per input; the memory and the
/// decoder's KV cache are then copied to each input's K beams, the cache follows the chosen beams after every step
/// (<see cref="DecoderKvCache.SelectRows"/>), and an input that is done leaves the batch. transformers'
/// forced_eos_token_id is not applied (nor by <see cref="GreedyTranslation"/>): a translation cut at the limit ends
/// with its last token.
/// </remarks>
public static class BeamSearch
{
    /// <summary>
    /// The best hypothesis of each source, one row per source: decoder_start_token_id, the generated tokens, eos when
    /// it ended with one (and fits), then pad up to the longest row, as transformers' sequences; with its score.
    /// </summary>
    /// <param name="model">The translator.</param>
    /// <param name="inputIds">input_ids (B, S), row-major.</param>
    /// <param name="batch">B.</param>
    /// <param name="sourceLength">S.</param>
    /// <param name="attentionMask">attention_mask (B, S), nonzero for real tokens; null: no padding.</param>
    /// <param name="options">Beams, length penalty, early stopping, max new tokens, KV cache.</param>
    /// <exception cref="ArgumentException">Invalid options, inputs that do not fit the model, or more tokens than max_position_embeddings.</exception>
    public static BeamSearchResult Generate(EncoderDecoderModel model, int[] inputIds, int batch, int sourceLength, int[]? attentionMask,
        BeamSearchOptions options)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var config = model.Config;
        if (options.MaxNewTokens + 1 > config.MaxPositions)
            throw new ArgumentException(
                $"BeamSearch: {options.MaxNewTokens} new tokens after the start token exceed max_position_embeddings {config.MaxPositions}.",
                nameof(options));
        int k = options.NumBeams, v = config.VocabSize;
        var source = new Seq2SeqInput(inputIds, batch, sourceLength, Enumerable.Repeat(config.DecoderStartTokenId, batch).ToArray(), 1, attentionMask);
        source.Validate(config);

        var hypotheses = new BeamHypotheses[batch];
        var beams = new int[batch][][];       // [input][beam]: decoder start + tokens so far
        var sums = new double[batch][];       // [input][beam]: their summed log-probabilities
        for (int b = 0; b < batch; b++)
        {
            hypotheses[b] = new BeamHypotheses(k, options.LengthPenalty, options.EarlyStopping, options.MaxNewTokens);
            beams[b] = [.. Enumerable.Repeat(new[] { config.DecoderStartTokenId }, k)];
            sums[b] = [.. Enumerable.Range(0, k).Select(beam => beam == 0 ? 0 : -1e9)]; // only beam 0 is live at first
        }

        using var noGrad = GradMode.NoGrad();
        var memory = model.Encode(inputIds, batch, sourceLength, source.SourceKeyValid(), cacheProjections: true); // (B, S, C), once
        var cache = options.UseCache ? model.CreateDecoderCache() : null;
        var active = Enumerable.Range(0, batch).ToList(); // inputs not done, in row order
        int width = 1;                                     // rows per active input: 1 at the first step, then K
        var logProbs = new double[v];
        for (int step = 0; step < options.MaxNewTokens && active.Count > 0; step++)
        {
            int generated = step + 1; // tokens after the start once this step's is appended
            var logits = DecodeStep(model, beams, active, width, memory, cache);    // (rows, V), row = active index · width + beam
            var nextRows = new List<int>(active.Count * k);
            var stillActive = new List<int>(active.Count);
            for (int a = 0; a < active.Count; a++)
            {
                int b = active[a];
                var candidates = TopCandidates(logits, a * width, width, k, v, sums[b], config.PadTokenId, logProbs); // 2K, best first
                var (nextBeams, nextSums, rows) = (new int[k][], new double[k], new int[k]);
                int filled = 0;
                for (int rank = 0; rank < candidates.Length && filled < k; rank++)
                {
                    var (score, beam, token) = candidates[rank];
                    if (token == config.EosTokenId)
                    {
                        if (rank < k) hypotheses[b].Add(beams[b][beam], score, generated); // an eos outside the top K is not a hypothesis
                        continue;
                    }
                    nextBeams[filled] = [.. beams[b][beam], token];
                    nextSums[filled] = score;
                    rows[filled++] = a * width + (width == 1 ? 0 : beam);
                }
                (beams[b], sums[b]) = (nextBeams, nextSums);
                if (hypotheses[b].IsDone(candidates[0].Score, generated)) continue; // done: leaves the batch
                stillActive.Add(b);
                nextRows.AddRange(rows);
            }
            bool layoutChanged = width == 1 || stillActive.Count != active.Count;
            (active, width) = (stillActive, k);
            if (active.Count == 0) break;
            cache?.SelectRows(nextRows.ToArray());                               // follow the chosen beams
            if (layoutChanged) memory = memory.SelectRows(nextRows.ToArray());   // a beam's source rows: its input's, projections kept
        }

        var best = new (double Score, int[] Tokens)[batch];
        for (int b = 0; b < batch; b++)
        {
            if (active.Contains(b)) // stopped by the length limit: the running beams compete with the finished ones
                for (int beam = 0; beam < k; beam++) hypotheses[b].Add(beams[b][beam], sums[b][beam], beams[b][beam].Length - 1);
            best[b] = hypotheses[b].Best();
        }
        return Assemble(best, options.MaxNewTokens, config.EosTokenId, config.PadTokenId);
    }

    /// <summary>
    /// The decoder's next-token logits (rows, V) of every active beam (row = active index · width + beam): with the cache
    /// only the last token goes in, without it the whole prefix again.
    /// </summary>
    private static float[] DecodeStep(EncoderDecoderModel model, int[][][] beams, List<int> active, int width, AttentionMemory memory,
        DecoderKvCache? cache)
    {
        int rows = active.Count * width, length = cache is null ? beams[active[0]][0].Length : 1, v = model.Config.VocabSize;
        var ids = new int[rows * length];
        for (int a = 0; a < active.Count; a++)
            for (int beam = 0; beam < width; beam++)
            {
                int[] tokens = beams[active[a]][beam];
                tokens.AsSpan(tokens.Length - length).CopyTo(ids.AsSpan((a * width + beam) * length));
            }
        var logits = model.Decode(ids, rows, length, memory, cache).ToArray(); // (rows, length, V)
        if (length == 1) return logits;
        var last = new float[rows * v];
        for (int r = 0; r < rows; r++) logits.AsSpan(((r + 1) * length - 1) * v, v).CopyTo(last.AsSpan(r * v));
        return last;
    }

    /// <summary>
    /// The 2K best (running sum + log-probability, beam, token) of one input's K beams × V tokens, best first, the lower
    /// beam·V + token first among equal sums; the pad token is never a candidate. With <paramref name="width"/> 1 (the
    /// first step) every beam reads the input's one row.
    /// </summary>
    private static (double Score, int Beam, int Token)[] TopCandidates(float[] logits, int firstRow, int width, int k, int v, double[] sums,
        int pad, double[] logProbs)
    {
        var top = new List<(double Score, int Beam, int Token)>(2 * k + 1);
        for (int beam = 0; beam < k; beam++)
        {
            if (beam == 0 || width > 1) LogSoftmaxExcept(logits.AsSpan((firstRow + (width > 1 ? beam : 0)) * v, v), pad, logProbs);
            for (int token = 0; token < v; token++)
            {
                if (token == pad) continue;
                double score = sums[beam] + logProbs[token];
                if (top.Count == 2 * k && score <= top[^1].Score) continue;
                int at = top.Count;
                while (at > 0 && top[at - 1].Score < score) at--; // after equal sums: the earlier index stays first
                top.Insert(at, (score, beam, token));
                if (top.Count > 2 * k) top.RemoveAt(2 * k);
            }
        }
        return [.. top];
    }

    /// <summary>log softmax of <paramref name="logits"/> over every token but <paramref name="excluded"/> (−∞), in double.</summary>
    private static void LogSoftmaxExcept(ReadOnlySpan<float> logits, int excluded, double[] logProbs)
    {
        double max = double.NegativeInfinity, sum = 0;
        for (int i = 0; i < logits.Length; i++)
            if (i != excluded && logits[i] > max) max = logits[i];
        for (int i = 0; i < logits.Length; i++)
            if (i != excluded) sum += Math.Exp(logits[i] - max);
        double logSum = max + Math.Log(sum);
        for (int i = 0; i < logits.Length; i++) logProbs[i] = i == excluded ? double.NegativeInfinity : logits[i] - logSum;
    }

    /// <summary>transformers' finalize: each best hypothesis, eos appended when it fits, pad up to the longest row.</summary>
    private static BeamSearchResult Assemble((double Score, int[] Tokens)[] best, int maxNewTokens, int eos, int pad)
    {
        int width = Math.Min(best.Max(b => b.Tokens.Length) + 1, maxNewTokens + 1);
        var sequences = new int[best.Length][];
        for (int b = 0; b < best.Length; b++)
        {
            var row = new int[width];
            Array.Fill(row, pad);
            best[b].Tokens.CopyTo(row, 0);
            if (best[b].Tokens.Length < width) row[best[b].Tokens.Length] = eos;
            sequences[b] = row;
        }
        return new BeamSearchResult(sequences, [.. best.Select(b => b.Score)]);
    }
}
