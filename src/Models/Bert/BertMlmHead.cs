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
    /// <summary>
    /// Builds the head of <paramref name="config"/> whose decoder is <paramref name="wordEmbeddings"/> [vocab, C]
    /// itself (tied: not a copy), with the norm of <paramref name="components"/>.
    /// </summary>
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

    /// <summary>cls.predictions.transform.dense: [C, C] weight and [C] bias, applied before the GELU.</summary>
    public Linear Transform { get; }

    /// <summary>cls.predictions.transform.LayerNorm (or the configured norm).</summary>
    public INormalization Norm { get; }

    /// <summary>cls.predictions.bias [vocab].</summary>
    public Tensor Bias { get; }

    /// <summary>The word embeddings [vocab, C] (cls.predictions.decoder.weight, tied).</summary>
    public Tensor DecoderWeight { get; }

    /// <summary>The GELU of the transform (hidden_act: erf for BERT, tanh if the config says gelu_new).</summary>
    public GeluApproximation Activation { get; }

    /// <summary>(.., C) → (.., vocab).</summary>
    public Tensor Forward(Tensor hidden)
    {
        var h = Norm.Forward(Transform.Forward(hidden).Gelu(Activation)); // (.., C)
        return h.Linear(DecoderWeight, Bias);                            // (.., vocab)
    }
}
