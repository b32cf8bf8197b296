using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Layers;

public class PositionalEncodingTests
{
    private static readonly ManagedBackend Backend = new();

    [Fact]
    public void Learned_adds_its_rows_from_the_start_position_and_learns_them()
    {
        var pe = new LearnedPositionalEncoding(new ModuleInit(Backend, 3), contextLength: 6, embeddingDim: 4);
        Assert.Equal(["weight"], pe.NamedParameters().Select(p => p.Name));
        var x = Tensor.Parameter(Tensor.Randn(Backend, 1, 1f, 2, 3, 4)); // (B, T, C)

        var y = pe.EncodeEmbeddings(x, startPosition: 2);

        for (int b = 0; b < 2; b++)
            for (int t = 0; t < 3; t++)
                for (int c = 0; c < 4; c++)
                    Assert.Equal(x.Data[(b * 3 + t) * 4 + c] + pe.Weight.Data[(2 + t) * 4 + c], y.Data[(b * 3 + t) * 4 + c]);
        y.Sum().Backward();
        Assert.Equal(2f, pe.Weight.Grad![(2 + 1) * 4]); // used once per batch item
        Assert.Equal(0f, pe.Weight.Grad![0]);            // position 0 was not used
        Assert.Same(x, pe.EncodeQueryKey(x, 0));
        Assert.Contains("run past the 6 learned positions", Assert.Throws<ArgumentException>(() => pe.EncodeEmbeddings(x, 4)).Message);
    }

    [Fact]
    public void Sinusoidal_is_sin_on_even_and_cos_on_odd_dimensions_and_learns_nothing()
    {
        const int C = 6;
        var pe = new SinusoidalPositionalEncoding(new ModuleInit(Backend), contextLength: 50, embeddingDim: C);
        Assert.Empty(pe.NamedParameters());
        var table = pe.Table(0, 50);
        foreach (int t in (int[])[0, 1, 7, 49])
            for (int i = 0; i < C / 2; i++)
            {
                double angle = t / Math.Pow(10000, 2.0 * i / C); // "Attention Is All You Need", §3.5
                Assert.Equal(Math.Sin(angle), table.Data[t * C + 2 * i], 6);
                Assert.Equal(Math.Cos(angle), table.Data[t * C + 2 * i + 1], 6);
            }

        var x = Tensor.Randn(Backend, 2, 1f, 1, 3, C);
        var y = pe.EncodeEmbeddings(x, startPosition: 5);
        for (int i = 0; i < 3 * C; i++) Assert.Equal(x.Data[i] + table.Data[5 * C + i], y.Data[i]);
        Assert.Same(x, pe.EncodeQueryKey(x, 0));
    }

    [Fact]
    public void Sinusoidal_handles_an_odd_width()
    {
        var table = new SinusoidalPositionalEncoding(new ModuleInit(Backend), 4, 5).Table(0, 4);
        Assert.Equal(Math.Sin(3 / Math.Pow(10000, 4.0 / 5)), table.Data[3 * 5 + 4], 6); // last dim 4 = 2·2 is a sine
    }

    [Fact]
    public void Rotary_turns_each_pair_by_position_times_theta_to_the_minus_2i_over_hs()
    {
        const int Hs = 8;
        const double Theta = 500;
        var rope = new RotaryPositionalEncoding(new ModuleInit(Backend), contextLength: 16, headDim: Hs, theta: Theta);
        Assert.Empty(rope.NamedParameters());
        var q = Tensor.Randn(Backend, 4, 1f, 1, 2, 3, Hs); // (B, nh, T, hs)

        var rotated = rope.EncodeQueryKey(q, startPosition: 10);

        AssertPairsTurned(q, rotated, Hs, Theta, startPosition: 10, pair: i => (i, i + Hs / 2));
        var embeddings = Tensor.Zeros(Backend, 1, 3, 16);
        Assert.Same(embeddings, rope.EncodeEmbeddings(embeddings, 0));
        Assert.Contains("run past the 16 positions", Assert.Throws<ArgumentException>(() => rope.EncodeQueryKey(q, 14)).Message);
        Assert.Contains("must be even", Assert.Throws<ArgumentOutOfRangeException>(() => new RotaryPositionalEncoding(new ModuleInit(Backend), 4, 7)).Message);
    }

    [Fact]
    public void Interleaved_rotary_turns_dims_2i_and_2i_plus_1_together()
    {
        const int Hs = 8;
        const double Theta = 300;
        var rope = new RotaryPositionalEncoding(new ModuleInit(Backend), contextLength: 16, headDim: Hs, theta: Theta,
            convention: RotaryConvention.Interleaved);
        var q = Tensor.Randn(Backend, 5, 1f, 1, 2, 3, Hs); // (B, nh, T, hs)

        var rotated = rope.EncodeQueryKey(q, startPosition: 4);

        AssertPairsTurned(q, rotated, Hs, Theta, startPosition: 4, pair: i => (2 * i, 2 * i + 1));
    }

    /// <summary>
    /// Each (B, nh, 3, hs) row's pair i — the dims <paramref name="pair"/> names — is turned by position · θ^(−2i/hs),
    /// positions running from <paramref name="startPosition"/>.
    /// </summary>
    private static void AssertPairsTurned(Tensor q, Tensor rotated, int hs, double theta, int startPosition, Func<int, (int, int)> pair)
    {
        for (int row = 0; row < q.Length / hs; row++)
        {
            int position = startPosition + row % 3;
            for (int i = 0; i < hs / 2; i++)
            {
                double angle = position * Math.Pow(theta, -2.0 * i / hs);
                var (a, b) = pair(i);
                double x1 = q.Data[row * hs + a], x2 = q.Data[row * hs + b];
                Assert.Equal(x1 * Math.Cos(angle) - x2 * Math.Sin(angle), rotated.Data[row * hs + a], 5);
                Assert.Equal(x2 * Math.Cos(angle) + x1 * Math.Sin(angle), rotated.Data[row * hs + b], 5);
            }
        }
    }

