using LlmForge.Autograd;
using LlmForge.Backends.Managed;
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
        var att = new MultiHeadAttention(new ModuleInit(Backend, 2, std: 0.3f), embeddingDim: 8, heads: 2, window: 2);
        var x = Tensor.Randn(Backend, 5, 1f, 1, 6, 8);
        var changed = x.ToArray();
        for (int c = 0; c < 8; c++) changed[c] += 1f; // perturb position 0

        var y = att.Forward(x).Data;
        var z = att.Forward(Tensor.FromArray(Backend, changed, 1, 6, 8)).Data;
        Assert.NotEqual(y[1 * 8], z[1 * 8]);                             // position 1 sees 0 and 1
        for (int i = 2 * 8; i < 6 * 8; i++) Assert.Equal(y[i], z[i]); // positions ≥ 2 see only the last two
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
