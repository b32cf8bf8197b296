using LlmForge.Hosting;
using LlmForge.Lora;
using LlmForge.Tests.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace LlmForge.Tests.Lora;

/// <summary>The LlmForge:Lora section bound by AddLlmForge: configured Targets replace the defaults; bad values name their key at start.</summary>
public sealed class LoraConfigurationTests
{
    private static LlmForgeOptions Bind(Dictionary<string, string?> lora)
    {
        var settings = LlmForgeServices.SmallVariant();
        foreach (var (key, value) in lora) settings[key] = value;
        using var services = LlmForgeServices.Build(settings);
        return services.GetRequiredService<IOptions<LlmForgeOptions>>().Value;
    }

    [Fact]
    public void Configured_targets_replace_the_default_list_instead_of_appending()
    {
        var options = Bind(new() { ["LlmForge:Lora:Targets:0"] = "mlp", ["LlmForge:Lora:Rank"] = "4" });
        Assert.Equal(["mlp"], options.Lora.Targets);
        Assert.Equal(4, options.Lora.Rank);
        Assert.Equal([LoraTargets.AttentionQkv, LoraTargets.AttentionProjection, LoraTargets.Mlp], Bind([]).Lora.Targets);
    }

    [Fact]
    public void A_bad_lora_value_fails_at_start_naming_the_key()
    {
        var e = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["LlmForge:Lora:Targets:0"] = "mlp", ["LlmForge:Lora:Targets:1"] = "mlp" }));
        Assert.Contains("LlmForge:Lora:Targets names a target twice (mlp, mlp)", e.Message);
        e = Assert.Throws<OptionsValidationException>(() => Bind(new() { ["LlmForge:Lora:Rank"] = "0" }));
        Assert.Contains("LlmForge:Lora:Rank", e.Message);
    }
}
