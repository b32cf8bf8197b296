using LlmForge.Checkpoints;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>Files a model directory is read from must be regular files: a FIFO would block the open forever.</summary>
public sealed class ModelFileTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void A_fifo_is_refused_naming_it_without_opening_it()
    {
        string fifo = Fifo.Make(temp.File("model.safetensors"));
        var e = Assert.Throws<CheckpointFormatException>(() => ModelFile.RequireRegular(fifo));
        Assert.Equal($"{fifo}: is a FIFO (named pipe), not a regular file: a model directory's files must be regular files (or links to them).", e.Message);
        // every reader of a model directory goes through it (the call would block forever otherwise)
        Assert.Throws<CheckpointFormatException>(() => SafeTensorsFile.Open(fifo));
        Assert.Throws<CheckpointFormatException>(() => GptConfigJson.Load(fifo));
        Assert.Throws<CheckpointFormatException>(() => BertConfigJson.Load(fifo));
        Assert.Throws<CheckpointFormatException>(() => TrainerStateJson.Load(fifo));
        Assert.Throws<CheckpointFormatException>(() => TokenizerFiles.LoadChar(fifo));
        Assert.Throws<CheckpointFormatException>(() => Gpt2TokenizerFiles.ReadMerges(fifo));
        Assert.Throws<CheckpointFormatException>(() => WordPieceTokenizerFiles.ReadVocabulary(fifo));
    }

    [Fact]
    public void Character_devices_and_directories_are_refused()
    {
        Assert.Contains("is a character device", Assert.Throws<CheckpointFormatException>(() => ModelFile.RequireRegular("/dev/null")).Message);
        Assert.Contains("is a directory", Assert.Throws<CheckpointFormatException>(() => ModelFile.RequireRegular(temp.Path)).Message);
    }

    [Fact]
    public void Regular_files_and_links_to_them_are_fine_and_a_missing_file_is_left_to_the_caller()
    {
        string real = temp.File("config.json");
        File.WriteAllText(real, "{}");
        string link = temp.File("link.json");
        File.CreateSymbolicLink(link, real);

        ModelFile.RequireRegular(real);
        ModelFile.RequireRegular(link);
        Assert.Equal("{}", ModelFile.ReadAllText(link));
        ModelFile.RequireRegular(temp.File("missing.json"));
        Assert.Throws<FileNotFoundException>(() => ModelFile.ReadAllBytes(temp.File("missing.json")));
    }
}
