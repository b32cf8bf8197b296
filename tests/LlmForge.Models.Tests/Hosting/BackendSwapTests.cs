using LlmForge.Autograd;
using LlmForge.Bert;
using LlmForge.Gpt;
using LlmForge.Hosting;
using LlmForge.Layers;
using Microsoft.Extensions.DependencyInjection;
using Xunit;
using Xunit.Abstractions;

namespace LlmForge.Tests.Hosting;

/// <summary>
/// Swapping the backend is one configuration key: the same variant from the same configuration with
/// <c>LlmForge:Backend</c> = Managed and = every other test backend gives the same logits (1e-4) and gradients
/// (1e-3 of each parameter's largest). gpt2-small is left out: two 124M models would not fit the test budget,
/// and its blocks are the gpt-char blocks at another size.
/// </summary>
public class BackendSwapTests(ITestOutputHelper output)
{
    private const string Reference = "Managed";

    public static TheoryData<string, string> Cases
    {
        get
        {
            var cases = new TheoryData<string, string>();
            foreach (var variant in new[] { "gpt-char", "gpt-rope", "gpt-sinusoidal", "gpt-rope-sliding-window", "gpt-rmsnorm", "bert-mini" })
                foreach (var backend in TestBackends.Names.Cast<object[]>().Select(row => (string)row[0]).Where(b => b != Reference))
                    cases.Add(variant, backend);
            return cases;
        }
    }

    [Theory, MemberData(nameof(Cases))]
    public void The_same_variant_on_another_backend_gives_the_same_logits_and_gradients(string variant, string backend)
    {
        var (referenceLogits, referenceModel) = Run(variant, Reference);
        var (logits, model) = Run(variant, backend);
        Assert.Equal(Reference, referenceModel.Backend().Name);
        Assert.Equal(backend, model.Backend().Name);

        double logitError = MaxAbsDifference(referenceLogits, logits);
        output.WriteLine($"{variant} {backend} vs {Reference}: logits max abs difference {logitError:E2}");
        Assert.True(logitError <= 1e-4, $"logits differ by {logitError:E3} > 1e-4");

        var parameters = model.Module.NamedParameters().ToDictionary(p => p.Name, p => p.Parameter);
        var expectedParameters = referenceModel.Module.NamedParameters().ToList();
        // A gradient that is zero in exact arithmetic (BERT's key bias: a constant added to every score of a query
        // leaves the softmax unchanged) is rounding noise on both sides; measured against itself it would be
        // noise over noise. So a parameter's scale is floored at 1e-3 of the model's largest gradient.
        double floor = 1e-3 * expectedParameters.Max(p => ToleranceScale.MaxAbs(p.Parameter.Grad!, p.Name));
        foreach (var (name, expected) in expectedParameters)
        {
            float[] a = expected.Grad!, b = parameters[name].Grad!;
            double scale = Math.Max(ToleranceScale.MaxAbs(a, name), floor);
            double relative = MaxAbsDifference(a, b) / scale;
            Assert.True(relative <= 1e-3, $"{variant} {backend}: ∂loss/∂{name} relative difference {relative:E3} > 1e-3");
        }
    }

    /// <summary>Builds the variant from the shipped configuration with <c>LlmForge:Backend</c> = <paramref name="backend"/>, runs a forward and a backward.</summary>
    private static (float[] Logits, Built Model) Run(string variant, string backend)
    {
        const int batch = 2, seq = 32, vocab = 41; // seq > the sliding window (16), so the window is exercised
        var settings = new Dictionary<string, string?> { ["LlmForge:Backend"] = backend, ["LlmForge:Variant"] = variant };
        using var provider = LlmForgeServices.Build(settings, shipped: true);
        var factory = provider.GetRequiredService<IModelFactory>();
        var rng = new Random(11);
        int[] ids = Enumerable.Range(0, batch * seq).Select(_ => rng.Next(vocab)).ToArray();
        if (factory.GetVariant().IsBert)
        {
            var model = factory.CreateBert(vocabSize: vocab, seed: 5);
            model.Eval();
            int[] mask = Enumerable.Range(0, batch * seq).Select(i => i < seq + 24 ? 1 : 0).ToArray(); // row 2 padded after 24
            int[] labels = ids.Select((id, i) => i % 5 == 1 && mask[i] == 1 ? id : -100).ToArray();
            var input = new BertInput(ids, batch, seq, AttentionMask: mask);
            var logits = model.MaskedLMLogits(input);
            model.MaskedLMLoss(input, labels).Backward();
            return (logits.Data, new Built(model));
        }
        else
        {
            var model = factory.CreateGpt(vocabSize: vocab, seed: 5);
            int[] targets = ids.Skip(1).Append(0).ToArray();
            var (logits, loss) = model.Forward(ids, targets, batch, seq);
            loss.Backward();
            return (logits.Data, new Built(model));
        }
    }

    private sealed record Built(Module Module)
    {
        public Backends.ITensorBackend Backend() => Module switch
        {
            GptModel g => g.Backend,
            BertModel b => b.Backend,
            _ => throw new InvalidOperationException(),
        };
    }

    private static double MaxAbsDifference(float[] a, float[] b)
    {
        Assert.Equal(a.Length, b.Length);
        double max = 0;
        for (int i = 0; i < a.Length; i++) max = Math.Max(max, Math.Abs((double)a[i] - b[i]));
        return max;
    }
}
