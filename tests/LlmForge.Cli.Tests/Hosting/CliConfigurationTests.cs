using LlmForge.Cli.Hosting;
using Xunit;

namespace LlmForge.Tests.Cli.Hosting;

/// <summary>The CLI's configuration sources and their order: appsettings.json &lt; --config FILE &lt; environment &lt; flags.</summary>
public class CliConfigurationTests
{
    private static readonly Dictionary<string, string?> NoFlags = [];

    [Fact]
    public void The_shipped_appsettings_json_is_the_base()
    {
        var configuration = CliConfiguration.Build(null, NoFlags);
        Assert.Equal("gpt-char", configuration["LlmForge:Variant"]);
        Assert.Equal("Managed", configuration["LlmForge:Backend"]);
        Assert.Equal("sliding-window", configuration["LlmForge:Variants:gpt-rope-sliding-window:Attention:Kind"]);
    }

    [Fact]
    public void A_config_file_overlays_only_its_keys_and_flags_override_it()
    {
        string file = Path.Combine(Path.GetTempPath(), "llmforge-overlay-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, """{ "LlmForge": { "Backend": "Mkl", "Variants": { "gpt-rope": { "Layers": 2 } } } }""");
        try
        {
            var configuration = CliConfiguration.Build(file, NoFlags);
            Assert.Equal("Mkl", configuration["LlmForge:Backend"]);
            Assert.Equal("2", configuration["LlmForge:Variants:gpt-rope:Layers"]);
            Assert.Equal("128", configuration["LlmForge:Variants:gpt-rope:EmbeddingDim"]); // still the shipped value
            var flagged = CliConfiguration.Build(file, new Dictionary<string, string?> { ["LlmForge:Backend"] = "managed" });
            Assert.Equal("managed", flagged["LlmForge:Backend"]);
        }
        finally { File.Delete(file); }
    }

    [Fact]
    public void Environment_variables_override_files_and_flags_override_environment_variables()
    {
        // A variant only this test reads, so setting the variable cannot disturb tests running in parallel.
        string variable = "LlmForge__Variants__env-test-" + Guid.NewGuid().ToString("N") + "__Layers";
        string key = variable.Replace("__", ":");
        string file = Path.Combine(Path.GetTempPath(), "llmforge-env-" + Guid.NewGuid().ToString("N") + ".json");
        File.WriteAllText(file, $$"""{ "LlmForge": { "Variants": { "{{key.Split(':')[2]}}": { "Layers": 4 } } } }""");
        Environment.SetEnvironmentVariable(variable, "3");
        try
        {
            Assert.Equal("3", CliConfiguration.Build(file, NoFlags)[key]);
            Assert.Equal("5", CliConfiguration.Build(file, new Dictionary<string, string?> { [key] = "5" })[key]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            File.Delete(file);
        }
    }

    [Fact]
    public void A_missing_config_file_is_named()
    {
        var e = Assert.Throws<FileNotFoundException>(() => CliConfiguration.Build("/nonexistent/settings.json", NoFlags));
        Assert.Contains("/nonexistent/settings.json", e.Message);
    }
}
