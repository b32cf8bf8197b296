using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.Bert;

/// <summary>
/// HF cls.predictions: transform = dense + GELU + LayerNorm, then the decoder tied to the word embeddings
/// (logits = transform(h) · Eᵀ + bias). Parameters "transform.*", "norm.*", "bias"; the decoder weight is the
/// word embedding tensor itself, so both uses add into one gradient.
/// </summary>
public sealed class BertMlmHead : Module
{
    public BertMlmHead(ModuleInit init, BertConfig config, BertComponents components, Tensor wordEmbeddings)
    {
        ArgumentNullException.ThrowIfNull(init);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(components);
        ArgumentNullException.ThrowIfNull(wordEmbeddings);
        Activation = config.Activation;
        Transform = RegisterModule("transform", new Linear(init, config.HiddenSize, config.HiddenSize));
        Norm = RegisterComponent("norm", components.Normalization.Create(
            new NormalizationContext(init, config.HiddenSize) { Epsilon = config.LayerNormEpsilon }));
        Bias = RegisterParameter("bias", init.Zeros(config.VocabSize));
        DecoderWeight = wordEmbeddings;
    }

    public Linear Transform { get; }

    /// <summary>cls.predictions.transform.LayerNorm (or the configured norm).</summary>
    public INormalization Norm { get; }

    /// <summary>cls.predictions.bias [vocab].</summary>
    public Tensor Bias { get; }

    /// <summary>The word embeddings [vocab, C] (cls.predictions.decoder.weight, tied).</summary>
    public Tensor DecoderWeight { get; }

    public GeluApproximation Activation { get; }

    /// <summary>(.., C) → (.., vocab).</summary>
    public Tensor Forward(Tensor hidden)
    {
        var h = Norm.Forward(Transform.Forward(hidden).Gelu(Activation)); // (.., C)
        return h.Linear(DecoderWeight, Bias);                            // (.., vocab)
    }
}
