using LlmForge.Autograd;
using LlmForge.Layers;

namespace LlmForge.Bert;

/// <summary>HF bert.pooler: tanh(dense(h[CLS])), the sentence vector the classifier reads. Child: "dense".</summary>
public sealed class BertPooler : Module
{
    /// <summary>Builds the pooler's [C, C] dense layer, C = <paramref name="hiddenSize"/>.</summary>
    public BertPooler(ModuleInit init, int hiddenSize) => Dense = RegisterModule("dense", new Linear(init, hiddenSize, hiddenSize));

    /// <summary>bert.pooler.dense: [C, C] weight and [C] bias, applied to the [CLS] state before the tanh.</summary>
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
