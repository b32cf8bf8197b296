using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Training.Optimizers;
using Xunit;

namespace LlmForge.Tests.Training.Optimizers;

/// <summary>Optimizers against torch's update rules written out in double precision.</summary>
public class OptimizerTests
{
    private static readonly ManagedBackend Backend = new();

    private static (Tensor P, double[] Ref) Param(int n, int seed, string name = "w")
    {
        var p = Tensor.Parameter(Tensor.Randn(Backend, seed, 1f, n), name);
        return (p, p.Data.Select(v => (double)v).ToArray());
    }

    private static float[] Grad(int n, int step) =>
        Enumerable.Range(0, n).Select(i => (float)Math.Sin(0.7 * i + 1.3 * step)).ToArray();

    [Fact]
    public void AdamW_follows_torch_for_three_steps_with_and_without_decay()
    {
        const int n = 37;
        const float lr = 0.01f, b1 = 0.9f, b2 = 0.95f, eps = 1e-8f, wd = 0.1f;
        var (w, wRef) = Param(n, 1, "w");
        var (b, bRef) = Param(n, 2, "b");
        var groups = new[] { new ParameterGroup([new("w", w)], wd), new ParameterGroup([new("b", b)], 0f) };
        var adam = new AdamW(groups, b1, b2, eps);
        var state = new Dictionary<string, (double[] M, double[] V)> { ["w"] = (new double[n], new double[n]), ["b"] = (new double[n], new double[n]) };
        for (int t = 1; t <= 3; t++)
        {
            foreach (var (p, reference, decay, key) in new[] { (w, wRef, wd, "w"), (b, bRef, 0f, "b") })
            {
                var g = Grad(n, t + key.Length);
                SetGrad(p, g);
                var (m, v) = state[key];
                for (int i = 0; i < n; i++)
                {
                    reference[i] *= 1 - lr * decay;
                    m[i] = b1 * m[i] + (1 - b1) * g[i];
                    v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
                    double mHat = m[i] / (1 - Math.Pow(b1, t)), vHat = v[i] / (1 - Math.Pow(b2, t));
                    reference[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
                }
            }
            adam.Step(lr);
        }
        Assert.Equal(3, adam.StepCount);
        for (int i = 0; i < n; i++)
        {
            Assert.Equal(wRef[i], w.Data[i], 1e-5);
            Assert.Equal(bRef[i], b.Data[i], 1e-5);
        }
    }

    [Fact]
    public void Sgd_with_momentum_and_decay_follows_torch()
    {
        const int n = 11;
        const float lr = 0.1f, mu = 0.9f, wd = 0.01f;
        var (w, reference) = Param(n, 3);
        var sgd = new Sgd([new ParameterGroup([new("w", w)], wd)], mu);
        var buf = new double[n];
        for (int t = 1; t <= 3; t++)
        {
            var g = Grad(n, t);
            SetGrad(w, g);
            for (int i = 0; i < n; i++)
            {
                double d = g[i] + wd * reference[i];
                buf[i] = t == 1 ? d : mu * buf[i] + d;
                reference[i] -= lr * buf[i];
            }
            sgd.Step(lr);
        }
        for (int i = 0; i < n; i++) Assert.Equal(reference[i], w.Data[i], 1e-5);
    }

    [Fact]
    public void Parameters_without_gradient_are_left_alone()
    {
        var (w, reference) = Param(5, 4);
        new AdamW([new ParameterGroup([new("w", w)], 0.1f)]).Step(0.1f);
        Assert.Equal(reference.Select(v => (float)v), w.Data);
    }

    [Fact]
    public void Clipping_scales_to_the_max_norm_and_returns_the_norm_before()
    {
        var (a, _) = Param(3, 5, "a");
        var (b, _) = Param(4, 6, "b");
        SetGrad(a, [3, 0, 0]);
        SetGrad(b, [0, 4, 0, 0]);
        double norm = GradientClipping.ClipGlobalNorm([a, b], 1f);
        Assert.Equal(5.0, norm, 1e-6);
        Assert.Equal(0.6f, a.Grad![0], 1e-5f);
        Assert.Equal(0.8f, b.Grad![1], 1e-5f);
        // under the limit: untouched
        Assert.Equal(1.0, GradientClipping.ClipGlobalNorm([a, b], 10f), 1e-5);
        Assert.Equal(0.6f, a.Grad![0], 1e-5f);
    }

    [Fact]
    public void State_round_trips_and_a_missing_entry_is_named()
    {
        var (w, _) = Param(6, 7);
        SetGrad(w, Grad(6, 1));
        var adam = new AdamW([new ParameterGroup([new("blocks.0.w", w)], 0f)]);
        adam.Step(0.01f);
        var saved = adam.State().ToDictionary(s => s.Name, s => (float[])s.Values.Clone());
        Assert.Equal(["blocks.0.w.exp_avg", "blocks.0.w.exp_avg_sq"], saved.Keys.Order());

        var (w2, _) = Param(6, 7);
        var restored = new AdamW([new ParameterGroup([new("blocks.0.w", w2)], 0f)]);
        restored.LoadState(1, k => saved.GetValueOrDefault(k));
        Assert.Equal(1, restored.StepCount);
        Assert.Equal(saved["blocks.0.w.exp_avg_sq"], restored.State().Single(s => s.Name.EndsWith("sq")).Values);

        var ex = Assert.Throws<InvalidDataException>(() => restored.LoadState(1, k => k.EndsWith("sq") ? null : saved[k]));
        Assert.Contains("blocks.0.w.exp_avg_sq", ex.Message);
    }

    [Fact]
    public void Weight_decay_groups_split_matrices_from_vectors()
    {
        var matrix = Tensor.Parameter(Tensor.Zeros(Backend, 2, 3));
        var vector = Tensor.Parameter(Tensor.Zeros(Backend, 3));
        var table = Tensor.Parameter(Tensor.Zeros(Backend, 4, 3));
        var groups = ParameterGroup.ForWeightDecay([new("w", matrix), new("b", vector), new("tok_emb.weight", table)], 0.1f,
            decayEmbeddings: false, isEmbedding: p => p.Name.Contains("emb"));
        Assert.Equal(["w"], groups[0].Parameters.Select(p => p.Name));
        Assert.Equal(0.1f, groups[0].WeightDecay);
        Assert.Equal(["b", "tok_emb.weight"], groups[1].Parameters.Select(p => p.Name));
        Assert.Equal(0f, groups[1].WeightDecay);
    }

    /// <summary>Gives a parameter a gradient the way backward would (allocated by autograd on first use).</summary>
    private static void SetGrad(Tensor p, float[] g)
    {
        var loss = F.Sum(F.Mul(p, Tensor.FromArray(Backend, g, p.Shape)));
        p.ZeroGrad();
        loss.Backward();
    }
}
