using System.Text.Json;
using LlmForge.Tests.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Cli;

public class InfoCommandTests
{
    /// <summary>The parameter count PyTorch reported: the sum of the shapes in model_stats.json.</summary>
    private static long PyTorchParameterCount(string fixture)
    {
        using var stats = JsonDocument.Parse(File.ReadAllText(FixturePath.Of(fixture, "model_stats.json")));
        return stats.RootElement.EnumerateObject()
            .Sum(t => t.Value.GetProperty("shape").EnumerateArray().Aggregate(1L, (n, d) => n * d.GetInt64()));
    }

    [Fact]
    public void Shows_the_architecture_and_the_parameter_count()
    {
        long parameters = PyTorchParameterCount("gpt2-tiny");
        var (code, stdout, stderr) = Cli.Run("info", "--model", FixturePath.Of("gpt2-tiny"));

        Assert.True(code == 0, stderr);
        string[] lines = stdout.TrimEnd('\n').Split('\n');
        Assert.Contains("layers         2 (n_layer)", lines);
        Assert.Contains("heads          3 (n_head), head dim 8", lines);
        Assert.Contains("emb_dim        24 (n_embd)", lines);
        Assert.Contains("context        16 (n_positions)", lines);
        Assert.Contains("vocab          61 (vocab_size)", lines);
        Assert.Contains("tied           false (tie_word_embeddings)", lines);
        Assert.Contains($"parameters     {parameters:N0} (12.32K, from config.json)", lines);
        Assert.Contains($"weights        model.safetensors matches config.json: 29 tensors, {parameters:N0} parameters, F32", lines);
        Assert.Contains("tokenizer      none", lines);
    }

    [Theory]
    [InlineData("gpt2-tiny", false)]
    [InlineData("gpt2-tiny-tied", true)]
    public void Json_is_one_object_with_the_counts(string fixture, bool tied)
    {
        var (code, stdout, _) = Cli.Run("info", "--model", FixturePath.Of(fixture), "--json");

        Assert.Equal(0, code);
        Assert.Single(stdout.TrimEnd('\n').Split('\n'));
        using var json = JsonDocument.Parse(stdout);
        var root = json.RootElement;
        Assert.Equal("gpt2", root.GetProperty("model_type").GetString());
        Assert.Equal(tied, root.GetProperty("tie_word_embeddings").GetBoolean());
        Assert.Equal(PyTorchParameterCount(fixture), root.GetProperty("parameters").GetInt64());
        Assert.True(root.GetProperty("weights").GetProperty("matches").GetBoolean());
        Assert.Equal(PyTorchParameterCount(fixture), root.GetProperty("weights").GetProperty("parameters").GetInt64());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("tokenizer").ValueKind);
    }

    [Fact]
    public void Weights_that_do_not_match_the_config_are_reported_with_exit_code_1()
    {
        using var temp = new TempDirectory();
        File.Copy(FixturePath.Of("gpt2-tiny-tied", "config.json"), temp.File("config.json"));
        File.Copy(FixturePath.Of("gpt2-tiny", "model.safetensors"), temp.File("model.safetensors"));

        var (code, stdout, _) = Cli.Run("info", "--model", temp.Path);

        Assert.Equal(1, code);
        Assert.Contains("weights        model.safetensors does NOT match config.json: ", stdout);
        Assert.Contains("tensor 'transformer.wte.weight' has shape [61, 24] but config.json asks for [61, 12]", stdout);
        Assert.Contains("lm_head.weight", stdout); // untied head in a tied config: wrong shape
    }

    [Fact]
    public void Config_alone_is_enough_and_a_missing_config_is_named()
    {
        using var temp = new TempDirectory();
        var missing = Cli.Run("info", "--model", temp.Path);
        Assert.Equal(1, missing.Code);
        Assert.Equal($"llmforge info: {temp.File("config.json")}: no config.json in the model directory.\n", missing.Err);

        File.Copy(FixturePath.Of("gpt2-tiny", "config.json"), temp.File("config.json"));
        var (code, stdout, _) = Cli.Run("info", "--model", temp.Path);
        Assert.Equal(0, code);
        Assert.Contains("weights        none (model.safetensors not found)", stdout);
        Assert.Contains($"parameters     {PyTorchParameterCount("gpt2-tiny"):N0} ", stdout);
    }

    [Fact]
    public void A_bad_config_key_is_named()
    {
        using var temp = new TempDirectory();
        File.WriteAllText(temp.File("config.json"),
            File.ReadAllText(FixturePath.Of("gpt2-tiny", "config.json")).Replace("\"n_head\": 3", "\"n_head\": 5"));
        var (code, _, stderr) = Cli.Run("info", "--model", temp.Path);
        Assert.Equal(1, code);
        Assert.StartsWith($"llmforge info: {temp.File("config.json")}: ", stderr);
        Assert.Contains("(n_embd) 24 must be divisible by Heads (n_head) 5", stderr);
    }
}
