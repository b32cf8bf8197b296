using LlmForge.Autograd;
using LlmForge.Gpt;
using LlmForge.Layers;

namespace LlmForge.Generation;

/// <summary>
/// A <see cref="GptModel"/> seen as an <see cref="ICausalLanguageModel"/> that decodes incrementally (KV cache),
/// under a <see cref="KvCachePolicy"/>: dense (the default), recompute (the generator re-encodes the last window:
/// <see cref="ContextLength"/> is the window), window or sink (decoding without end at constant memory).
/// </summary>
public sealed class GptLanguageModel : IIncrementalLanguageModel
{
    /// <summary>A dense adapter: decoding as the model's <see cref="GptModel.CreateKvCache(int)"/> allows.</summary>
    public GptLanguageModel(GptModel model) : this(model, KvCachePolicy.Dense)
    {
    }

    /// <summary>An adapter whose decoding sessions keep what <paramref name="policy"/> says.</summary>
    /// <exception cref="ArgumentException">The policy does not fit the model (named key).</exception>
    public GptLanguageModel(GptModel model, KvCachePolicy policy)
    {
        Model = model ?? throw new ArgumentNullException(nameof(model));
        Model.CheckPolicy(policy);
        Policy = policy;
    }

    /// <summary>The decoder this adapter forwards to.</summary>
    public GptModel Model { get; }

    /// <summary>What each decoding session's cache keeps.</summary>
    public KvCachePolicy Policy { get; }

    /// <summary>The model's context length; a recompute policy's window (the tokens each prediction re-encodes).</summary>
    public int ContextLength => Policy.Kind == KvCacheKind.Recompute ? Policy.WindowFor(Model.Config.ContextLength) : Model.Config.ContextLength;

    /// <inheritdoc/>
    public bool IsTraining => Model.IsTraining;

    /// <inheritdoc/>
    public void Train(bool training) => Model.Train(training);

    /// <inheritdoc/>
    public Tensor Forward(int[] ids, int batch, int seq) => Model.Forward(ids, batch, seq);

    /// <inheritdoc/>
    public IDecodingSession StartDecoding(int batch) => new GptDecodingSession(Model, batch, Policy);
}

/// <see cref="GptModel"/> → <see cref="GptLanguageModel"/>, the form <see cref="TextGenerator"/> takes.
public static class GptLanguageModelExtensions
{
    /// <summary><c>new TextGenerator(model.AsLanguageModel(), …)</c>.</summary>
    public static GptLanguageModel AsLanguageModel(this GptModel model) => new(model);

    /// <summary><c>new TextGenerator(model.AsLanguageModel(policy), …)</c>: decoding under <paramref name="policy"/>.</summary>
    public static GptLanguageModel AsLanguageModel(this GptModel model, KvCachePolicy policy) => new(model, policy);
}
