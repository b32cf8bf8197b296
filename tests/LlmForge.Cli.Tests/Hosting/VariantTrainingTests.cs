using LlmForge.Cli.Hosting;
using LlmForge.Hosting;
using Microsoft.Extensions.Configuration;
using Xunit;

namespace LlmForge.Tests.Hosting;

/// <summary>A variant's Training keys lay over LlmForge:Training, source by source.</summary>
public class VariantTrainingTests
{
    private static IConfiguration Json(string json)
    {
        string file = Path.Combine(Path.GetTempPath(), "llmforge-vt-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, json);
        try { return new ConfigurationBuilder().AddJsonFile(file).Build(); }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Overlay_maps_the_variants_keys_onto_the_shared_section()
    {
        var source = Json("""{ "LlmForge": { "Variants": { "Enc": { "Training": { "BatchSize": 32, "Beta2": 0.999 } }, "other": { "Training": { "MaxSteps": 5 } } } } }""");
        var overlay = VariantTraining.Overlay(source, "LlmForge", "enc"); // variant names are case-insensitive
        Assert.Equal(2, overlay.Count);
        Assert.Equal("32", overlay["LlmForge:Training:BatchSize"]);
        Assert.Equal("0.999", overlay["LlmForge:Training:Beta2"]);
        Assert.Empty(VariantTraining.Overlay(source, "LlmForge", "absent"));
    }

    [Fact]
    public void The_shipped_bert_variant_trains_with_its_own_batch_and_steps_and_flags_still_win()
    {
        var gpt = CliConfiguration.Build(null, new Dictionary<string, string?>());
        Assert.Equal("12", gpt["LlmForge:Training:BatchSize"]);   // gpt-char: the shared section
        var bert = CliConfiguration.Build(null, new Dictionary<string, string?> { ["LlmForge:Variant"] = "bert-mini" });
        Assert.Equal("32", bert["LlmForge:Training:BatchSize"]);
        Assert.Equal("8000", bert["LlmForge:Training:MaxSteps"]);
        var flagged = CliConfiguration.Build(null, new Dictionary<string, string?>
        {
            ["LlmForge:Variant"] = "bert-mini", ["LlmForge:Training:MaxSteps"] = "20",
        });
        Assert.Equal("20", flagged["LlmForge:Training:MaxSteps"]);
        Assert.Equal("32", flagged["LlmForge:Training:BatchSize"]);
    }

    [Fact]
    public void A_later_source_beats_an_earlier_sources_variant_keys()
    {
        string file = Path.Combine(Path.GetTempPath(), "llmforge-vt-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """{ "LlmForge": { "Variant": "bert-mini", "Training": { "BatchSize": 8 } } }""");
        try
        {
            var configuration = CliConfiguration.Build(file, new Dictionary<string, string?>());
            Assert.Equal("8", configuration["LlmForge:Training:BatchSize"]);    // --config's shared key beats appsettings' variant key
            Assert.Equal("8000", configuration["LlmForge:Training:MaxSteps"]);  // appsettings' variant key beats appsettings' shared key
        }
        finally { File.Delete(file); }
    }
}
