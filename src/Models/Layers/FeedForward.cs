using LlmForge.Autograd;
using LlmForge.Backends;

namespace LlmForge.Layers;

/// <summary>
/// The position-wise MLP of a transformer block: emb_dim → hidden (4·emb_dim in GPT-2) → activation → emb_dim,
/// GELU by default (ReLU or SiLU as <see cref="ActivationFunction"/> selects).
/// Parameters "layers.0.weight/bias" (GPT-2's mlp.c_fc) and "layers.2.weight/bias" (mlp.c_proj).
/// </summary>
public sealed class FeedForward : Module, IFeedForward
{
    /// <param name="projectionStd">
    /// Init std of the output projection; GPT-2 scales it by 1/√(2·n_layer) because it feeds the residual stream.
    /// </param>
    /// <param name="init">The parameters' backend and random initialization.</param>
    /// <param name="embeddingDim">C, the width of input and output.</param>
    /// <param name="hiddenDim">The hidden width (4·C in GPT-2).</param>
    /// <param name="activation">The GELU form (GPT-2: tanh approximation; BERT: exact erf).</param>
    public FeedForward(ModuleInit init, int embeddingDim, int hiddenDim,
        GeluApproximation activation = GeluApproximation.Tanh, float? projectionStd = null)
        : this(init, embeddingDim, hiddenDim, ActivationFunctions.FromGelu(activation), projectionStd)
    {
    }

    /// <param name="projectionStd">
    /// Init std of the output projection; GPT-2 scales it by 1/√(2·n_layer) because it feeds the residual stream.
    /// </param>
    /// <param name="init">The parameters' backend and random initialization.</param>
    /// <param name="embeddingDim">C, the width of input and output.</param>
    /// <param name="hiddenDim">The hidden width (4·C in GPT-2).</param>
    /// <param name="activation">The function between the two linears (GPT-2: <see cref="ActivationFunction.GeluTanh"/>).</param>
    public FeedForward(ModuleInit init, int embeddingDim, int hiddenDim, ActivationFunction activation, float? projectionStd = null)
    {
        ArgumentNullException.ThrowIfNull(init);
        Fc = new Linear(init, embeddingDim, hiddenDim);
        Projection = new Linear(init, hiddenDim, embeddingDim, std: projectionStd);
        Activation = new Activation(activation);
        Layers = RegisterModule("layers", new Sequential(Fc, Activation, Projection));
    }

    /// <summary>layers.0: emb_dim → hidden.</summary>
    public Linear Fc { get; }

    /// <summary>layers.2: hidden → emb_dim.</summary>
    public Linear Projection { get; }

    /// <summary>layers.1: the activation between them.</summary>
    public Activation Activation { get; }

    /// <summary>The three layers in order; <c>Layers.Forward</c> runs them one by one (the unfused reference path).</summary>
    public Sequential Layers { get; }

    /// <inheritdoc/>
    public int EmbeddingDim => Fc.InFeatures;

    /// <inheritdoc/>
    public int HiddenDim => Fc.OutFeatures;

    /// <summary>
    /// (B, T, C) → (B, T, C). With a GELU, the first linear and the GELU run as one fused op
    /// (<see cref="F.LinearGelu(Tensor, Tensor, Tensor, GeluApproximation)"/>, bias + GELU in one pass), then the
    /// projection; equal to <c>Layers.Forward</c> to float rounding. Other activations run the layers one by one.
    /// </summary>
    public Tensor Forward(Tensor x) => Fc.Bias is not null && ActivationFunctions.AsGelu(Activation.Function) is { } gelu
        ? Projection.Forward(Fc.ForwardGelu(x, gelu)) // (B, T, hidden) → (B, T, C)
        : Layers.Forward(x);
}
