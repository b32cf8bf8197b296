namespace LlmForge.Backends;

/// <summary>Which GELU: GPT-2's tanh approximation or BERT's exact erf form.</summary>
public enum GeluApproximation
{
    /// <summary>0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as GPT-2 and PyTorch's approximate="tanh".</summary>
    Tanh,

    /// <summary>0.5·x·(1 + erf(x/√2)), as the original BERT and PyTorch's default.</summary>
    Erf,
}
