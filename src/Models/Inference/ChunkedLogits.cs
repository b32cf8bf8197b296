using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.EncoderDecoder;
using LlmForge.Gpt;

namespace LlmForge.Inference;

/// <summary>
/// Logits of a large batch, computed a chunk of rows at a time and handed on in row order (to a file, usually an
/// <see cref="Checkpoints.NpyWriter{T}"/>), so that peak memory is one chunk's activations and logits however many
/// rows there are: a 20,000 × 64 batch of GPT-2 ids holds 256 GB of logits at once otherwise. Rows are
/// independent (no op mixes them), so the chunks' logits are those of the whole batch.
/// </summary>
public static class ChunkedLogits
{
    /// <summary>Logit values per chunk when the caller does not choose: 16 M floats, 64 MB.</summary>
    public const long DefaultChunkValues = 1L << 24;

    /// <summary>Rows per chunk so that a chunk's logits [rows, seq, vocab] stay within <paramref name="values"/> (at least one row).</summary>
    public static int RowsPerChunk(int seq, int vocab, long values = DefaultChunkValues)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(seq);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(vocab);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(values);
        return (int)Math.Clamp(values / ((long)seq * vocab), 1, int.MaxValue);
    }

    /// <summary>
    /// GPT logits of ids [batch, seq] (with an optional attention_mask of the same shape, see
    /// <see cref="GptModel.Forward(int[], int, int, int[])"/>): <paramref name="write"/> receives each chunk's
    /// [rows, seq, vocab] values in order. <paramref name="rowsPerChunk"/> 0 picks <see cref="RowsPerChunk"/>.
    /// Runs without a graph; the model should be in eval mode (dropout off).
    /// </summary>
    public static void Gpt(GptModel model, int[] ids, int batch, int seq, int[]? attentionMask, Action<ReadOnlySpan<float>> write, int rowsPerChunk = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(ids);
        ArgumentNullException.ThrowIfNull(write);
        if (ids.Length != (long)batch * seq)
            throw new ArgumentException($"ChunkedLogits: {ids.Length} token ids do not fill batch {batch} × seq {seq}.", nameof(ids));
        GptAttentionMask.ToKeyValid(attentionMask, batch, seq); // the whole mask's errors before any chunk runs
        Run(batch, Rows(rowsPerChunk, seq, model.Config.VocabSize), write, (start, rows) =>
            model.Forward(ids[(start * seq)..((start + rows) * seq)], rows, seq, attentionMask?[(start * seq)..((start + rows) * seq)]));
    }

    /// <summary>BERT masked-LM logits of <paramref name="input"/>, chunk by chunk as <see cref="Gpt"/>.</summary>
    public static void BertMaskedLM(BertModel model, BertInput input, Action<ReadOnlySpan<float>> write, int rowsPerChunk = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(write);
        int seq = input.SequenceLength;
        input.Validate(model.Config.MaxPositions, model.Config.TypeVocabSize); // the whole batch's errors first
        Run(input.Batch, Rows(rowsPerChunk, seq, model.Config.VocabSize), write, (start, rows) =>
        {
            Range r = (start * seq)..((start + rows) * seq);
            return model.MaskedLMLogits(new BertInput(input.InputIds[r], rows, seq, input.TokenTypeIds?[r], input.AttentionMask?[r]));
        });
    }

    /// <summary>
    /// Encoder-decoder logits of <paramref name="input"/> — the decoder's [rows, T_dec, vocab] for each chunk of source
    /// rows and their decoder_input_ids — in order, as <see cref="Gpt"/>.
    /// </summary>
    public static void Seq2Seq(EncoderDecoderModel model, Seq2SeqInput input, Action<ReadOnlySpan<float>> write, int rowsPerChunk = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(write);
        input.Validate(model.Config); // the whole batch's errors first
        int s = input.SourceLength, t = input.TargetLength;
        Run(input.Batch, Rows(rowsPerChunk, t, model.Config.VocabSize), write, (start, rows) => model.Forward(new Seq2SeqInput(
            input.InputIds[(start * s)..((start + rows) * s)], rows, s, input.DecoderInputIds[(start * t)..((start + rows) * t)], t,
            input.AttentionMask?[(start * s)..((start + rows) * s)])));
    }

    private static int Rows(int rowsPerChunk, int seq, int vocab)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rowsPerChunk);
        return rowsPerChunk > 0 ? rowsPerChunk : RowsPerChunk(seq, vocab);
    }

    private static void Run(int batch, int rowsPerChunk, Action<ReadOnlySpan<float>> write, Func<int, int, Tensor> forward)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batch);
        using (GradMode.NoGrad())
        {
            for (int start = 0; start < batch; start += rowsPerChunk)
            {
                int rows = Math.Min(rowsPerChunk, batch - start);
                var logits = forward(start, rows); // (rows, T, vocab)
                write(logits.Data.AsSpan(0, checked((int)logits.Length)));
            }
        }
    }
}
