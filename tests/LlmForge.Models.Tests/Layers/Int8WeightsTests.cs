using LlmForge.Autograd;
using LlmForge.Backends;
using LlmForge.Checkpoints;
using LlmForge.Generation;
using LlmForge.Layers;
using LlmForge.Tests.Gpt;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.Layers;

/// <summary>
/// 8-bit linear weights for inference (<see cref="Int8Weights.UseInt8Weights"/>, q8_0 blocks of 32). A prompt's
/// rows (more than 4) multiply by the dequantized weights in float32, so its logits are those of a float32 model
/// holding the dequantized weights; a decoding step quantizes its one activation row per block too, which moves the
/// logits by at most what rounding each activation to half a step of its block's scale can. Against the float32
/// model, the fixtures' logits stay within 2 % of their range (gpt2-tiny: weights ~ N(0, 0.2²), 24 and 40 inputs,
/// so partial blocks): each weight moves by at most half a step, d / 2 = max|w| / 254 of its block.
/// </summary>
public class Int8WeightsTests(ITestOutputHelper output)
{
    /// <summary>Every backend × the GPT-2 fixtures.</summary>
    public static TheoryData<string, string> Cases => GptFixture.EveryBackendAndGpt2;

    [Theory, MemberData(nameof(Cases))]
    public void Logits_with_int8_weights_stay_close_to_float32(string backend, string fixtureName)
    {
        var fixture = GptFixture.Load(fixtureName);
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        int layers = model.UseInt8Weights();
        Assert.Equal(6 * model.Config.Layers + 1, layers); // q, k, v, out_proj, fc, proj per block; the head

        Tensor logits;
        using (GradMode.NoGrad()) logits = model.Forward(fixture.Ids, fixture.Batch, fixture.Seq);

        double error = MaxAbsDifference(logits.Data, fixture.Logits.Data);
        double range = MaxAbs(fixture.Logits.Data);
        output.WriteLine($"{backend} {fixtureName}: int8 vs float32 logits max abs {error:E2} (logits up to {range:F2})");
        Assert.True(error <= 0.02 * range, $"int8 logits max abs error {error:E3} > 2 % of {range:F3}");
        Assert.True(error > 1e-4, $"the logits moved only {error:E2} from float32's: were the int8 weights used?");
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Prompts_give_the_logits_of_dequantized_weights_and_decoding_stays_within_the_activation_rounding(string backend)
    {
        string directory = FixturePath.Of("gpt2-tiny"); // untied: the head's copy leaves the embedding alone
        var int8 = Gpt2Checkpoint.Load(directory, TestBackends.Create(backend));
        int8.UseInt8Weights();
        var dequantized = Gpt2Checkpoint.Load(directory, TestBackends.Create(backend));
        foreach (var (_, module) in dequantized.NamedModules())
            if (module is Linear linear)
                new Int8Weight(linear.Weight).ToTensor().Data.CopyTo(linear.Weight.Data);

        int[] prompt = [3, 14, 15, 9, 26, 5];
        double prefill;
        using (GradMode.NoGrad()) // every position's logits: 6 rows through every layer and the head, dequantized
            prefill = MaxAbsDifference(int8.Forward(prompt, 1, prompt.Length).Data, dequantized.Forward(prompt, 1, prompt.Length).Data);
        Assert.True(prefill <= 1e-5, $"prompt logits differ from the dequantized model's by {prefill:E3}");

        var (a, b) = (new GptDecodingSession(int8, 1), new GptDecodingSession(dequantized, 1));
        var (x, y) = (a.Append(prompt, prompt.Length).ToArray(), b.Append(prompt, prompt.Length).ToArray()); // the head: one row, int8 dots
        double worst = MaxAbsDifference(x, y);
        for (int step = 0; step < 8; step++)
        {
            int next = TokenSampler.ArgMax(y);
            (x, y) = (a.Append([next], 1).ToArray(), b.Append([next], 1).ToArray()); // m = 1: int8 dots
            worst = Math.Max(worst, MaxAbsDifference(x, y));
        }
        output.WriteLine($"{backend}: prompt {prefill:E2}, decoding steps max abs difference {worst:E2} (logits up to {MaxAbs(y):F2})");
        Assert.True(worst <= 0.02 * MaxAbs(y), $"int8 decoding vs dequantized float32 logits differ by {worst:E3}");
        Assert.True(worst > prefill, "a decoding step should quantize its activations (a larger difference than the prompt's)");
    }

    [Fact]
    public void With_a_graph_the_float32_weights_serve_and_false_drops_the_copies()
    {
        var fixture = GptFixture.Load("gpt2-tiny-tied");
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create("Managed"));
        Assert.Equal(model.UseInt8Weights(), model.UseWeights(WeightFormat.Int8));
        var logits = model.Forward(fixture.Ids, fixture.Batch, fixture.Seq); // recording: float32
        Assert.True(MaxAbsDifference(logits.Data, fixture.Logits.Data) <= 1e-4);
        Assert.NotNull(logits.GradFn);
        Assert.True(model.Int8Bytes() > 0);
        Assert.Equal(0, model.BFloat16Bytes());

        model.UseWeights(WeightFormat.Float32);
        Assert.Equal(0, model.Int8Bytes());
        using (GradMode.NoGrad())
            Assert.True(MaxAbsDifference(model.Forward(fixture.Ids, fixture.Batch, fixture.Seq).Data, fixture.Logits.Data) <= 1e-4);
    }

