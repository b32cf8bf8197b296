using LlmForge.Autograd;
using LlmForge.Gpt;

namespace LlmForge.Generation;

/// <summary>A <see cref="GptModel"/> seen as an <see cref="ICausalLanguageModel"/> that decodes incrementally (KV cache).</summary>
public sealed class GptLanguageModel(GptModel model) : IIncrementalLanguageModel
{
    public GptModel Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    public int ContextLength => Model.Config.ContextLength;

    public bool IsTraining => Model.IsTraining;

    public void Train(bool training) => Model.Train(training);

    public Tensor Forward(int[] ids, int batch, int seq) => Model.Forward(ids, batch, seq);

    public IDecodingSession StartDecoding(int batch) => new GptDecodingSession(Model, batch);
}

public static class GptLanguageModelExtensions
{
    /// <summary><c>new TextGenerator(model.AsLanguageModel(), …)</c>.</summary>
    public static GptLanguageModel AsLanguageModel(this GptModel model) => new(model);
}
