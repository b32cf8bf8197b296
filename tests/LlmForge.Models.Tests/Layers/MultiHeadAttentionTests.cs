using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Components;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Layers;

public class MultiHeadAttentionTests
{
    private static readonly ManagedBackend Backend = new();

    [Fact]
    public void Output_at_a_position_ignores_later_positions()
    {
        var att = new MultiHeadAttention(new ModuleInit(Backend, 2, std: 0.3f), embeddingDim: 8, heads: 2, qkvBias: true);
        var x = Tensor.Randn(Backend, 5, 1f, 1, 6, 8);
        var changed = x.ToArray();
        for (int c = 0; c < 8; c++) changed[4 * 8 + c] += 1f; // perturb position 4

        var y = att.Forward(x).Data;
        var z = att.Forward(Tensor.FromArray(Backend, changed, 1, 6, 8)).Data;
        for (int i = 0; i < 4 * 8; i++) Assert.Equal(y[i], z[i]); // positions 0..3 are unchanged
        Assert.NotEqual(y[4 * 8], z[4 * 8]);
    }

    [Fact]
    public void Sliding_window_hides_positions_beyond_it()
    {
        var att = new SlidingWindowAttention(new ModuleInit(Backend, 2, std: 0.3f), embeddingDim: 8, heads: 2, window: 2);
        var x = Tensor.Randn(Backend, 5, 1f, 1, 6, 8);
        var changed = x.ToArray();
        for (int c = 0; c < 8; c++) changed[c] += 1f; // perturb position 0

        var y = att.Forward(x).Data;
        var z = att.Forward(Tensor.FromArray(Backend, changed, 1, 6, 8)).Data;
        Assert.NotEqual(y[1 * 8], z[1 * 8]);                             // position 1 sees 0 and 1
        for (int i = 2 * 8; i < 6 * 8; i++) Assert.Equal(y[i], z[i]); // positions ≥ 2 see only the last two
    }

    [Fact]
    public void Sliding_window_needs_a_causal_input()
    {
        var att = new SlidingWindowAttention(new ModuleInit(Backend), embeddingDim: 4, heads: 2, window: 2);
        Assert.Contains("bidirectional", Assert.Throws<ArgumentException>(() =>
            att.Forward(AttentionInput.Bidirectional(Tensor.Zeros(Backend, 1, 3, 4)))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new SlidingWindowAttention(new ModuleInit(Backend), 4, 2, window: 0));
    }

    [Fact]
    public void Bidirectional_input_sees_later_positions_but_never_padding()
    {
        var att = new MultiHeadAttention(new ModuleInit(Backend, 2, std: 0.3f), embeddingDim: 8, heads: 2, qkvBias: true);
        var x = Tensor.Randn(Backend, 5, 1f, 2, 4, 8);
        byte[] keyValid = [1, 1, 1, 1, /* item 1: */ 1, 1, 0, 0];
        var changed = x.ToArray();
        for (int c = 0; c < 8; c++)
        {
            changed[3 * 8 + c] += 1f;           // item 0, position 3 (real)
            changed[(4 + 2) * 8 + c] += 1f;     // item 1, position 2 (padding)
        }

        var y = att.Forward(AttentionInput.Bidirectional(x, keyValid)).Data;
        var z = att.Forward(AttentionInput.Bidirectional(Tensor.FromArray(Backend, changed, 2, 4, 8), keyValid)).Data;
        Assert.NotEqual(y[0], z[0]);                                     // position 0 of item 0 sees position 3
        for (int i = 4 * 8; i < 6 * 8; i++) Assert.Equal(y[i], z[i]);   // item 1's real tokens never see the padding
    }

    [Fact]
    public void Rotary_positions_make_the_output_depend_on_relative_positions_only()
    {
        // The same tokens placed at positions 0..3 or 5..8 give the same output (bidirectional, so the mask does not
        // move with the offset); without rotary the output differs from both.
        var init = new ModuleInit(Backend, 2, std: 0.3f);
        var att = new MultiHeadAttention(init, embeddingDim: 8, heads: 2);
        var rope = new RotaryPositionalEncoding(init, contextLength: 16, headDim: 4);
        var x = Tensor.Randn(Backend, 5, 1f, 1, 4, 8);

        var atZero = att.Forward(new AttentionInput(x, new AttentionMaskSpec(), rope)).Data;
        var atFive = att.Forward(new AttentionInput(x, new AttentionMaskSpec { QueryOffset = 5 }, rope)).Data;
        var without = att.Forward(AttentionInput.Bidirectional(x)).Data;
        for (int i = 0; i < atZero.Length; i++) Assert.Equal(atZero[i], atFive[i], 4);
        Assert.NotEqual(without[8], atZero[8], 3);
    }

    [Fact]
    public void One_position_attends_only_to_itself_so_the_output_is_out_proj_of_its_value()
    {
        var att = new MultiHeadAttention(new ModuleInit(Backend, 4, std: 0.3f), embeddingDim: 6, heads: 3, qkvBias: true);
        var x = Tensor.Randn(Backend, 6, 1f, 2, 1, 6);
        var expected = att.OutProjection.Forward(att.Value.Forward(x)).Data;
        var actual = att.Forward(x).Data;
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 5);
    }

    [Fact]
    public void Parameter_names_follow_the_contract()
    {
        var att = new MultiHeadAttention(new ModuleInit(Backend), 4, 2, qkvBias: false);
        Assert.Equal(["W_query.weight", "W_key.weight", "W_value.weight", "out_proj.weight", "out_proj.bias"],
            att.NamedParameters().Select(p => p.Name));
    }

    [Fact]
    public void Heads_must_divide_the_width_and_input_must_be_BTC()
    {
        Assert.Contains("divisible", Assert.Throws<ArgumentException>(() => new MultiHeadAttention(new ModuleInit(Backend), 6, 4)).Message);
        var att = new MultiHeadAttention(new ModuleInit(Backend), 4, 2);
        Assert.Contains("(B, T, 4)", Assert.Throws<ArgumentException>(() => att.Forward(Tensor.Zeros(Backend, 2, 3, 5))).Message);
    }
}