    [Fact]
    public void An_int8_weight_refuses_to_record_a_graph_checks_its_shapes_and_dequantizes_within_half_a_step()
    {
        var backend = TestBackends.Create("Managed");
        var source = Tensor.Randn(backend, 1, 0.5f, 5, 37);
        var weight = new Int8Weight(source);
        Assert.Equal(5 * 64 + 4 * 5 * 2, weight.Bytes); // two blocks per row (the second padded), a float scale each
        var back = weight.ToTensor();
        for (int r = 0; r < 5; r++)
            for (int p = 0; p < 37; p++)
            {
                float step = weight.Scales[r * 2 + p / 32];
                Assert.True(Math.Abs(back.Data[r * 37 + p] - source.Data[r * 37 + p]) <= step / 2 * (1 + 1e-5));
            }

        var x = Tensor.Parameter(Tensor.Randn(backend, 2, 1f, 4, 37));
        var error = Assert.Throws<InvalidOperationException>(() => x.Linear(weight));
        Assert.Contains("int8", error.Message);
        Assert.Contains("GradMode.NoGrad", error.Message);
        using (GradMode.NoGrad())
        {
            Assert.Equal([4, 5], x.Linear(weight).Shape);
            var shape = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 4, 2).Linear(weight));
            Assert.Contains("in = 37", shape.Message);
        }
        Assert.Throws<ArgumentException>(() => new Int8Weight(Tensor.Zeros(backend, 5)));
        Assert.Throws<ArgumentException>(() => new Int8Weight(Tensor.FromArray(backend, [1f, float.NaN], 1, 2)));
    }

    [Fact]
    public void Linear_and_LinearGelu_with_an_int8_weight_equal_the_float32_ops_on_the_dequantized_weight_for_a_prompt()
    {
        var backend = TestBackends.Create("Managed");
        var weight = new Int8Weight(Tensor.Randn(backend, 1, 0.5f, 37, 19));
        var dequantized = weight.ToTensor();
        var bias = Tensor.Randn(backend, 2, 0.5f, 37);
        using var noGrad = GradMode.NoGrad();
        foreach (int rows in new[] { 5, 9 })
        {
            var x = Tensor.Randn(backend, 3 + rows, 1f, rows, 19);
            Assert.True(MaxAbsDifference(x.Linear(weight, bias).Data, x.Linear(dequantized, bias).Data) <= 1e-5);
            Assert.True(MaxAbsDifference(x.LinearGelu(weight, bias, GeluApproximation.Erf).Data,
                x.LinearGelu(dequantized, bias, GeluApproximation.Erf).Data) <= 1e-5);
        }
    }

    private static double MaxAbs(ReadOnlySpan<float> a)
    {
        double worst = 0;
        foreach (float v in a) worst = Math.Max(worst, Math.Abs(v));
        return worst;
    }

    private static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]));
        return worst;
    }
}
