namespace LlmForge.Hosting;

/// <summary>The values of a variant's <c>Architecture</c> key.</summary>
public static class ModelArchitectures
{
    /// <summary>A GPT-2-style decoder (<see cref="Gpt.GptModel"/>), causal attention.</summary>
    public const string Gpt = "gpt";

    /// <summary>A BERT encoder (<see cref="Bert.BertModel"/>), bidirectional attention, trained by masked-LM.</summary>
    public const string Bert = "bert";

    /// <summary>
    /// An encoder-decoder translator (<see cref="EncoderDecoder.EncoderDecoderModel"/>, MarianMT's layout): Layers encoder
    /// and DecoderLayers decoder blocks, fixed sinusoids, source/target/output embeddings shared.
    /// </summary>
    public const string EncoderDecoder = "encoder-decoder";

    /// <summary>
    /// A Llama-family decoder: a <see cref="Gpt.GptModel"/> saved in Hugging Face's LlamaForCausalLM layout (model_type
    /// "llama"), which needs RMSNorm, rotary positions and a gated feed-forward (Activation "swiglu"); KvHeads gives
    /// grouped-query attention, QkvBias becomes attention_bias (q, k, v and o).
    /// </summary>
    public const string Llama = "llama";

    /// <summary>Every valid Architecture value, for "valid values" messages.</summary>
    public static IReadOnlyList<string> All { get; } = [Gpt, Bert, Llama, EncoderDecoder];
}
