using System.Text.Json;
using LlmForge.Autograd;
using Xunit;

namespace LlmForge.Tests.Training;

/// <summary>
/// <see cref="F.SmoothedCrossEntropy"/> against PyTorch's <c>CrossEntropyLoss(ignore_index=-100, label_smoothing=ε)</c>
/// (Fixtures/training/label-smoothing.json, written by tools/reference/label_smoothing_reference.py): the loss and every
/// logit's gradient, on both backends.
/// </summary>
public class LabelSmoothingParityTests
{
    public static TheoryData<string, int> Cases()
    {
        var data = new TheoryData<string, int>();
        foreach (var backend in TestBackends.Names)
            for (int i = 0; i < 4; i++) data.Add(backend, i);
        return data;
    }

    [Theory, MemberData(nameof(Cases))]
    public void Loss_and_gradient_match_PyTorch(string backendName, int index)
    {
        using var fixture = JsonDocument.Parse(File.ReadAllText(FixturePath.Of("training", "label-smoothing.json")));
        var c = fixture.RootElement.GetProperty("cases")[index];
        int[] shape = [.. c.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32())];
        float[] values = [.. c.GetProperty("logits").EnumerateArray().Select(v => v.GetSingle())];
        int[] targets = [.. c.GetProperty("targets").EnumerateArray().Select(v => v.GetInt32())];
        float epsilon = c.GetProperty("label_smoothing").GetSingle();
        double expected = c.GetProperty("loss").GetDouble();
        double[] grad = [.. c.GetProperty("grad").EnumerateArray().Select(v => v.GetDouble())];

        var logits = Tensor.Parameter(Tensor.FromArray(TestBackends.Create(backendName), values, shape));
        var loss = logits.SmoothedCrossEntropy(targets, epsilon);
        loss.Backward();

        Assert.True(Math.Abs(loss.Item() - expected) <= 1e-5, $"loss {loss.Item()} vs PyTorch {expected}");
        double worst = logits.Grad!.Select((g, i) => Math.Abs(g - grad[i])).Max();
        Assert.True(worst <= 1e-6, $"max |Δ grad| {worst:E3}");
    }
}
