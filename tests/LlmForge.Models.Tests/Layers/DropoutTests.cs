using LlmForge.Autograd;
using LlmForge.Backends.Managed;
using LlmForge.Layers;
using Xunit;

namespace LlmForge.Tests.Layers;

public class DropoutTests
{
    private static readonly ManagedBackend Backend = new();

    private static Tensor Input() => Tensor.Randn(Backend, 11, 1f, 4, 64);

    [Fact]
    public void Eval_mode_returns_the_input_unchanged()
    {
        var dropout = new Dropout(0.5f, seed: 9);
        dropout.Eval();
        var x = Input();
        Assert.Same(x, dropout.Forward(x));
        Assert.Equal(0, dropout.Calls);
    }

    [Fact]
    public void Zero_rate_in_training_is_the_identity()
    {
        var x = Input();
        Assert.Same(x, new Dropout(0f, seed: 9).Forward(x));
    }

    [Fact]
    public void Each_training_call_draws_a_new_mask_and_the_same_seed_reproduces_the_sequence()
    {
        var x = Input();
        var a = new Dropout(0.5f, seed: 9);
        var first = a.Forward(x).ToArray();
        var second = a.Forward(x).ToArray();
        Assert.NotEqual(first, second);
        Assert.Equal(2, a.Calls);

        var b = new Dropout(0.5f, seed: 9);
        Assert.Equal(first, b.Forward(x).ToArray());
        Assert.Equal(second, b.Forward(x).ToArray());

        Assert.NotEqual(first, new Dropout(0.5f, seed: 10).Forward(x).ToArray());
    }

    [Fact]
    public void Setting_Calls_resumes_the_mask_sequence()
    {
        var x = Input();
        var a = new Dropout(0.3f, seed: 4);
        a.Forward(x);
        a.Forward(x);
        var third = a.Forward(x).ToArray();
        var resumed = new Dropout(0.3f, seed: 4) { Calls = 2 };
        Assert.Equal(third, resumed.Forward(x).ToArray());
    }

    [Fact]
    public void Dropped_elements_are_zero_and_kept_ones_scaled_by_one_over_keep()
    {
        var x = Tensor.Ones(Backend, 1000);
        var y = new Dropout(0.25f, seed: 1).Forward(x).Data;
        Assert.All(y, v => Assert.True(v == 0f || Math.Abs(v - 1f / 0.75f) < 1e-6f, $"value {v}"));
        Assert.InRange(y.Count(v => v == 0f), 200, 300); // p = 0.25 of 1000, σ ≈ 14
    }

    [Fact]
    public void Layers_from_one_init_get_distinct_seeds()
    {
        var init = new ModuleInit(Backend, seed: 1);
        Assert.NotEqual(new Dropout(init, 0.1f).Seed, new Dropout(init, 0.1f).Seed);
        Assert.Equal(new Dropout(new ModuleInit(Backend, 1), 0.1f).Seed, new Dropout(new ModuleInit(Backend, 1), 0.1f).Seed);
    }

    [Fact]
    public void Rate_outside_zero_to_one_is_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1f, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(-0.1f, 0));
    }
}
