using LlmForge.Data;
using LlmForge.Training;
using Xunit;

namespace LlmForge.Tests.Training.Instructions;

/// <summary><see cref="InstructionDataFile"/>, <see cref="ShuffledSplit"/> and the prompt templates.</summary>
public sealed class InstructionDataFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("llmforge-instr-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, string text)
    {
        string path = Path.Combine(_dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void The_fixture_reads_as_json_lines_with_its_line_numbers()
    {
        var tasks = InstructionFixtures.Tasks();
        Assert.Equal(39, tasks.Count);
        Assert.Equal(new InstructionExample("Write the word in capital letters.", "cat", "CAT", 1), tasks[0]);
        Assert.Equal(new InstructionExample("Name a color.", "", "red", 39), tasks[^1]);
    }

    [Fact]
    public void A_json_array_gives_the_same_examples_with_the_line_each_object_starts_on()
    {
        string path = Write("data.json", """
            [
              {"instruction": "Say hi.", "output": "hi"},
              {"instruction": "Double it.",
               "input": "ab", "output": "abab", "extra": 1}
            ]
            """);
        var examples = InstructionDataFile.Read(path);
        Assert.Equal([new("Say hi.", "", "hi", 2), new("Double it.", "ab", "abab", 3)], examples);
    }

    [Theory]
    [InlineData("{\"instruction\": \"a\", \"output\": \"b\"}\n\n{\"instruction\": \"c\"}\n", "line 3: key \"output\" is missing")]
    [InlineData("{\"instruction\": \"a\", \"output\": 5}\n", "line 1: key \"output\" must be a string, got number")]
    [InlineData("{\"instruction\": \"a\", \"output\": \"b\"}\n{\"instruction\": \"a\", \"input\": [], \"output\": \"b\"}\n", "line 2: key \"input\" must be a string, got array")]
    [InlineData("{\"instruction\": \"a\", \"output\": \"b\"}\n{oops\n", "line 2: not valid JSON")]
    [InlineData("[1]", "line 1: expected an object")]
    public void A_bad_example_is_one_message_naming_the_file_line_and_key(string text, string expected)
    {
        string path = Write("bad.jsonl", text);
        var e = Assert.Throws<InvalidDataException>(() => InstructionDataFile.Read(path));
        Assert.StartsWith($"{path}: ", e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void The_split_is_deterministic_disjoint_and_complete()
    {
        var tasks = InstructionFixtures.Tasks();
        var (train, validation) = ShuffledSplit.Split(tasks, 0.2, seed: 11);
        var (train2, validation2) = ShuffledSplit.Split(tasks, 0.2, seed: 11);
        var (_, other) = ShuffledSplit.Split(tasks, 0.2, seed: 12);
        Assert.Equal(7, validation.Count);
        Assert.Equal(train, train2);
        Assert.Equal(validation, validation2);
        Assert.NotEqual(validation, other);
        Assert.Equal(tasks.OrderBy(t => t.Line), train.Concat(validation).OrderBy(t => t.Line));
    }

    [Fact]
    public void The_alpaca_template_leaves_out_an_empty_input()
    {
        var template = PromptTemplates.Get("alpaca");
        Assert.Equal(
            "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
            "### Instruction:\nSpell the word backwards.\n\n### Input:\ncat\n\n### Response:\n",
            template.FormatPrompt(new InstructionExample("Spell the word backwards.", "cat", "tac")));
        Assert.Equal(
            "Below is an instruction that describes a task. Write a response that appropriately completes the request.\n\n" +
            "### Instruction:\nSay hello.\n\n### Response:\n",
            template.FormatPrompt(new InstructionExample("Say hello.", "", "hello")));
        Assert.Equal("<|user|>\nSay hello.\n<|assistant|>\n", PromptTemplates.Get("phi3").FormatPrompt(new InstructionExample("Say hello.", "", "hello")));
        Assert.Contains("alpaca, phi3", Assert.Throws<ArgumentException>(() => PromptTemplates.Get("chatml")).Message);
    }
}
