using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Layers;

public class ModuleTests
{
    private static readonly ModuleInit Init = new(new ManagedBackend(), seed: 3);

    /// <summary>A two-level tree with a tied weight, like GPT's tok_emb / out_head.</summary>
    private sealed class Tree : Module
    {
        public Tree(bool tie)
        {
            Embed = RegisterModule("emb", new Embedding(Init, 5, 4));
            Stack = RegisterModule("stack", new Sequential(new Linear(Init, 4, 3), new Dropout(0.5f, 1), new LayerNorm(Init, 3)));
            Head = RegisterModule("head", tie ? new Linear(Embed.Weight) : new Linear(Init, 4, 5, bias: false));
        }

        public Embedding Embed { get; }

        public Sequential Stack { get; }

        public Linear Head { get; }
    }

    [Fact]
    public void NamedParameters_are_dotted_paths_in_registration_order()
    {
        var names = new Tree(tie: false).NamedParameters().Select(p => p.Name + " " + Linear.Format(p.Parameter.Shape));
        Assert.Equal(
            ["emb.weight [5, 4]", "stack.0.weight [3, 4]", "stack.0.bias [3]", "stack.2.scale [3]", "stack.2.shift [3]", "head.weight [5, 4]"],
            names);
    }

    [Fact]
    public void Tied_weight_is_listed_and_counted_once()
    {
        var tree = new Tree(tie: true);
        Assert.Same(tree.Embed.Weight, tree.Head.Weight);
        Assert.DoesNotContain(tree.NamedParameters(), p => p.Name == "head.weight");
        Assert.Equal(5 * 4 + 3 * 4 + 3 + 3 + 3, tree.ParameterCount());
        Assert.Equal(5 * 4 + 3 * 4 + 3 + 3 + 3 + 5 * 4, new Tree(tie: false).ParameterCount());
        // The tied tensor is still reachable under its second name.
        Assert.Same(tree.Embed.Weight, tree.GetParameter("emb.weight"));
    }

    [Fact]
    public void Registered_parameters_require_grad()
    {
        Assert.All(new Tree(tie: false).Parameters(), p => Assert.True(p.RequiresGrad));
    }

    [Fact]
    public void Train_and_Eval_reach_every_descendant()
    {
        var tree = new Tree(tie: false);
        Assert.All(tree.NamedModules(), m => Assert.True(m.Module.IsTraining));
        tree.Eval();
        Assert.All(tree.NamedModules(), m => Assert.False(m.Module.IsTraining));
        tree.Train();
        Assert.All(tree.NamedModules(), m => Assert.True(m.Module.IsTraining));
        Assert.Equal(["", "emb", "stack", "stack.0", "stack.1", "stack.2", "head"], tree.NamedModules().Select(m => m.Name));
    }

    [Fact]
    public void ZeroGrad_clears_every_gradient()
    {
        var tree = new Tree(tie: true);
        var x = tree.Stack.Forward(tree.Embed.Forward([1, 2, 3]));
        x.Sum().Backward();
        Assert.Contains(tree.Parameters(), p => p.Grad is not null && p.Grad.Any(g => g != 0));
        tree.ZeroGrad();
        Assert.All(tree.Parameters(), p => Assert.True(p.Grad is null || p.Grad.All(g => g == 0)));
    }

    private sealed class Bad : Module
    {
        public void Add(string name) => RegisterParameter(name, Tensor.Zeros(Init.Backend, 2));
    }

    [Fact]
    public void Bad_names_are_rejected_naming_the_name()
    {
        var bad = new Bad();
        bad.Add("w");
        Assert.Contains("'w' is already registered", Assert.Throws<ArgumentException>(() => bad.Add("w")).Message);
        Assert.Contains("'a.b'", Assert.Throws<ArgumentException>(() => bad.Add("a.b")).Message);
        Assert.Contains("no parameter 'x'", Assert.Throws<KeyNotFoundException>(() => bad.GetParameter("x")).Message);
    }

    [Fact]
    public void Same_seed_gives_same_weights_and_other_seeds_differ()
    {
        var backend = new ManagedBackend();
        float[] Weights(int seed) => new Linear(new ModuleInit(backend, seed), 8, 8).Weight.ToArray();
        Assert.Equal(Weights(1), Weights(1));
        Assert.NotEqual(Weights(1), Weights(2));
    }

    [Fact]
    public void Linear_init_is_normal_with_the_given_std_and_zero_bias()
    {
        var linear = new Linear(new ModuleInit(new ManagedBackend(), 5), 200, 100, std: 0.02f);
        var w = linear.Weight.Data;
        double mean = w.Average(v => (double)v), std = Math.Sqrt(w.Average(v => (double)v * v) - mean * mean);
        Assert.InRange(mean, -0.001, 0.001);   // 20000 samples: standard error 1.4e-4
        Assert.InRange(std, 0.0195, 0.0205);
        Assert.All(linear.Bias!.Data, b => Assert.Equal(0f, b));
    }

    [Fact]
    public void Embedding_rejects_an_id_outside_the_table_naming_it()
    {
        var embedding = new Embedding(Init, 5, 4);
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => embedding.Forward([1, 5, 2]));
        Assert.Contains("id 5 at index 1 is outside [0, 5)", error.Message);
    }
}
