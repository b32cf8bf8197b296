using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Generation;

namespace LlmForge.Tests.Generation;

/// <summary>
/// A scripted <see cref="ICausalLanguageModel"/>: the logits at each position are <c>next(prefix)</c>.
/// It records every context it is run on and the grad/training mode it saw.
/// </summary>
internal sealed class FakeLanguageModel(int vocab, int contextLength, Func<IReadOnlyList<int>, float[]> next) : ICausalLanguageModel
{
    private static readonly ManagedBackend Backend = new();

    public int ContextLength { get; } = contextLength;

    public bool IsTraining { get; private set; } = true;

    public List<int[]> Contexts { get; } = [];

    public List<(bool GradEnabled, bool Training)> Modes { get; } = [];

    public void Train(bool training) => IsTraining = training;

    public Tensor Forward(int[] ids, int batch, int seq)
    {
        if (seq > ContextLength) throw new ArgumentException($"seq {seq} > context {ContextLength}");
        Contexts.Add([.. ids]);
        Modes.Add((GradMode.IsEnabled, IsTraining));
        var data = new float[batch * seq * vocab];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < seq; t++)
                next(ids[(b * seq)..(b * seq + t + 1)]).CopyTo(data, (b * seq + t) * vocab);
        return Tensor.FromArray(Backend, data, batch, seq, vocab);
    }

    /// <summary>Logits whose argmax is (last token + 1) mod vocab.</summary>
    public static FakeLanguageModel Counting(int vocab, int contextLength) => new(vocab, contextLength, prefix =>
    {
        var logits = new float[vocab];
        logits[(prefix[^1] + 1) % vocab] = 5;
        return logits;
    });

    /// <summary>The same logits at every position.</summary>
    public static FakeLanguageModel Constant(float[] logits, int contextLength = 8) =>
        new(logits.Length, contextLength, _ => logits);
}
