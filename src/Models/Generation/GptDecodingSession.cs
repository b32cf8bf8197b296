using LlmForge.Autograd;
using LlmForge.Gpt;

namespace LlmForge.Generation;

/// <summary>A <see cref="GptModel"/>'s incremental decoding: <see cref="GptModel.ForwardIncremental"/> against a <see cref="GptKvCache"/>.</summary>
public sealed class GptDecodingSession(GptModel model, int batch) : IDecodingSession
{
    private readonly GptModel _model = model ?? throw new ArgumentNullException(nameof(model));

    /// <summary>The caches of every block.</summary>
    public GptKvCache Cache { get; } = model.CreateKvCache(batch);

    /// <inheritdoc/>
    public int Batch => Cache.Batch;

    /// <inheritdoc/>
    public int Length => Cache.Length;

    /// <inheritdoc/>
    public int Remaining => Cache.Remaining;

    /// <inheritdoc/>
    public Tensor Append(int[] ids, int seq, int[]? attentionMask = null)
    {
        var logits = _model.ForwardIncremental(ids, Batch, seq, Cache, attentionMask, lastTokenOnly: true); // (B, 1, vocab)
        return logits.Reshape(Batch, logits.Shape[2]);                                                     // (B, vocab)
    }

    /// <inheritdoc/>
    public void Reset() => Cache.Reset();
}
