using System.Reflection;
using System.Text.Json;
using TempDirectory = LlmForge.Tests.Checkpoints.TempDirectory;
using LlmForge.Tests.Tokenization;
using Xunit;

namespace LlmForge.Tests.Cli;

/// <summary>
/// What System.CommandLine gives the command line: --version, help listing every flag, typo suggestions, response
/// files, the [suggest] completion directive; and the old forms that keep working (--name=value, a repeated flag).
/// </summary>
public class CommandLineParsingTests
{
    /// <summary>Every command's flags: the public contract its help must list (hidden ones, like bench --in-process, excluded).</summary>
    public static TheoryData<string, string[]> Flags => new()
    {
        { "train", ["--config", "--variant", "--corpus", "--pairs", "--out", "--steps", "--backend", "--seed", "--tokenizer", "--tokenizer-dir", "--vocab-size", "--resume", "--overwrite", "--init-from", "--objective", "--data", "--template", "--lora", "--lora-rank"] },
        { "generate", ["--model", "--prompt", "--prompt-ids", "--max-new-tokens", "--temperature", "--top-k", "--top-p", "--seed", "--backend", "--weights", "--output-ids", "--no-kv-cache", "--sinks", "--window", "--verify"] },
        { "forward", ["--model", "--input", "--out", "--backend"] },
        { "info", ["--model", "--json"] },
        { "tokenize", ["--model", "--tokenizer-dir", "--text", "--file", "--out"] },
        { "bench", ["--workload", "--all", "--workloads", "--backend", "--repeat", "--weights", "--profile"] },
        { "pretrain-bert", ["--corpus", "--out", "--tokenizer-dir", "--vocab-size", "--cased", "--layers", "--hidden", "--heads", "--intermediate", "--seq-len",
            "--pre-ln", "--dropout", "--steps", "--batch-size", "--lr", "--min-lr", "--warmup", "--weight-decay", "--eval-interval", "--eval-batches",
            "--validation-fraction", "--checkpoint-interval", "--log-interval", "--seed", "--backend", "--threads", "--overwrite"] },
        { "fill-mask", ["--model", "--text", "--top-k", "--json", "--backend"] },
        { "classify", ["--model", "--train", "--eval", "--epochs", "--batch-size", "--lr", "--max-length", "--out", "--predict", "--seed", "--backend", "--threads"] },
        { "perplexity", ["--model", "--file", "--policy", "--window", "--sinks", "--stride", "--segment", "--bucket", "--backend", "--weights"] },
        { "translate", ["--model", "--text", "--file", "--beam", "--max-new-tokens", "--length-penalty", "--early-stopping", "--batch-size", "--backend", "--no-kv-cache"] },
        { "merge-lora", ["--model", "--adapter", "--out", "--backend"] },
        { "chat", ["--model", "--system", "--template", "--temperature", "--top-k", "--top-p", "--max-new-tokens", "--seed", "--backend", "--threads", "--weights", "--stats"] },
    };

