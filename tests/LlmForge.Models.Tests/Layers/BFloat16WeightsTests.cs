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
/// bfloat16 linear weights for inference (<see cref="BFloat16Weights.UseBFloat16Weights"/>): the logits are
/// PyTorch's for the same weights rounded by <c>.bfloat16()</c> (Fixtures/*/logits_bf16.npy), decoding matches
/// a float32 model holding the rounded weights, and a pass with a graph still uses the float32 weights.
/// </summary>
public class BFloat16WeightsTests(ITestOutputHelper output)
{
    /// <summary>Every backend × the GPT-2 fixtures (gpt2_reference.py writes their logits_bf16.npy).</summary>
    public static TheoryData<string, string> Cases => GptFixture.EveryBackendAndGpt2;

    [Theory, MemberData(nameof(Cases))]
    public void Logits_with_bfloat16_weights_match_PyTorch_with_rounded_weights(string backend, string fixtureName)
    {
        var fixture = GptFixture.Load(fixtureName);
        var expected = NpyFile.Read<float>(Path.Combine(fixture.Directory, "logits_bf16.npy"));
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        int layers = model.UseBFloat16Weights();
        Assert.Equal(6 * model.Config.Layers + 1, layers); // q, k, v, out_proj, fc, proj per block; the head

        Tensor logits;
        using (GradMode.NoGrad()) logits = model.Forward(fixture.Ids, fixture.Batch, fixture.Seq);

        double error = MaxAbsDifference(logits.Data, expected.Data);
        double fromFloat32 = MaxAbsDifference(logits.Data, fixture.Logits.Data);
        output.WriteLine($"{backend} {fixtureName}: vs PyTorch bf16 {error:E2}; vs float32 logits {fromFloat32:E2}");
        Assert.True(error <= 1e-4, $"bf16 logits max abs error {error:E3} > 1e-4");
        Assert.True(fromFloat32 > 1e-3, $"the logits moved only {fromFloat32:E2} from float32's: were the bfloat16 weights used?");
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Decoding_with_bfloat16_weights_gives_the_logits_of_float32_weights_rounded_alike(string backend)
    {
        string directory = FixturePath.Of("gpt2-tiny"); // untied: rounding the head's copy leaves the embedding alone
        var bf16 = Gpt2Checkpoint.Load(directory, TestBackends.Create(backend));
        bf16.UseBFloat16Weights();
        var rounded = Gpt2Checkpoint.Load(directory, TestBackends.Create(backend));
        foreach (var (_, module) in rounded.NamedModules())
            if (module is Linear linear)
                new BFloat16Weight(linear.Weight).ToTensor().Data.CopyTo(linear.Weight.Data);

        var (a, b) = (new GptDecodingSession(bf16, 1), new GptDecodingSession(rounded, 1));
        int[] prompt = [3, 14, 15, 9, 26, 5];
        double worst = 0;
        var (x, y) = (a.Append(prompt, prompt.Length).ToArray(), b.Append(prompt, prompt.Length).ToArray()); // m = 6: widened
        for (int step = 0; step < 8; step++)
        {
            worst = Math.Max(worst, MaxAbsDifference(x, y));
            int next = TokenSampler.ArgMax(y);
            Assert.Equal(next, TokenSampler.ArgMax(x));
            (x, y) = (a.Append([next], 1).ToArray(), b.Append([next], 1).ToArray()); // m = 1: streamed
        }
        output.WriteLine($"{backend}: decoding logits max abs difference {worst:E2}");
        Assert.True(worst <= 1e-5, $"bf16 vs rounded float32 logits differ by {worst:E3}");
    }

    [Fact]
    public void With_a_graph_the_float32_weights_serve_and_false_drops_the_copies()
    {
        var fixture = GptFixture.Load("gpt2-tiny-tied");
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create("Managed"));
        model.UseBFloat16Weights();
        var logits = model.Forward(fixture.Ids, fixture.Batch, fixture.Seq); // recording: float32
        Assert.True(MaxAbsDifference(logits.Data, fixture.Logits.Data) <= 1e-4);
        Assert.NotNull(logits.GradFn);
        Assert.True(model.BFloat16Bytes() > 0);

        Assert.Equal(model.UseBFloat16Weights(false), model.UseBFloat16Weights(false));
        Assert.Equal(0, model.BFloat16Bytes());
        using (GradMode.NoGrad())
            Assert.True(MaxAbsDifference(model.Forward(fixture.Ids, fixture.Batch, fixture.Seq).Data, fixture.Logits.Data) <= 1e-4);
    }

    [Fact]
    public void A_bfloat16_weight_refuses_to_record_a_graph_and_checks_its_shapes()
    {
        var backend = TestBackends.Create("Managed");
        var weight = new BFloat16Weight(Tensor.Randn(backend, 1, 0.5f, 5, 3));
        var x = Tensor.Parameter(Tensor.Randn(backend, 2, 1f, 4, 3));
        var error = Assert.Throws<InvalidOperationException>(() => x.Linear(weight));
        Assert.Contains("bfloat16", error.Message);
        Assert.Contains("GradMode.NoGrad", error.Message);

        using (GradMode.NoGrad())
        {
            Assert.Equal([4, 5], x.Linear(weight).Shape);
            var shape = Assert.Throws<ArgumentException>(() => Tensor.Zeros(backend, 4, 2).Linear(weight));
            Assert.Contains("in = 3", shape.Message);
        }
        Assert.Throws<ArgumentException>(() => new BFloat16Weight(Tensor.Zeros(backend, 5)));
    }

    [Fact]
    public void Linear_and_LinearGelu_with_a_bfloat16_weight_equal_the_float32_ops_on_the_rounded_weight()
    {
        var backend = TestBackends.Create("Managed");
        var weight = new BFloat16Weight(Tensor.Randn(backend, 1, 0.5f, 37, 19));
        var rounded = weight.ToTensor();
        var bias = Tensor.Randn(backend, 2, 0.5f, 37);
        using var noGrad = GradMode.NoGrad();
        foreach (int rows in new[] { 1, 3, 9 })
        {
            var x = Tensor.Randn(backend, 3 + rows, 1f, rows, 19);
            Assert.True(MaxAbsDifference(x.Linear(weight, bias).Data, x.Linear(rounded, bias).Data) <= 1e-5);
            Assert.True(MaxAbsDifference(x.LinearGelu(weight, bias, GeluApproximation.Erf).Data,
                x.LinearGelu(rounded, bias, GeluApproximation.Erf).Data) <= 1e-5);
        }
    }

    private static double MaxAbsDifference(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        Assert.Equal(a.Length, b.Length);
        double worst = 0;
        for (int i = 0; i < a.Length; i++) worst = Math.Max(worst, Math.Abs((double)a[i] - b[i]));
        return worst;
    }
}
