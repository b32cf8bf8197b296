using LlmForge.Autograd;

namespace LlmForge.Layers;

/// <summary>
/// A gated feed-forward (Shazeer 2020, "GLU Variants Improve Transformer"): down(act(gate(x)) ⊙ up(x)). With SiLU it
/// is SwiGLU (Llama, Mistral, Qwen), with GELU GeGLU (Gemma). Parameters as Hugging Face Llama's mlp:
/// "gate_proj.weight" [H, C], "up_proj.weight" [H, C], "down_proj.weight" [C, H], no biases unless asked
/// (Llama's mlp_bias). Three matrices instead of two: a hidden width H of about ⅔·4C has the parameters of a 4C MLP.
/// </summary>
public sealed class GatedFeedForward : Module, IFeedForward
{
    /// <param name="init">The parameters' backend and random initialization.</param>
    /// <param name="embeddingDim">C, the width of input and output.</param>
    /// <param name="hiddenDim">H, the width of the gate and the up projection (Llama's intermediate_size).</param>
    /// <param name="activation">The gate's function: <see cref="ActivationFunction.Silu"/> (SwiGLU) or a GELU (GeGLU).</param>
    /// <param name="bias">Whether the three linears have biases (mlp_bias; Llama: false).</param>
    /// <param name="projectionStd">Init std of down_proj, which feeds the residual stream; null = the init's default.</param>
    public GatedFeedForward(ModuleInit init, int embeddingDim, int hiddenDim,
        ActivationFunction activation = ActivationFunction.Silu, bool bias = false, float? projectionStd = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        Gate = RegisterModule("gate_proj", new Linear(init, embeddingDim, hiddenDim, bias));
        Up = RegisterModule("up_proj", new Linear(init, embeddingDim, hiddenDim, bias));
        Down = RegisterModule("down_proj", new Linear(init, hiddenDim, embeddingDim, bias, projectionStd));
        Activation = activation;
    }

    /// <summary>gate_proj: C → H, through the activation.</summary>
    public Linear Gate { get; }

    /// <summary>up_proj: C → H, the linear branch the gate multiplies.</summary>
    public Linear Up { get; }

    /// <summary>down_proj: H → C.</summary>
    public Linear Down { get; }

    /// <summary>The gate's function.</summary>
    public ActivationFunction Activation { get; }

    /// <inheritdoc/>
    public int EmbeddingDim => Gate.InFeatures;

    /// <inheritdoc/>
    public int HiddenDim => Gate.OutFeatures;

    /// <summary>(B, T, C) → (B, T, C): down(act(gate(x)) ⊙ up(x)), the product element-wise on (B, T, H).</summary>
    public Tensor Forward(Tensor x)
    {
        // act(gate) ⊙ up in one fused op: no (B, T, H) act(gate) tensor, one kernel each way.
        var gated = Gate.Forward(x).GatedActivation(Up.Forward(x), ActivationFunctions.AsGate(Activation)); // (B, T, H)
        return Down.Forward(gated);                                                                         // (B, T, C)
    }
}
