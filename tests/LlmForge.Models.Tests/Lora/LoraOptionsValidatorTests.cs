using LlmForge.Lora;
using Xunit;

namespace LlmForge.Tests.Lora;

public sealed class LoraOptionsValidatorTests
{
    [Fact]
    public void Defaults_AreValid() => Assert.True(new LoraOptionsValidator().Validate(null, new LoraOptions()).Succeeded);

    [Fact]
    public void EveryBadKey_IsNamed()
    {
        var result = new LoraOptionsValidator().Validate(null, new LoraOptions { Rank = 0, Alpha = float.NaN, Dropout = 1, Targets = ["attn.qkv", "bogus"] });
        Assert.True(result.Failed);
        string message = result.FailureMessage;
        Assert.Contains("LlmForge:Lora:Rank 0 is out of range [1, 4096]", message);
        Assert.Contains("LlmForge:Lora:Alpha NaN is out of range", message);
        Assert.Contains("LlmForge:Lora:Dropout 1 is out of range [0, 1)", message);
        Assert.Contains("LlmForge:Lora:Targets:1: unknown target 'bogus'; valid values: attn.qkv, attn.proj, mlp", message);
    }

    [Fact]
    public void EmptyOrRepeatedTargets_AreRefused()
    {
        Assert.Contains("LlmForge:Lora:Targets is empty", new LoraOptionsValidator().Validate(null, new LoraOptions { Targets = [] }).FailureMessage);
        Assert.Contains("names a target twice", new LoraOptionsValidator().Validate(null, new LoraOptions { Targets = ["mlp", "mlp"] }).FailureMessage);
    }

    [Fact]
    public void Create_ValidatesAtStart()
    {
        var e = Assert.Throws<ArgumentException>(() => LoraAdapters.Create(LoraModels.Create(LoraModels.Gpt2), new LoraOptions { Rank = -1 }));
        Assert.Contains("LlmForge:Lora:Rank -1", e.Message);
    }
}
