using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Gpt;

public class GptModelTests
{
    private static readonly ManagedBackend Backend = new();

    private static readonly GptConfig Small = new()
    {
        VocabSize = 17, ContextLength = 8, EmbeddingDim = 12, Layers = 2, Heads = 3,
        EmbeddingDropRate = 0f, AttentionDropRate = 0f, ResidualDropRate = 0f, TieWeights = false,
    };

    private static readonly int[] Ids = [1, 5, 9, 2, 16, 0, 3, 3, 7, 4];

    [Fact]
    public void Forward_maps_ids_B_T_to_logits_B_T_V()
    {
        var logits = new GptModel(Small, Backend).Forward(Ids, batch: 2, seq: 5);
        Assert.Equal([2, 5, 17], logits.Shape);
        Assert.All(logits.Data, v => Assert.True(float.IsFinite(v)));
    }

    [Fact]
    public void Loss_at_init_is_near_log_vocab()
    {
        // GPT-2's N(0, 0.02) init gives near-zero logits, so the first loss is ≈ ln V (nanoGPT's sanity check).
        var (_, loss) = new GptModel(Small, Backend).Forward(Ids, [5, 9, 2, 16, 0, 3, 3, 7, 4, 1], 2, 5);
        Assert.InRange(loss.Item(), MathF.Log(17) - 0.1f, MathF.Log(17) + 0.1f);
    }

    [Fact]
    public void Sequence_longer_than_the_context_is_rejected_naming_both_lengths()
    {
        var model = new GptModel(Small, Backend);
        var error = Assert.Throws<ArgumentException>(() => model.Forward(new int[9], 1, 9));
        Assert.Contains("sequence length 9 exceeds the context length 8 (n_positions)", error.Message);
    }

    [Fact]
    public void Id_count_must_fill_batch_times_seq()
    {
        var error = Assert.Throws<ArgumentException>(() => new GptModel(Small, Backend).Forward(Ids, 3, 4));
        Assert.Contains("10 token ids do not fill batch 3 × seq 4 = 12", error.Message);
    }

    [Fact]
    public void Logits_at_a_position_do_not_depend_on_later_tokens()
    {
        var model = new GptModel(Small, Backend);
        var a = model.Forward([1, 2, 3, 4], 1, 4).Data;
        var b = model.Forward([1, 2, 3, 9], 1, 4).Data;
        Assert.Equal(a.AsSpan(0, 3 * 17).ToArray(), b.AsSpan(0, 3 * 17).ToArray());
        Assert.NotEqual(a.AsSpan(3 * 17).ToArray(), b.AsSpan(3 * 17).ToArray());
    }

    [Fact]
    public void Tied_head_shares_the_token_embedding_and_gets_both_gradients()
    {
        var model = new GptModel(Small with { TieWeights = true }, Backend);
        Assert.Same(model.TokenEmbedding.Weight, model.OutHead.Weight);
        model.Forward([1, 2, 3], [2, 3, 4], 1, 3).Loss.Backward();
        // Token 10 is not in the input, so its row's gradient comes from the head alone; it must be there.
        var grad = model.TokenEmbedding.Weight.Grad!;
        Assert.Contains(grad.AsSpan(10 * 12, 12).ToArray(), g => g != 0f);
    }

    [Fact]
    public void Parameters_are_named_by_their_path()
    {
        var model = new GptModel(Small, Backend);
        Assert.Equal("trf_blocks.1.att.W_key.weight", ((MultiHeadAttention)model.Blocks[1].Attention).Key.Weight.Name);
        Assert.Equal("out_head.weight", model.OutHead.Weight.Name);
    }

    [Fact]
    public void Same_seed_same_weights_other_seed_other_weights()
    {
        float[] Wte(int seed) => new GptModel(Small, Backend, seed).TokenEmbedding.Weight.ToArray();
        Assert.Equal(Wte(7), Wte(7));
        Assert.NotEqual(Wte(7), Wte(8));
    }

