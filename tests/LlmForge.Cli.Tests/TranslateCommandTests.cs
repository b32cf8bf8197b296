using LlmForge.Backends.Managed;
using LlmForge.Checkpoints;
using LlmForge.EncoderDecoder;
using LlmForge.Tests.Checkpoints;
using LlmForge.Tests.EncoderDecoder;
using LlmForge.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>translate on random-weight directories with an opus-mt SentencePiece tokenizer or a learned BPE (RandomTranslator).</summary>
public class TranslateCommandTests
{
    private static readonly string[] Lines = ["Open the file", "", "Save the document before closing the window.", "Close", "The file could not be opened."];

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var backend in TestBackends.Names)
                foreach (var kind in new[] { "marian", "bpe" })
                    data.Add(kind, backend);
            return data;
        }
    }

    /// <summary>What the library gives for <paramref name="sources"/> with the directory's model and tokenizer.</summary>
    private static string[] Library(string directory, IEnumerable<string> sources, TranslationOptions options)
    {
        var translator = new Translator(MarianCheckpoint.Load(directory, new ManagedBackend()), TranslationTokenizerFiles.Load(directory));
        return [.. translator.Translate(sources, options).Select(t => t.ReplaceLineEndings(" "))];
    }

    private static string[] OutputLines(string stdout) => stdout.EndsWith('\n') ? stdout[..^1].Split('\n') : [stdout];

    [Theory, MemberData(nameof(Cases))]
    public void A_file_gives_one_line_per_line_in_order_as_the_library(string kind, string backend)
    {
        using var temp = new TempDirectory();
        string model = RandomTranslator.WriteDirectory(temp.File("model"), kind, new ManagedBackend());
        string input = temp.File("input.txt");
        File.WriteAllText(input, string.Join("\n", Lines) + "\n");

        var (code, stdout, stderr) = Cli.Run("translate", "--model", model, "--file", input, "--beam", "3", "--max-new-tokens", "10",
            "--batch-size", "2", "--backend", Cli.BackendFlag(backend));

        Assert.True(code == 0, stderr);
        Assert.Empty(stderr);
        string[] lines = OutputLines(stdout);
        Assert.Equal(Lines.Length, lines.Length);
        Assert.Equal(Library(model, Lines, new TranslationOptions { NumBeams = 3, MaxNewTokens = 10 }), lines);
        Assert.Equal("", lines[1]);
        // each line translated alone gives the same line: the order and the batching change nothing
        var (_, third, _) = Cli.Run("translate", "--model", model, "--text", Lines[2], "--beam", "3", "--max-new-tokens", "10");
        Assert.Equal(lines[2] + "\n", third);
    }

    [Fact]
    public void Text_lines_greedy_and_without_the_KV_cache()
    {
        using var temp = new TempDirectory();
        string model = RandomTranslator.WriteDirectory(temp.File("model"), "marian", new ManagedBackend());
        string text = string.Join("\n", Lines[2], Lines[0]);

        var (code, beam, stderr) = Cli.Run("translate", "--model", model, "--text", text, "--max-new-tokens", "12");
        var (_, uncached, _) = Cli.Run("translate", "--model", model, "--text", text, "--max-new-tokens", "12", "--no-kv-cache");
        var (_, greedy, _) = Cli.Run("translate", "--model", model, "--text", text, "--max-new-tokens", "12", "--beam", "1");
        var (_, greedyUncached, _) = Cli.Run("translate", "--model", model, "--text", text, "--max-new-tokens", "12", "--beam", "1", "--no-kv-cache");

        Assert.True(code == 0, stderr);
        Assert.Equal(Library(model, [Lines[2], Lines[0]], new TranslationOptions { NumBeams = 4, MaxNewTokens = 12 }), OutputLines(beam));
        Assert.Equal(beam, uncached);
        Assert.Equal(Library(model, [Lines[2], Lines[0]], new TranslationOptions { NumBeams = 1, MaxNewTokens = 12 }), OutputLines(greedy));
        Assert.Equal(greedy, greedyUncached);
    }

    [Theory]
    [InlineData(2, "llmforge translate: --model is required", "--text", "hello")]
    [InlineData(2, "llmforge translate: give exactly one of --text TEXT or --file FILE", "--model", "MODEL", "--text", "a", "--file", "TEXTFILE")]
    [InlineData(2, "llmforge translate: give exactly one of --text TEXT or --file FILE", "--model", "MODEL")]
    [InlineData(2, "llmforge translate: --beam must be an integer in [1, 64], got '0'", "--model", "MODEL", "--text", "a", "--beam", "0")]
    [InlineData(2, "llmforge translate: --beam must be an integer in [1, 64], got 'four'", "--model", "MODEL", "--text", "a", "--beam", "four")]
    [InlineData(2, "llmforge translate: --max-new-tokens 64 exceeds max_position_embeddings − 1 = 63 of 'MODEL'", "--model", "MODEL", "--text", "a", "--max-new-tokens", "64")]
    [InlineData(1, "llmforge translate: MISSING: no such text file.", "--model", "MODEL", "--file", "MISSING")]
    [InlineData(2, "llmforge translate: --model 'NOWHERE': no such directory", "--model", "NOWHERE", "--text", "a")]
    public void Bad_input_is_one_line_with_the_exit_code_of_the_other_commands(int expectedCode, string expected, params string[] args)
    {
        using var temp = new TempDirectory();
        string model = RandomTranslator.WriteDirectory(temp.File("model"), "marian", new ManagedBackend());
        string file = temp.File("input.txt");
        File.WriteAllText(file, "hello\n");
        string Fill(string s) => s.Replace("MODEL", model).Replace("NOWHERE", temp.File("nowhere")).Replace("MISSING", temp.File("missing.txt")).Replace("TEXTFILE", file);

        var (code, stdout, stderr) = Cli.Run(["translate", .. args.Select(Fill)]);

        Assert.Equal(expectedCode, code);
        Assert.Empty(stdout);
        Assert.Equal(Fill(expected) + "\n", stderr);
    }

    [Fact]
    public void A_GPT_directory_is_refused_in_one_line()
    {
        string gpt = FixturePath.Of("gpt2-tiny");

        var (code, stdout, stderr) = Cli.Run("translate", "--model", gpt, "--text", "hello");

        Assert.Equal(1, code);
        Assert.Empty(stdout);
        Assert.StartsWith($"llmforge translate: '{gpt}' is not an encoder-decoder directory", stderr);
        Assert.Single(stderr.TrimEnd('\n').Split('\n'));
    }
}
