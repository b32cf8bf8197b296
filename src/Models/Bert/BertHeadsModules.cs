using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Components;
using LlmForge.Layers;

namespace LlmForge.Bert;

/// <summary>HF bert.pooler: tanh(dense(h[CLS])), the sentence vector the classifier reads. Child: "dense".</summary>
public sealed class BertPooler : Module
{
    public BertPooler(ModuleInit init, int hiddenSize) => Dense = RegisterModule("dense", new Linear(init, hiddenSize, hiddenSize));

    public Linear Dense { get; }

    /// <summary>(B, T, C) → (B, C), from the first ([CLS]) position.</summary>
    public Tensor Forward(Tensor hidden)
    {
        ArgumentNullException.ThrowIfNull(hidden);
        int b = hidden.Shape[0], c = hidden.Shape[2];
        var cls = hidden.Narrow(1, 0, 1).Reshape(b, c); // (B, 1, C) → (B, C)
        return Dense.Forward(cls).Tanh();
    }
}

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
