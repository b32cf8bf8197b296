using LlmForge.Backends;
using LlmForge.Hosting;
using LlmForge.Layers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace LlmForge.Tests.Hosting;

/// <summary>
/// Keys no option reads are refused by AddLlmForge's own validation (so every application gets it, not only the
/// CLI), at every level of the section, with the closest valid name.
/// </summary>
public class ConfigurationKeysTests
{
    private const string V = "LlmForge:Variants:v:";

    [Theory]
    [InlineData("BatchSzie", "BatchSize")]
    [InlineData("batchsize", "BatchSize")]
    [InlineData("LerningRate", "LearningRate")]
    [InlineData("MaxStep", "MaxSteps")]
    [InlineData("Qqqqqq", null)]
    [InlineData("Rate", null)]
    public void Closest_is_the_nearest_name_within_a_third_of_its_length(string name, string? expected) =>
        Assert.Equal(expected, ConfigurationKeys.Closest(name, VariantTraining.SettingNames));

    /// <summary>(the misspelled key, the exact failure).</summary>
    public static TheoryData<string, string> Misspelled => new()
    {
        { "LlmForge:Training:BatchSzie", "LlmForge:Training:BatchSzie is not a setting; did you mean BatchSize?" },
        { "LlmForge:Varient", "LlmForge:Varient is not a setting; did you mean Variant?" },
        { "LlmForge:LearningRate", "LlmForge:LearningRate is not a setting; did you mean Training:LearningRate?" },
        { V + "EmbedingDim", V + "EmbedingDim is not a setting; did you mean EmbeddingDim?" },
        { V + "Attention:Knd", V + "Attention:Knd is not a setting; did you mean Kind?" },
        { V + "Normalization:Epsilom", V + "Normalization:Epsilom is not a setting; did you mean Epsilon?" },
        { V + "Training:MaxStps", V + "Training:MaxStps is not a setting; did you mean MaxSteps?" },
    };

    [Theory, MemberData(nameof(Misspelled))]
    public void A_misspelled_key_fails_at_start_with_the_closest_name(string key, string message)
    {
        var settings = LlmForgeServices.SmallVariant();
        settings[key] = "3";
        using var provider = LlmForgeServices.Build(settings);
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Equal(message, e.Message);
    }

    [Fact]
    public void The_shipped_configuration_has_no_unknown_key()
    {
        using var provider = LlmForgeServices.Build(new Dictionary<string, string?>(), shipped: true);
        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Keys_are_named_under_the_sections_own_path()
    {
        var settings = LlmForgeServices.SmallVariant().ToDictionary(kv => kv.Key.Replace("LlmForge:", "Models:Forge:", StringComparison.Ordinal), kv => kv.Value);
        settings["Models:Forge:Training:Seeed"] = "1";
        var services = new ServiceCollection().AddManagedBackend().AddLlmForge(LlmForgeServices.Configuration(settings).GetSection("Models:Forge"));
        using var provider = services.BuildServiceProvider();
        var e = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>());
        Assert.Equal("Models:Forge:Training:Seeed is not a setting; did you mean Seed?", e.Message);
    }

    [Fact]
    public void Bound_at_the_root_only_the_sections_own_subtrees_are_checked()
    {
        // The application's other settings share the root; a misspelling inside Training is still ours to report.
        var settings = LlmForgeServices.SmallVariant().ToDictionary(kv => kv.Key["LlmForge:".Length..], kv => kv.Value);
        settings["Logging:LogLevel:Default"] = "Information";
        using (var provider = new ServiceCollection().AddManagedBackend().AddLlmForge(LlmForgeServices.Configuration(settings)).BuildServiceProvider())
            Assert.Equal("v", provider.GetRequiredService<IModelFactory>().DefaultVariant);
        settings["Training:BatchSzie"] = "8";
        using (var provider = new ServiceCollection().AddManagedBackend().AddLlmForge(LlmForgeServices.Configuration(settings)).BuildServiceProvider())
            Assert.Equal("Training:BatchSzie is not a setting; did you mean BatchSize?",
                Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>()).Message);
    }

    [Fact]
    public void Theta_is_refused_where_the_kind_ignores_it_and_allowed_for_rotary_and_registered_kinds()
    {
        var settings = LlmForgeServices.SmallVariant();
        settings[V + "PositionalEncoding:Theta"] = "500";
        using (var provider = LlmForgeServices.Build(settings))
            Assert.Equal(V + "PositionalEncoding:Theta has no effect with learned positions (rotary and registered kinds read it); remove it or use Kind rotary.",
                Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>()).Message);

        settings[V + "PositionalEncoding:Kind"] = "rotary";
        using (var provider = LlmForgeServices.Build(settings))
            Assert.Equal(500, provider.GetRequiredService<IModelFactory>().GetVariant().Options.PositionalEncoding.Theta);

        // A registered kind receives Theta in its context (PositionalEncodingContext.Theta), so it may be given one.
        settings[V + "PositionalEncoding:Kind"] = "my-positions";
        using (var provider = LlmForgeServices.Build(settings, register: s => s.AddPositionalEncoding("my-positions",
                   c => new SinusoidalPositionalEncoding(c.Init, c.ContextLength, c.EmbeddingDim))))
            Assert.Equal("my-positions", provider.GetRequiredService<IModelFactory>().GetVariant().PositionalEncoding.Name);
    }

    [Fact]
    public void A_key_of_the_other_architecture_is_refused()
    {
        var settings = LlmForgeServices.SmallVariant("bert");
        settings[V + "TieWeights"] = "true";
        using var provider = LlmForgeServices.Build(settings);
        Assert.Equal(V + "TieWeights applies to gpt variants only; this one is bert.",
            Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IModelFactory>()).Message);
    }

    [Fact]
    public void A_variant_training_key_that_is_no_setting_is_not_laid_over_the_shared_section()
    {
        var source = LlmForgeServices.Configuration(new Dictionary<string, string?>
        {
            ["LlmForge:Variants:enc:Training:BatchSzie"] = "8", ["LlmForge:Variants:enc:Training:MaxSteps"] = "5",
        });
        var overlay = VariantTraining.Overlay(source, "LlmForge", "enc");
        Assert.Equal(["LlmForge:Training:MaxSteps"], overlay.Keys);
    }
}