    [Fact]
    public void Residual_projections_get_the_scaled_init()
    {
        var config = Small with { EmbeddingDim = 64, Heads = 4, Layers = 8 };
        var model = new GptModel(config, Backend);
        static double Std(Tensor t) => Math.Sqrt(t.Data.Average(v => (double)v * v));
        var attention = (MultiHeadAttention)model.Blocks[0].Attention;
        Assert.InRange(Std(attention.Query.Weight), 0.018, 0.022);
        double scaled = 0.02 / Math.Sqrt(2 * 8); // GPT-2: initializer_range / √(2·n_layer)
        Assert.InRange(Std(attention.OutProjection.Weight), scaled * 0.9, scaled * 1.1);
        Assert.InRange(Std(((FeedForward)model.Blocks[0].FeedForward).Projection.Weight), scaled * 0.9, scaled * 1.1);
    }

    [Theory]
    [InlineData(PositionEmbeddingType.Absolute, typeof(LearnedPositionalEncoding))]
    [InlineData(PositionEmbeddingType.Sinusoidal, typeof(SinusoidalPositionalEncoding))]
    [InlineData(PositionEmbeddingType.Rotary, typeof(RotaryPositionalEncoding))]
    public void The_config_picks_the_positional_encoding_and_only_learned_positions_are_parameters(PositionEmbeddingType type, Type expected)
    {
        var model = new GptModel(Small with { PositionEmbedding = type }, Backend);
        Assert.IsType(expected, model.Positions);
        Assert.Equal(type == PositionEmbeddingType.Absolute, model.NamedParameters().Any(p => p.Name == "pos_emb.weight"));
        Assert.Equal([1, 3, Small.VocabSize], model.Forward([1, 2, 3], 1, 3).Shape);
    }

    [Fact]
    public void The_config_picks_sliding_window_attention_and_rms_norms()
    {
        var model = new GptModel(Small with { SlidingWindow = 2, Normalization = NormalizationType.RmsNorm }, Backend);
        Assert.All(model.Blocks, b => Assert.Equal(2, Assert.IsType<SlidingWindowAttention>(b.Attention).Window));
        Assert.IsType<RmsNorm>(model.FinalNorm);
        Assert.Equal("attention sliding-window, positions learned, normalization rmsnorm", model.Components.ToString());
    }

    private sealed class NotAModule : Components.IAttention
    {
        public Tensor Forward(Components.AttentionInput input) => input.Hidden;
    }

    [Fact]
    public void A_component_that_is_not_a_module_is_refused_by_name()
    {
        var components = GptComponents.For(Small) with { Attention = new("identity", _ => new NotAModule()) };
        var error = Assert.Throws<ArgumentException>(() => new GptModel(Small, Backend, components: components));
        Assert.Contains("component 'att' is a NotAModule, which must derive from LlmForge.Layers.Module", error.Message);
    }

    [Fact]
    public void Invalid_config_names_the_key()
    {
        var error = Assert.Throws<ArgumentException>(() => new GptModel(Small with { Heads = 5 }, Backend));
        Assert.Contains("n_head", error.Message);
    }

    private static readonly GptConfig WithDropout = Small with { EmbeddingDropRate = 0.1f, AttentionDropRate = 0.2f, ResidualDropRate = 0.1f };

    [Fact]
    public void In_eval_mode_two_forwards_are_identical()
    {
        var model = new GptModel(WithDropout, Backend);
        model.Eval();
        Assert.Equal(model.Forward(Ids, 2, 5).Data, model.Forward(Ids, 2, 5).Data);
    }

    [Fact]
    public void With_zero_rates_training_forwards_are_identical()
    {
        var model = new GptModel(Small, Backend);
        Assert.True(model.IsTraining);
        Assert.Equal(model.Forward(Ids, 2, 5).Data, model.Forward(Ids, 2, 5).Data);
    }

    [Fact]
    public void In_training_forwards_differ_and_the_same_seed_reproduces_them()
    {
        var a = new GptModel(WithDropout, Backend, seed: 3);
        var first = a.Forward(Ids, 2, 5).ToArray();
        var second = a.Forward(Ids, 2, 5).ToArray();
        Assert.NotEqual(first, second);

        var b = new GptModel(WithDropout, Backend, seed: 3);
        Assert.Equal(first, b.Forward(Ids, 2, 5).Data);
        Assert.Equal(second, b.Forward(Ids, 2, 5).Data);

        a.Eval();
        var clean = a.Forward(Ids, 2, 5).Data;
        Assert.NotEqual(first, clean);
    }
}
