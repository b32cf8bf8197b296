using LlmForge.Checkpoints;
using Xunit;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;

namespace LlmForge.Tests.Cli;

/// <summary>A sharded model directory (model.safetensors.index.json + shards) works with every command as one file does.</summary>
public class ShardedModelCommandTests
{
    [Fact]
    public void A_sharded_GPT2_directory_gives_the_same_info_forward_and_generate_as_one_file()
    {
        var fixture = FixturePath.Of("gpt2-tiny");
        using var dir = new TempDirectory();
        var model = Gpt2Checkpoint.Load(fixture, new LlmForge.Backends.Managed.ManagedBackend());
        Gpt2Checkpoint.Save(model, dir.Path, maxShardBytes: 4096);
        Assert.Contains("model.safetensors.index.json", dir.FileNames());
        Assert.DoesNotContain("model.safetensors", dir.FileNames());

        var info = Cli.Run("info", "--model", dir.Path);
        Assert.True(info.Code == 0, info.Err);
        Assert.Contains("weights        model.safetensors.index.json matches config.json: 29 tensors", info.Out);

        string input = Path.Combine(fixture, "input.json");
        var one = Cli.Run("forward", "--model", fixture, "--input", input, "--out", dir.File("one.npy"));
        var sharded = Cli.Run("forward", "--model", dir.Path, "--input", input, "--out", dir.File("sharded.npy"));
        Assert.True(sharded.Code == 0, sharded.Err);
        Assert.Equal(File.ReadAllBytes(dir.File("one.npy")), File.ReadAllBytes(dir.File("sharded.npy")));

        string[] generate = ["generate", "--prompt-ids", "1,2,3", "--max-new-tokens", "12", "--seed", "5", "--output-ids"];
        var fromOne = Cli.Run([.. generate, "--model", fixture]);
        var fromShards = Cli.Run([.. generate, "--model", dir.Path]);
        Assert.True(fromShards.Code == 0, fromShards.Err);
        Assert.Equal(fromOne.Out, fromShards.Out);
    }
}
