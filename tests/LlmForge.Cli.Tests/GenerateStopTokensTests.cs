using LlmForge.Checkpoints;
using LlmForge.Tokenization;
using Xunit;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;

namespace LlmForge.Tests.Cli;

/// <summary><c>llmforge generate</c> stops at every end token the model directory names, and does not print it.</summary>
public class GenerateStopTokensTests
{
    private const string ChatMlTemplate =
        "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content'] + '<|im_end|>' + '\\n'}}{% endfor %}" +
        "{% if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{% endif %}";

    [Fact]
    public void Generation_config_eos_ends_generation_and_is_not_printed()
    {
        using var dir = new TempDirectory();
        File.Copy(FixturePath.Of("tokenizer-json", "tokenizer.json"), dir.File("tokenizer.json"));
        var tokenizer = TokenizerJson.Load(dir.File("tokenizer.json"));
        int start = tokenizer.SpecialTokens["<|im_start|>"]; // a special token that is no end of text or of turn
        var model = Cli.TinyModel(tokenizer.VocabSize);
        Cli.AlwaysPick(model, start);
        Gpt2Checkpoint.Save(model, dir.Path);
        string[] args = ["generate", "--model", dir.Path, "--prompt", "Hello", "--max-new-tokens", "5", "--temperature", "0"];

        var unstopped = Cli.Run([.. args, "--output-ids"]);
        Assert.True(unstopped.Code == 0, unstopped.Err);
        Assert.Equal($"[{start},{start},{start},{start},{start}]\n", unstopped.Out); // the rigged head: only the limit ends it

        File.WriteAllText(dir.File("generation_config.json"), $$"""{"bos_token_id": 1, "eos_token_id": [3, {{start}}]}""");
        var ids = Cli.Run([.. args, "--output-ids"]);
        Assert.True(ids.Code == 0, ids.Err);
        Assert.Equal($"[{start}]\n", ids.Out); // the stop id is the last one given, as transformers' generate keeps eos
        var text = Cli.Run(args);
        Assert.True(text.Code == 0, text.Err);
        Assert.Equal("Hello\n", text.Out); // and it is not printed
    }

    [Fact]
    public void Without_a_tokenizer_config_json_eos_ends_id_generation()
    {
        using var dir = new TempDirectory();
        const int period = 13;
        Cli.WriteGpt2TinyDirectory(dir.Path, alwaysPicks: period);
        foreach (string file in new[] { "encoder.json", "vocab.bpe" }) File.Delete(dir.File(file));
        string[] args = ["generate", "--model", dir.Path, "--prompt-ids", "1,2", "--max-new-tokens", "3", "--temperature", "0", "--output-ids"];
        Assert.Equal("[13,13,13]\n", Cli.Run(args).Out);
        string config = File.ReadAllText(dir.File("config.json"));
        Assert.Contains("\"eos_token_id\": 50256", config);
        File.WriteAllText(dir.File("config.json"), config.Replace("\"eos_token_id\": 50256", "\"eos_token_id\": 13"));
        Assert.Equal("[13]\n", Cli.Run(args).Out);
    }

    [Fact]
    public void The_chat_templates_end_of_turn_ends_generation_and_is_not_printed()
    {
        using var dir = new TempDirectory();
        File.Copy(FixturePath.Of("tokenizer-json", "tokenizer.json"), dir.File("tokenizer.json"));
        var tokenizer = TokenizerJson.Load(dir.File("tokenizer.json"));
        int endOfTurn = tokenizer.SpecialTokens["<|im_end|>"];
        var model = Cli.TinyModel(tokenizer.VocabSize);
        Cli.AlwaysPick(model, endOfTurn);
        Gpt2Checkpoint.Save(model, dir.Path);
        string[] args = ["generate", "--model", dir.Path, "--prompt", "<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n",
            "--max-new-tokens", "4", "--temperature", "0", "--output-ids"];

        Assert.Equal($"[{endOfTurn},{endOfTurn},{endOfTurn},{endOfTurn}]\n", Cli.Run(args).Out); // no template: no end of turn

        File.WriteAllText(dir.File("tokenizer_config.json"),
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string> { ["chat_template"] = ChatMlTemplate, ["eos_token"] = "<|endoftext|>" }));
        var ids = Cli.Run(args);
        Assert.True(ids.Code == 0, ids.Err);
        Assert.Equal($"[{endOfTurn}]\n", ids.Out);
        var text = Cli.Run(args[..^1]);
        Assert.True(text.Code == 0, text.Err);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n\n", text.Out); // the prompt echoed, nothing after it
    }

    [Fact]
    public void A_bad_eos_token_id_is_one_line_naming_the_file_and_key()
    {
        using var dir = new TempDirectory();
        Cli.WriteGpt2TinyDirectory(dir.Path);
        File.WriteAllText(dir.File("generation_config.json"), """{"eos_token_id": "x"}""");
        var (code, _, stderr) = Cli.Run("generate", "--model", dir.Path, "--prompt-ids", "1", "--max-new-tokens", "1", "--output-ids");
        Assert.Equal(1, code);
        Assert.Contains($"{dir.File("generation_config.json")}: key \"eos_token_id\" is \"x\"; expected a token id or a list of ids", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
