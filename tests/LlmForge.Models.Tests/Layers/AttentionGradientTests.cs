using LlmForge.Autograd;
using LlmForge.Components;
using LlmForge.Layers;
using LlmForge.Tests.Autograd;
using Xunit;

namespace LlmForge.Tests.Layers;

/// <summary>
/// Finite-difference checks of whole attention layers, through the hidden states and the q, k, v and out
/// projections: rotary positions, the sliding window, and both together.
/// </summary>
public class AttentionGradientTests
{
    public static TheoryData<string, string> Cases
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (var backend in TestBackends.Names)
                foreach (var variant in (string[])["rotary", "sliding-window", "rotary+sliding-window"])
                    cases.Add(backend, variant);
            return cases;
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Attention_gradients_match_finite_differences(string backendName, string variant)
    {
        var backend = TestBackends.Create(backendName);
        var init = new ModuleInit(backend, 11, std: 0.5f);
        bool window = variant.Contains("sliding-window"), rotary = variant.StartsWith("rotary", StringComparison.Ordinal);
        MultiHeadAttention att = window
            ? new SlidingWindowAttention(init, embeddingDim: 8, heads: 2, window: 2, qkvBias: true)
            : new MultiHeadAttention(init, embeddingDim: 8, heads: 2, qkvBias: true);
        IPositionalEncoding? positions = rotary ? new RotaryPositionalEncoding(init, contextLength: 16, headDim: 4, theta: 100) : null;
        var x = GradCheck.Param(backend, 3, 2, 5, 8); // (B, T, C)

        GradCheck.Assert(xs => att.Forward(AttentionInput.Causal(xs[0], positions)),
            x, att.Query.Weight, att.Key.Weight, att.Value.Weight, att.Key.Bias!, att.OutProjection.Weight);
    }
}
