using LlmForge.Autograd;
using LlmForge.Gpt;

namespace LlmForge.Generation;

/// <summary>A <see cref="GptModel"/> seen as an <see cref="ICausalLanguageModel"/> that decodes incrementally (KV cache).</summary>
public sealed class GptLanguageModel(GptModel model) : IIncrementalLanguageModel
{
    /// <summary>The decoder this adapter forwards to.</summary>
    public GptModel Model { get; } = model ?? throw new ArgumentNullException(nameof(model));

    /// <inheritdoc/>
    public int ContextLength => Model.Config.ContextLength;

    /// <inheritdoc/>
    public bool IsTraining => Model.IsTraining;

    /// <inheritdoc/>
    public void Train(bool training) => Model.Train(training);

    /// <inheritdoc/>
    public Tensor Forward(int[] ids, int batch, int seq) => Model.Forward(ids, batch, seq);

    /// <inheritdoc/>
    public IDecodingSession StartDecoding(int batch) => new GptDecodingSession(Model, batch);
}

/// <see cref="GptModel"/> → <see cref="GptLanguageModel"/>, the form <see cref="TextGenerator"/> takes.
public static class GptLanguageModelExtensions
{
    /// <summary><c>new TextGenerator(model.AsLanguageModel(), …)</c>.</summary>
    public static GptLanguageModel AsLanguageModel(this GptModel model) => new(model);
}
