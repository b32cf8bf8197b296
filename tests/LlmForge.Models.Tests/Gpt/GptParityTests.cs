using LlmForge.Autograd;
using LlmForge.Checkpoints;
using LlmForge.Gpt;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.Gpt;

/// <summary>
/// GptModel against PyTorch (Hugging Face GPT-2 semantics, and the variants: sinusoidal, rotary, rotary with a
/// sliding window, RMSNorm) on the golden fixtures, on every test backend:
/// logits, the mean cross-entropy and gradients after Backward. The fixture's own float32-vs-float64
/// differences (loss.json) are ~1e-6 for logits and ~1e-7 for gradients, far inside the tolerances.
/// </summary>
public class GptParityTests(ITestOutputHelper output)
{
    public static TheoryData<string, string> Cases => GptFixture.EveryBackendAndFixture;

    [Theory, MemberData(nameof(Cases))]
    public void Logits_match_PyTorch(string backend, string fixtureName)
    {
        var fixture = GptFixture.Load(fixtureName);
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        model.Eval();
        Tensor logits;
        using (GradMode.NoGrad()) logits = model.Forward(fixture.Ids, fixture.Batch, fixture.Seq);

        Assert.Equal(fixture.Logits.Shape, logits.Shape);
        double maxError = MaxAbsDifference(logits.Data, fixture.Logits.Data);
        output.WriteLine($"{backend} {fixtureName}: logits max abs error {maxError:E2}");
        Assert.True(maxError <= 1e-4, $"logits max abs error {maxError:E3} > 1e-4");
    }

    [Theory, MemberData(nameof(Cases))]
    public void Loss_and_gradients_match_PyTorch(string backend, string fixtureName)
    {
        var fixture = GptFixture.Load(fixtureName);
        var model = Gpt2Checkpoint.Load(fixture.Directory, TestBackends.Create(backend));
        var (_, loss) = model.Forward(fixture.Ids, fixture.Targets, fixture.Batch, fixture.Seq);
        double lossError = Math.Abs(loss.Item() - fixture.Loss);
        output.WriteLine($"{backend} {fixtureName}: loss {loss.Item():R} vs {fixture.Loss:R}, error {lossError:E2}");
        Assert.True(lossError <= 1e-5, $"loss {loss.Item()} vs PyTorch {fixture.Loss}");

        loss.Backward();
        var map = Gpt2ParameterMap.For(model.Config).ToDictionary(r => r.HfName);
        using var grads = SafeTensorsFile.Open(fixture.GradsPath);
        Assert.NotEmpty(grads.Entries);
        foreach (var entry in grads.Entries)
        {
            // Our gradients, laid out as the HF tensor (Conv1D transposed, q | k | v side by side).
            var row = map[entry.Name];
            var ours = new float[entry.ElementCount];
            for (int p = 0; p < row.Parameters.Count; p++)
                Gpt2ParameterMap.FromParameter(row, p, model.GetParameter(row.Parameters[p]).Grad!, ours);
            var reference = grads.ReadFloat32(entry.Name);

            double scale = ToleranceScale.MaxAbs(reference, entry.Name);
            double relative = MaxAbsDifference(ours, reference) / scale;
            output.WriteLine($"{backend} {fixtureName}: ∂loss/∂{entry.Name} max |ref| {scale:E2}, relative error {relative:E2}");
            Assert.True(relative <= 1e-3, $"{entry.Name}: relative gradient error {relative:E3} > 1e-3");
        }
    }

    private static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(b.Length, a.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }
}
