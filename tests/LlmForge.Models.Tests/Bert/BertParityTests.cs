using LlmForge.Autograd;
using LlmForge.Checkpoints;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.Bert;

/// <summary>
/// BertModel against PyTorch (Hugging Face BERT semantics) on Fixtures/bert-tiny (post-LN, 2 layers, a padded row
/// and two token types) and bert-tiny-preln, on every test backend: MLM logits (1e-4), the masked-LM loss and its
/// gradients, the pooled output, the classifier's logits, loss and gradients. The fixture's float32-vs-float64
/// logits difference (expected.json) is ~2e-6.
/// </summary>
public class BertParityTests(ITestOutputHelper output)
{
    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void MlmLogits_match_PyTorch(string backend)
    {
        foreach (var fixture in new[] { BertFixture.Tiny, BertFixture.PreLN })
        {
            var model = BertCheckpoint.Load(fixture.Directory, TestBackends.Create(backend));
            model.Eval();
            Tensor logits;
            using (GradMode.NoGrad()) logits = model.MaskedLMLogits(fixture.Input);
            Assert.Equal(fixture.MlmLogits.Shape, logits.Shape);
            double error = BertFixture.MaxAbsDifference(logits.Data, fixture.MlmLogits.Data);
            output.WriteLine($"{backend} {Path.GetFileName(fixture.Directory)}: MLM logits max abs error {error:E2}");
            Assert.True(error <= 1e-4, $"{fixture.Directory}: MLM logits max abs error {error:E3} > 1e-4");
        }
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void MlmLoss_and_gradients_match_PyTorch(string backend)
    {
        var fixture = BertFixture.Tiny;
        var model = BertCheckpoint.Load(fixture.Directory, TestBackends.Create(backend));
        var loss = model.MaskedLMLoss(fixture.Input, fixture.MlmLabels);
        double expected = fixture.Expected.GetProperty("mlm_loss").GetDouble();
        output.WriteLine($"{backend}: MLM loss {loss.Item():R} vs {expected:R}");
        Assert.True(Math.Abs(loss.Item() - expected) <= 1e-5, $"MLM loss {loss.Item()} vs PyTorch {expected}");
        loss.Backward();
        AssertGradients(model, fixture.File("mlm_grads.safetensors"), backend);
    }

    [Theory, MemberData(nameof(TestBackends.Names), MemberType = typeof(TestBackends))]
    public void Pooler_and_classifier_match_PyTorch(string backend)
    {
        var fixture = BertFixture.Tiny;
        var (model, initialized) = BertCheckpoint.LoadForClassification(fixture.Directory, TestBackends.Create(backend),
            ["negative", "neutral", "positive"]);
        Assert.Equal(["classifier.weight", "classifier.bias"], initialized); // the fixture keeps them apart:
        using (var classifier = SafeTensorsFile.Open(fixture.File("classifier.safetensors")))
        {
            classifier.ReadInto("classifier.weight", model.GetParameter("classifier.weight").Data);
            classifier.ReadInto("classifier.bias", model.GetParameter("classifier.bias").Data);
        }
        model.Eval();
        var output_ = model.Forward(fixture.Input);
        var pooled = NpyFile.Read<float>(fixture.File("pooled.npy"));
        var classLogits = NpyFile.Read<float>(fixture.File("class_logits.npy"));
        Assert.Equal(pooled.Shape, output_.Pooled!.Shape);
        Assert.True(BertFixture.MaxAbsDifference(output_.Pooled.Data, pooled.Data) <= 1e-5, "pooled output");
        Assert.True(BertFixture.MaxAbsDifference(output_.ClassLogits!.Data, classLogits.Data) <= 1e-4, "classifier logits");

        var loss = model.ClassificationLoss(fixture.Input, fixture.ClassLabels);
        Assert.True(Math.Abs(loss.Item() - fixture.Expected.GetProperty("class_loss").GetDouble()) <= 1e-5, $"class loss {loss.Item()}");
        loss.Backward();
        AssertGradients(model, fixture.File("class_grads.safetensors"), backend);
    }

    private void AssertGradients(LlmForge.Bert.BertModel model, string gradsPath, string backend)
    {
        var map = BertParameterMap.For(model.Config, model.Heads).ToDictionary(r => r.HfName);
        using var grads = SafeTensorsFile.Open(gradsPath);
        Assert.NotEmpty(grads.Entries);
        foreach (var entry in grads.Entries)
        {
            var ours = model.GetParameter(map[entry.Name].Parameter).Grad!;
            var reference = grads.ReadFloat32(entry.Name);
            double scale = ToleranceScale.MaxAbs(reference, entry.Name);
            double relative = BertFixture.MaxAbsDifference(ours, reference) / scale;
            output.WriteLine($"{backend}: ∂loss/∂{entry.Name} max |ref| {scale:E2}, relative error {relative:E2}");
            Assert.True(relative <= 1e-3, $"{entry.Name}: relative gradient error {relative:E3} > 1e-3");
        }
    }
}
