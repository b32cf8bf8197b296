using LlmForge.Autograd;
using LlmForge.Generation;

namespace LlmForge.Tests.Generation;

/// <summary>An incremental model that counts how it is used: full forwards, and tokens appended to sessions.</summary>
internal sealed class CountingLanguageModel(IIncrementalLanguageModel inner) : IIncrementalLanguageModel
{
    public int Forwards { get; private set; }

    public List<int> AppendedLengths { get; } = [];

    public int ContextLength => inner.ContextLength;

    public bool IsTraining => inner.IsTraining;

    public void Train(bool training) => inner.Train(training);

    public Tensor Forward(int[] ids, int batch, int seq)
    {
        Forwards++;
        return inner.Forward(ids, batch, seq);
    }

    public IDecodingSession StartDecoding(int batch) => new Session(this, inner.StartDecoding(batch));

    private sealed class Session(CountingLanguageModel owner, IDecodingSession inner) : IDecodingSession
    {
        public int Batch => inner.Batch;

        public int Length => inner.Length;

        public int Remaining => inner.Remaining;

        public Tensor Append(int[] ids, int seq, int[]? attentionMask = null)
        {
            owner.AppendedLengths.Add(seq);
            return inner.Append(ids, seq, attentionMask);
        }

        public void Reset() => inner.Reset();
    }
}
