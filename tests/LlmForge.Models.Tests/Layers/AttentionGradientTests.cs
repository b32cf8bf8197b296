using LlmForge.Autograd;
using LlmForge.Components;
using LlmForge.Layers;
using LlmForge.Tests.Autograd;
using Xunit;

namespace LlmForge.Tests.Layers;

/// <summary>
/// Finite-difference checks of whole attention layers, through the hidden states and the q, k, v and out
/// projections: rotary positions (rotate-half and interleaved), the sliding window, both together, and grouped-query /
/// multi-query attention through the fused kernel and the unfused path.
/// </summary>
public class AttentionGradientTests
{
    public static TheoryData<string, string> Cases
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (var backend in TestBackends.Names)
                foreach (var variant in (string[])["rotary", "sliding-window", "rotary+sliding-window", "interleaved",
                             "gqa+rotary", "mqa+sliding-window", "gqa+rotary+unfused"])
                    cases.Add(backend, variant);
            return cases;
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void Attention_gradients_match_finite_differences(string backendName, string variant)
    {
        var backend = TestBackends.Create(backendName);
        var init = new ModuleInit(backend, 11, std: 0.5f);
        bool window = variant.Contains("sliding-window"), interleaved = variant == "interleaved";
        bool rotary = variant.Contains("rotary") || interleaved;
        // gqa: 4 query heads of 2 over 2 kv heads; mqa: 2 query heads over 1
        var (heads, kvHeads) = variant.StartsWith("gqa", StringComparison.Ordinal) ? (4, 2) : variant.StartsWith("mqa", StringComparison.Ordinal) ? (2, 1) : (2, 0);
        MultiHeadAttention att = window
            ? new SlidingWindowAttention(init, embeddingDim: 8, heads: heads, window: 2, qkvBias: true, keyValueHeads: kvHeads)
            : new MultiHeadAttention(init, embeddingDim: 8, heads: heads, qkvBias: true, keyValueHeads: kvHeads);
        att.FusedAttention = !variant.EndsWith("unfused", StringComparison.Ordinal);
        IPositionalEncoding? positions = rotary
            ? new RotaryPositionalEncoding(init, contextLength: 16, headDim: 8 / heads, theta: 100,
                convention: interleaved ? RotaryConvention.Interleaved : RotaryConvention.RotateHalf)
            : null;
        var x = GradCheck.Param(backend, 3, 2, 5, 8); // (B, T, C)

        GradCheck.Assert(xs => att.Forward(AttentionInput.Causal(xs[0], positions)),
            x, att.Query.Weight, att.Key.Weight, att.Value.Weight, att.Key.Bias!, att.OutProjection.Weight);
    }
}
