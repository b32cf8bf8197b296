using System.Text.Json.Nodes;
using LlmForge.Generation;
using LlmForge.Tests.Tokenization.HuggingFace;
using LlmForge.Tokenization;
using Xunit;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;

namespace LlmForge.Tests.Generation;

public class StopTokensTests
{
    private const string ChatMl = "{% for m in messages %}{{'<|im_start|>' + m['role'] + '\\n' + m['content'] + '<|im_end|>\\n'}}{% endfor %}";
    private const string Llama3 = "{% for m in messages %}{{'<|start_header_id|>' + m['role'] + '<|end_header_id|>\\n\\n' + m['content'] + '<|eot_id|>'}}{% endfor %}";

    private static void WriteJson(string path, JsonObject json) => File.WriteAllText(path, json.ToJsonString());

    [Fact]
    public void A_directory_gives_every_eos_it_names_and_its_chat_templates_end_of_turn()
    {
        using var dir = new TempDirectory();
        File.Copy(LearnedFixture.Path, dir.File("tokenizer.json"));
        var tokenizer = TokenizerFiles.Load(dir.Path);
        int endOfText = tokenizer.SpecialTokens["<|endoftext|>"], start = tokenizer.SpecialTokens["<|im_start|>"], end = tokenizer.SpecialTokens["<|im_end|>"];
        WriteJson(dir.File("generation_config.json"), new JsonObject { ["eos_token_id"] = new JsonArray(5, start) });
        WriteJson(dir.File("config.json"), new JsonObject { ["eos_token_id"] = 9 });
        WriteJson(dir.File("tokenizer_config.json"), new JsonObject { ["chat_template"] = ChatMl, ["eos_token"] = new JsonObject { ["content"] = "<|endoftext|>" } });

        var stops = StopTokens.FromModelDirectory(dir.Path, tokenizer);

        // 5 and 9 are ordinary text to this tokenizer: a config.json of another vocabulary, not end tokens.
        Assert.Equal(new[] { endOfText, start, end }.Order(), stops.Ids.Order());
        Assert.Equal([5, 9, start], StopTokens.FromModelDirectory(dir.Path, tokenizer: null).Ids.Order());
        File.Delete(dir.File("tokenizer_config.json"));
        Assert.Equal(new[] { endOfText, start }.Order(), StopTokens.FromModelDirectory(dir.Path, tokenizer).Ids.Order());
    }

    [Fact]
    public void A_llama3_template_stops_at_eot_id()
    {
        using var dir = new TempDirectory();
        var root = (JsonObject)JsonNode.Parse(File.ReadAllText(LearnedFixture.Path))!;
        ((JsonArray)root["added_tokens"]!).Add(new JsonObject
        {
            ["id"] = 449, ["content"] = "<|eot_id|>", ["single_word"] = false, ["lstrip"] = false, ["rstrip"] = false, ["normalized"] = false, ["special"] = true,
        });
        WriteJson(dir.File("tokenizer.json"), root);
        WriteJson(dir.File("tokenizer_config.json"), new JsonObject { ["chat_template"] = Llama3 });
        var stops = StopTokens.FromModelDirectory(dir.Path, TokenizerFiles.Load(dir.Path));
        Assert.Contains(449, stops.Ids);
        Assert.Equal(2, stops.Ids.Count); // and <|endoftext|>
    }

    [Fact]
    public void An_unrecognized_template_or_no_files_add_nothing_and_a_bad_id_is_one_line()
    {
        using var dir = new TempDirectory();
        Assert.Empty(StopTokens.FromModelDirectory(dir.Path, tokenizer: null).Ids);
        WriteJson(dir.File("config.json"), new JsonObject { ["eos_token_id"] = new JsonArray(3, -1) });
        var e = Assert.Throws<InvalidDataException>(() => StopTokens.FromModelDirectory(dir.Path, null));
        Assert.Equal($"{dir.File("config.json")}: key \"eos_token_id\" holds -1; expected non-negative integer ids.", e.Message);
    }

    [Fact]
    public void The_generator_stops_at_any_stop_token_and_yields_it_last()
    {
        var model = FakeLanguageModel.Counting(vocab: 20, contextLength: 16); // picks last + 1
        var generator = new TextGenerator(model, SamplingOptions.Greedy, stopTokenId: 19) { StopTokens = StopTokens.Of(6, 12) };
        Assert.Equal([2, 3, 4, 5, 6], generator.Generate([1], 10));
        Assert.Equal([8, 9, 10, 11, 12], generator.Generate([7], 10));
        Assert.Equal([18, 19], generator.Generate([17], 10)); // the constructor's stop id still ends it
        Assert.Equal([14, 15, 16], new TextGenerator(model, SamplingOptions.Greedy).Generate([13], 3));
    }
}