    [Fact]
    public void Llama3_rope_scaling_divides_low_frequencies_keeps_high_ones_and_blends_between()
    {
        // Llama 3.1's values: factor 8, low_freq_factor 1, high_freq_factor 4, original context 8192
        var scaling = new RopeScaling(RopeScalingType.Llama3, 8, 1, 4, 8192);
        double fast = 2 * Math.PI / 100, slow = 2 * Math.PI / 10000, middle = 2 * Math.PI / 4096; // wavelengths 100, 10000, 4096
        Assert.Equal(fast, scaling.Apply(fast));            // wavelength below 8192 / 4: kept
        Assert.Equal(slow / 8, scaling.Apply(slow));        // above 8192 / 1: divided by the factor
        double smooth = (8192.0 / 4096 - 1) / (4 - 1);      // = 1/3 of the way to kept
        Assert.Equal((1 - smooth) * middle / 8 + smooth * middle, scaling.Apply(middle), 15);
        Assert.Equal(slow / 2, new RopeScaling(RopeScalingType.Linear, 2).Apply(slow));

        var scaled = new RotaryPositionalEncoding(new ModuleInit(Backend), 16, 8, theta: 10000, scaling: new RopeScaling(RopeScalingType.Linear, 4));
        var plain = new RotaryPositionalEncoding(new ModuleInit(Backend), 16, 8, theta: 10000);
        var q = Tensor.Randn(Backend, 6, 1f, 1, 1, 1, 8);
        Assert.Equal(plain.EncodeQueryKey(q, 2).Data, scaled.EncodeQueryKey(q, 8).Data.Select(v => v), new FloatTolerance(1e-6f)); // position 8 / 4 = 2
        Assert.Contains("rope_scaling.high_freq_factor", Assert.Throws<ArgumentException>(() =>
            new RotaryPositionalEncoding(new ModuleInit(Backend), 16, 8, scaling: new RopeScaling(RopeScalingType.Llama3, 8, 4, 1))).Message);
    }

    private sealed class FloatTolerance(float tolerance) : IEqualityComparer<float>
    {
        public bool Equals(float a, float b) => Math.Abs(a - b) <= tolerance;

        public int GetHashCode(float value) => 0;
    }

    public static TheoryData<string> Kinds => new() { "learned", "sinusoidal", "rotary" };

    private static LlmForge.Components.IPositionalEncoding Create(string kind) => kind switch
    {
        "learned" => new LearnedPositionalEncoding(new ModuleInit(Backend, seed: 3), contextLength: 16, embeddingDim: 8),
        "sinusoidal" => new SinusoidalPositionalEncoding(new ModuleInit(Backend), contextLength: 16, embeddingDim: 8),
        _ => new RotaryPositionalEncoding(new ModuleInit(Backend), contextLength: 16, headDim: 8),
    };

    [Theory, MemberData(nameof(Kinds))]
    public void Per_token_positions_give_each_row_what_its_own_run_gives(string kind)
    {
        var encoding = Create(kind);
        bool rotary = kind == "rotary";
        int[] shape = rotary ? [2, 3, 4, 8] : [2, 4, 8]; // (B, nh, T, hs) or (B, T, C)
        var x = Tensor.Randn(Backend, 5, 1f, shape);
        var positions = new LlmForge.Components.TokenPositions(2, 4, [3, 4, 5, 6, 9, 10, 11, 12]);

        var both = rotary ? encoding.EncodeQueryKey(x, positions) : encoding.EncodeEmbeddings(x, positions);

        for (int b = 0; b < 2; b++)
        {
            var row = x.Narrow(0, b, 1);
            var alone = rotary ? encoding.EncodeQueryKey(row, 3 + 6 * b) : encoding.EncodeEmbeddings(row, 3 + 6 * b);
            var part = both.Narrow(0, b, 1);
            for (int i = 0; i < alone.Length; i++) Assert.Equal(alone.Data[i], part.Data[i], 5);
        }
    }

    [Fact]
    public void Rotary_computes_angles_past_its_table_and_absolute_encodings_refuse_them()
    {
        var rope = new RotaryPositionalEncoding(new ModuleInit(Backend), contextLength: 4, headDim: 8);
        var wide = new RotaryPositionalEncoding(new ModuleInit(Backend), contextLength: 64, headDim: 8);
        var q = Tensor.Randn(Backend, 6, 1f, 1, 2, 1, 8);
        var past = new LlmForge.Components.TokenPositions(1, 1, [40]);

        var turned = rope.EncodeQueryKey(q, past);
        var expected = wide.EncodeQueryKey(q, startPosition: 40);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected.Data[i], turned.Data[i], 5);

        var embeddings = Tensor.Zeros(Backend, 1, 1, 8);
        var learned = new LearnedPositionalEncoding(new ModuleInit(Backend), contextLength: 4, embeddingDim: 8);
        var sines = new SinusoidalPositionalEncoding(new ModuleInit(Backend), contextLength: 4, embeddingDim: 8);
        Assert.Contains("position 40 runs past the 4 learned positions", Assert.Throws<ArgumentException>(() => learned.EncodeEmbeddings(embeddings, past)).Message);
        Assert.Contains("position 40 is outside the 4 positions", Assert.Throws<ArgumentException>(() => sines.EncodeEmbeddings(embeddings, past)).Message);
    }
}
