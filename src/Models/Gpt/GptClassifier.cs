using LlmForge.Autograd;
using LlmForge.Layers;

namespace LlmForge.Gpt;

/// <summary>
/// A GPT with a classification head on its last token (Raschka's chapter 6; Hugging Face's
/// GPT2ForSequenceClassification): the decoder's final-norm state of each row's last real token — the only position
/// that has seen the whole text under causal attention — through "score", a Linear [labels, C] without bias.
/// Children: "model" (the <see cref="GptModel"/>; its LM head is not used) and "score".
/// </summary>
public sealed class GptClassifier : Module
{
    /// <param name="model">The decoder (pretrained, typically).</param>
    /// <param name="labels">The classes, in class-id order (config.json's id2label).</param>
    /// <param name="padTokenId">pad_token_id: the id padding rows to one length (GPT-2 has none; its &lt;|endoftext|&gt; serves).</param>
    /// <param name="seed">Draws the new score weights, N(0, initializer_range²) as Hugging Face's init.</param>
    public GptClassifier(GptModel model, IReadOnlyList<string> labels, int padTokenId, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count < 2) throw new ArgumentException($"GptClassifier: a classifier needs two or more labels, got {labels.Count}.", nameof(labels));
        if (labels.Distinct(StringComparer.Ordinal).Count() != labels.Count)
            throw new ArgumentException($"GptClassifier: the labels ({string.Join(", ", labels)}) repeat one.", nameof(labels));
        ArgumentOutOfRangeException.ThrowIfNegative(padTokenId);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(padTokenId, model.Config.VocabSize);
        Model = RegisterModule("model", model);
        Labels = [.. labels];
        PadTokenId = padTokenId;
        var init = new ModuleInit(model.Backend, seed, model.Config.InitializerRange);
        Score = RegisterModule("score", new Linear(init, model.Config.EmbeddingDim, labels.Count, bias: false));
    }

    /// <summary>The decoder.</summary>
    public GptModel Model { get; }

    /// <summary>score: C → labels, weight [labels, C], no bias.</summary>
    public Linear Score { get; }

    /// <summary>The class names by class id.</summary>
    public IReadOnlyList<string> Labels { get; }

    /// <summary>The id rows are padded with (on the right).</summary>
    public int PadTokenId { get; }

    /// <summary>
    /// Class logits of right-padded rows: ids (B, T) with <paramref name="attentionMask"/> [B · T] (1 = token, 0 = padding;
    /// null = no padding) → (B, labels), each row's from its last real token.
    /// </summary>
    /// <exception cref="ArgumentException">Shapes as <see cref="GptModel.Forward(int[], int, int, int[])"/>, or a row without a token.</exception>
    public Tensor Logits(int[] ids, int batch, int seq, int[]? attentionMask = null)
    {
        var hidden = Model.HiddenStates(ids, batch, seq, attentionMask);        // (B, T, C)
        int c = Model.Config.EmbeddingDim;
        var last = LastTokenRows(attentionMask, batch, seq);                     // row b·T + t_b of (B·T)
        var pooled = hidden.Reshape(batch * seq, c).Embedding(last, batch);      // (B, C): a gather whose backward scatters
        return Score.Forward(pooled);                                            // (B, labels)
    }

    /// <summary>Mean cross-entropy of <see cref="Logits"/> against one class id per row.</summary>
    public Tensor Loss(int[] ids, int batch, int seq, int[]? attentionMask, int[] classIds)
    {
        ArgumentNullException.ThrowIfNull(classIds);
        if (classIds.Length != batch)
            throw new ArgumentException($"GptClassifier: {classIds.Length} class ids for a batch of {batch}.", nameof(classIds));
        foreach (int id in classIds)
            if ((uint)id >= (uint)Labels.Count)
                throw new ArgumentException($"GptClassifier: class id {id} is outside [0, {Labels.Count}).", nameof(classIds));
        return Logits(ids, batch, seq, attentionMask).CrossEntropy(classIds);
    }

    /// <summary>
    /// The flat index b·T + t of each row's last real token: the last position the mask marks 1 (right padding), or
    /// T − 1 without a mask — Hugging Face's sequence_lengths.
    /// </summary>
    public static int[] LastTokenRows(int[]? attentionMask, int batch, int seq)
    {
        var rows = new int[batch];
        for (int b = 0; b < batch; b++)
        {
            int t = seq - 1;
            if (attentionMask is not null)
            {
                while (t >= 0 && attentionMask[b * seq + t] == 0) t--;
                if (t < 0) throw new ArgumentException($"GptClassifier: row {b} of the attention mask has no token.", nameof(attentionMask));
            }
            rows[b] = b * seq + t;
        }
        return rows;
    }
}
