using LlmForge.Tests.Checkpoints;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;
using LlmForge.Tests.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli;

public class TokenizeCommandTests
{
    [Fact]
    public void Gpt2_ids_of_a_text_are_one_compact_json_array()
    {
        var (code, stdout, stderr) = Cli.Run("tokenize", "--tokenizer-dir", Gpt2Vocabulary.Directory(), "--text", "Hello, I am");
        Assert.True(code == 0, stderr);
        Assert.Equal("[15496,11,314,716]\n", stdout);
    }

    [Fact]
    public void A_model_directory_file_input_and_out_file_work_together()
    {
        using var temp = new TempDirectory();
        string model = Directory.CreateDirectory(temp.File("model")).FullName;
        Cli.WriteGpt2TinyDirectory(model);
        File.WriteAllText(temp.File("text.txt"), "Hello, I am<|endoftext|>");

        var (code, stdout, stderr) = Cli.Run("tokenize", "--model", model, "--file", temp.File("text.txt"), "--out", temp.File("ids.json"));

        Assert.True(code == 0, stderr);
        Assert.Empty(stdout);
        Assert.Equal("[15496,11,314,716,50256]\n", File.ReadAllText(temp.File("ids.json")));
        Assert.Equal(["ids.json", "text.txt"], temp.FileNames()); // atomic write: no temporary left
    }

    [Fact]
    public void A_hugging_face_tokenizer_json_directory_encodes_chatml_tokens_as_one_id_each()
    {
        using var temp = new TempDirectory();
        string model = Directory.CreateDirectory(temp.File("model")).FullName;
        File.Copy(FixturePath.Of("tokenizer-json", "tokenizer.json"), Path.Combine(model, "tokenizer.json"));
        const string text = "<|im_start|>user\nHello 😀 world 12345<|im_end|>";

        var (code, stdout, stderr) = Cli.Run("tokenize", "--model", model, "--text", text);

        Assert.True(code == 0, stderr);
        var expected = LlmForge.Tokenization.TokenizerJson.Load(Path.Combine(model, "tokenizer.json")).Encode(text);
        Assert.Equal("[" + string.Join(",", expected) + "]\n", stdout);
        Assert.StartsWith("[447,", stdout); // <|im_start|>: id 447, after the 446 learned tokens and <|endoftext|>
    }

    [Theory]
    [InlineData(new[] { "--text", "x" }, "give exactly one of --model DIR or --tokenizer-dir DIR")]
    [InlineData(new[] { "--model", ".", "--tokenizer-dir", ".", "--text", "x" }, "give exactly one of --model DIR or --tokenizer-dir DIR")]
    [InlineData(new[] { "--tokenizer-dir", "{vocab}" }, "give exactly one of --text TEXT or --file FILE")]
    [InlineData(new[] { "--tokenizer-dir", "{vocab}", "--text", "a", "--file", "b" }, "give exactly one of --text TEXT or --file FILE")]
    [InlineData(new[] { "--tokenizer-dir", "{vocab}", "--file", "/nonexistent/t.txt" }, "/nonexistent/t.txt: no such text file")]
    [InlineData(new[] { "--tokenizer-dir", "{vocab}", "--text", "a", "--out", "/nonexistent/ids.json" }, "directory '/nonexistent' does not exist")]
    [InlineData(new[] { "--model", "{fixture}", "--text", "a" }, "no tokenizer in '{fixture}'")]
    [InlineData(new[] { "--tokenizer-dir", "{vocab}", "--text", "a", "--lang", "en" }, "unknown flag --lang")]
    public void Bad_arguments_are_one_line_errors(string[] flags, string expected)
    {
        string vocab = Gpt2Vocabulary.Directory(), fixture = FixturePath.Of("gpt2-tiny");
        string[] args = [.. flags.Select(f => f.Replace("{vocab}", vocab).Replace("{fixture}", fixture))];
        var (code, stdout, stderr) = Cli.Run(["tokenize", .. args]);
        Assert.NotEqual(0, code);
        Assert.Empty(stdout);
        Assert.StartsWith("llmforge tokenize: ", stderr);
        Assert.Contains(expected.Replace("{fixture}", fixture), stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
