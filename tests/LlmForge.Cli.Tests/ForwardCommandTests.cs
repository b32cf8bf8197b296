using LlmForge.Checkpoints;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tests.Gpt;
using Xunit;

namespace LlmForge.Tests.Cli;

public class ForwardCommandTests
{
    public static TheoryData<string, string> Cases => GptFixture.EveryBackendAndFixture;

    [Theory, MemberData(nameof(Cases))]
    public void Writes_the_PyTorch_logits_of_the_fixture(string backend, string fixtureName)
    {
        var fixture = GptFixture.Load(fixtureName);
        using var temp = new TempDirectory();
        string output = temp.File("logits.npy");

        var (code, stdout, stderr) = Cli.Run("forward", "--model", fixture.Directory,
            "--input", Path.Combine(fixture.Directory, "input.json"), "--out", output, "--backend", Cli.BackendFlag(backend));

        Assert.True(code == 0, stderr);
        Assert.Equal($"{output}: float32 [2, 11, 61]\n", stdout);
        var logits = NpyFile.Read<float>(output);
        Assert.Equal(fixture.Logits.Shape, logits.Shape);
        double maxError = 0;
        for (int i = 0; i < logits.Data.Length; i++)
            maxError = Math.Max(maxError, Math.Abs(logits.Data[i] - fixture.Logits.Data[i]));
        Assert.True(maxError <= 1e-4, $"max abs error {maxError:E3} > 1e-4");
        Assert.Equal(["logits.npy"], temp.FileNames()); // written atomically, no temporary left
    }

    [Theory]
    [InlineData("""{"input_ids": [[1, 2, 3], [4, 5]]}""", "input_ids[1] has 2 ids but input_ids[0] has 3")]
    [InlineData("""{"input_ids": [[1, 2], [4, 61]]}""", "input_ids[1][1] = 61 is outside the model's vocabulary [0, 61)")]
    [InlineData("""{"input_ids": [[1, 2], [4, "x"]]}""", "input_ids[1][1] is \"x\", not an integer token id")]
    [InlineData("""{"input_ids": [1, 2]}""", "input_ids[0] is a Number, not a list of token ids")]
    [InlineData("""{"ids": [[1, 2]]}""", "no \"input_ids\" key")]
    [InlineData("""{"input_ids": []}""", "\"input_ids\" must be a non-empty list of rows")]
    [InlineData("""{"input_ids": [[0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0]]}""", "rows have 17 ids but the model's context length (n_positions) is 16")]
    [InlineData("""{"input_ids": [[1, 2]""", "not valid JSON")]
    public void Bad_input_is_one_line_naming_the_file_and_row(string json, string expected)
    {
        using var temp = new TempDirectory();
        string input = temp.File("input.json");
        File.WriteAllText(input, json);

        var (code, stdout, stderr) = Cli.Run("forward", "--model", FixturePath.Of("gpt2-tiny"), "--input", input, "--out", temp.File("out.npy"));

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith($"llmforge forward: {input}: ", stderr);
        Assert.Contains(expected, stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
        Assert.False(File.Exists(temp.File("out.npy")));
    }

    [Fact]
    public void A_checkpoint_whose_tensors_do_not_match_its_config_names_the_tensor()
    {
        using var temp = new TempDirectory();
        // the untied fixture's config with the tied fixture's (narrower) weights
        File.Copy(FixturePath.Of("gpt2-tiny", "config.json"), temp.File("config.json"));
        File.Copy(FixturePath.Of("gpt2-tiny-tied", "model.safetensors"), temp.File("model.safetensors"));

        var (code, _, stderr) = Cli.Run("forward", "--model", temp.Path, "--input", FixturePath.Of("gpt2-tiny", "input.json"), "--out", temp.File("o.npy"));

        Assert.Equal(1, code);
        Assert.Contains(temp.File("model.safetensors"), stderr);
        Assert.Contains("tensor 'transformer.wte.weight' has shape [61, 12] but the model expects [61, 24]", stderr);
    }

    [Fact]
    public void Missing_files_and_directories_are_named()
    {
        using var temp = new TempDirectory();
        string input = FixturePath.Of("gpt2-tiny", "input.json");

        var noDir = Cli.Run("forward", "--model", temp.File("nope"), "--input", input, "--out", temp.File("o.npy"));
        Assert.Equal((2, $"llmforge forward: --model '{temp.File("nope")}': no such directory\n"), (noDir.Code, noDir.Err));

        var noConfig = Cli.Run("forward", "--model", temp.Path, "--input", input, "--out", temp.File("o.npy"));
        Assert.Equal(1, noConfig.Code);
        Assert.Contains($"{temp.File("config.json")}: no config.json", noConfig.Err);

        File.Copy(FixturePath.Of("gpt2-tiny", "config.json"), temp.File("config.json"));
        var noWeights = Cli.Run("forward", "--model", temp.Path, "--input", input, "--out", temp.File("o.npy"));
        Assert.Equal(1, noWeights.Code);
        Assert.Contains($"{temp.File("model.safetensors")}: no model.safetensors", noWeights.Err);

        var noInput = Cli.Run("forward", "--model", FixturePath.Of("gpt2-tiny"), "--input", temp.File("in.json"), "--out", temp.File("o.npy"));
        Assert.Contains($"{temp.File("in.json")}: no such input file", noInput.Err);

        var noOutDir = Cli.Run("forward", "--model", FixturePath.Of("gpt2-tiny"), "--input", input, "--out", temp.File("sub/o.npy"));
        Assert.Contains($"--out '{temp.File("sub/o.npy")}': directory '{temp.File("sub")}' does not exist", noOutDir.Err);
    }

    [Fact]
    public void Unknown_flags_missing_flags_and_unknown_backends_are_usage_errors()
    {
        string model = FixturePath.Of("gpt2-tiny"), input = FixturePath.Of("gpt2-tiny", "input.json");
        Assert.Equal((2, "", "llmforge forward: unknown flag --outt; did you mean --out?\n"), Cli.Run("forward", "--model", model, "--input", input, "--outt", "x"));
        Assert.Equal((2, "", "llmforge forward: --out is required\n"), Cli.Run("forward", "--model", model, "--input", input));
        var backend = Cli.Run("forward", "--model", model, "--input", input, "--out", "x.npy", "--backend", "gpu");
        Assert.Equal(2, backend.Code);
        Assert.StartsWith("llmforge forward: --backend 'gpu' is not a backend here; valid values: managed", backend.Err);
    }
}
