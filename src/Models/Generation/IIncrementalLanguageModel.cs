namespace LlmForge.Generation;

/// <summary>
/// A decoder that can also decode incrementally with a KV cache: a prefill over the prompt, then one token per
/// row per step, each step costing one token's work instead of the whole context's. <see cref="TextGenerator"/>
/// uses it when the model offers it (and <see cref="TextGenerator.UseKvCache"/> is on).
/// </summary>
public interface IIncrementalLanguageModel : ICausalLanguageModel
{
    /// <summary>An empty decoding state for <paramref name="batch"/> rows.</summary>
    IDecodingSession StartDecoding(int batch);
}