    [Theory]
    [MemberData(nameof(Flags))]
    public void Help_starts_with_the_usage_line_and_lists_every_flag(string command, string[] flags)
    {
        foreach (string help in new[] { "--help", "-h" })
        {
            var (code, stdout, stderr) = Cli.Run(command, help);
            Assert.Equal((0, ""), (code, stderr));
            Assert.StartsWith($"usage: llmforge {command} ", stdout);
            var listed = stdout.Split('\n').Where(l => l.StartsWith("  --", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[0]).ToList();
            Assert.Equal([.. flags, "--help"], listed.Where(f => f != "-h,").Append("--help").Distinct());
        }
        Assert.DoesNotContain("--in-process", Cli.Run("bench", "--help").Out);
    }

    [Fact]
    public void Version_is_the_libraries_informational_version()
    {
        string expected = typeof(LlmForge.Hosting.IModelFactory).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
        Assert.Matches(@"^\d+\.\d+\.\d+", expected);
        Assert.Equal((0, expected + "\n", ""), Cli.Run("--version"));
    }

    [Fact]
    public void Without_a_command_the_commands_are_listed_as_a_usage_error()
    {
        var (code, stdout, _) = Cli.Run();
        Assert.Equal(2, code);
        Assert.StartsWith("usage: llmforge <command> [flags]", stdout);
        Assert.Equal(Cli.Run("--help").Out, stdout);
        Assert.Equal(Cli.Run("help").Out, stdout);
    }

    [Theory]
    [InlineData(new[] { "train", "--stpes", "5" }, "llmforge train: unknown flag --stpes; did you mean --steps?")]
    [InlineData(new[] { "train", "--stpes=5" }, "llmforge train: unknown flag --stpes; did you mean --steps?")]
    [InlineData(new[] { "pretrain-bert", "--layer", "2" }, "llmforge pretrain-bert: unknown flag --layer; did you mean --layers?")]
    [InlineData(new[] { "info", "--jsno" }, "llmforge info: unknown flag --jsno; did you mean --json?")]
    [InlineData(new[] { "trian", "--steps", "5" }, "llmforge: unknown command 'trian'; did you mean train? commands: train, generate, forward, info, tokenize, bench, pretrain-bert, fill-mask, classify, inspect, plot, perplexity, translate, chat, merge-lora")]
    public void A_misspelled_flag_or_command_is_one_line_with_a_suggestion_and_exit_2(string[] args, string expected)
    {
        Assert.Equal((2, "", expected + "\n"), Cli.Run(args));
    }

    [Fact]
    public void Unknown_flags_without_a_close_name_and_stray_words_stay_errors()
    {
        Assert.Equal((2, "", "llmforge train: unknown flag --zzzzzzzzzz\n"), Cli.Run("train", "--zzzzzzzzzz", "1"));
        Assert.Equal((2, "", "llmforge info: unexpected argument 'extra' (flags look like --name value)\n"), Cli.Run("info", "extra"));
        Assert.Equal((2, "", "llmforge train: --steps needs a value\n"), Cli.Run("train", "--steps"));
    }

    [Fact]
    public void Name_equals_value_and_a_repeated_flag_keep_working()
    {
        string expected = "llmforge train: --steps must be an integer ≥ 1, got 'x'\n";
        Assert.Equal((2, "", expected), Cli.Run("train", "--steps", "x"));
        Assert.Equal((2, "", expected), Cli.Run("train", "--steps=x"));
        Assert.Equal((2, "", expected), Cli.Run("train", "--steps", "5", "--steps", "x")); // the last value counts
        var tokens = Cli.Run("tokenize", "--tokenizer-dir", Gpt2Vocabulary.Directory(), "--text", "ignored", "--text=Hello, I am");
        Assert.Equal((0, "[15496,11,314,716]\n", ""), tokens);
    }

    [Fact]
    public void A_response_file_stands_for_its_flags()
    {
        using var temp = new TempDirectory();
        string rsp = temp.File("args.rsp");
        File.WriteAllText(rsp, $"# the tokenizer and the text\n--tokenizer-dir \"{Gpt2Vocabulary.Directory()}\"\n--text \"Hello, I am\"\n");
        var direct = Cli.Run("tokenize", "--tokenizer-dir", Gpt2Vocabulary.Directory(), "--text", "Hello, I am");
        Assert.Equal((0, "[15496,11,314,716]\n", ""), direct);
        Assert.Equal(direct, Cli.Run("tokenize", "@" + rsp));

        File.WriteAllText(rsp, "--steps x\n");
        Assert.Equal((2, "", "llmforge train: --steps must be an integer ≥ 1, got 'x'\n"), Cli.Run("train", "@" + rsp));
        // A value that only starts with @ is not a response file when no such file exists: it stays the text.
        var at = Cli.Run("tokenize", "--tokenizer-dir", Gpt2Vocabulary.Directory(), "--text", "@nobody");
        Assert.Equal((0, ""), (at.Code, at.Err));
        var tokenizer = LlmForge.Tokenization.Gpt2Tokenizer.FromDirectory(Gpt2Vocabulary.Directory());
        Assert.Equal(tokenizer.Encode("@nobody"), JsonSerializer.Deserialize<int[]>(at.Out));
    }

    [Fact]
    public void The_suggest_directive_completes_commands_and_flags()
    {
        var commands = Cli.Run("[suggest:11]", "llmforge tr");
        Assert.Equal(0, commands.Code);
        var names = commands.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains("train", names); // and pretrain-bert: System.CommandLine matches within a name
        Assert.DoesNotContain("generate", names);

        var flags = Cli.Run("[suggest:17]", "llmforge train --");
        Assert.Equal(0, flags.Code);
        var listed = flags.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (string flag in new[] { "--steps", "--variant", "--overwrite", "--resume", "--help" }) Assert.Contains(flag, listed);

        var values = Cli.Run("[suggest:28]", "llmforge train --tokenizer b");
        Assert.Equal(["bpe"], values.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
