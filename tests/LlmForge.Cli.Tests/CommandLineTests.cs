using Xunit;

namespace LlmForge.Tests.Cli;

public class CommandLineTests
{
    [Fact]
    public void Help_lists_the_commands_and_each_command_has_usage()
    {
        var (code, stdout, _) = Cli.Run("--help");
        Assert.Equal(0, code);
        foreach (var name in new[] { "generate", "forward", "info", "tokenize" })
        {
            Assert.Contains($"  {name} ", stdout);
            var help = Cli.Run(name, "--help");
            Assert.Equal(0, help.Code);
            Assert.StartsWith($"usage: llmforge {name} ", help.Out);
        }
    }

    [Fact]
    public void An_unknown_command_lists_the_valid_ones()
    {
        var (code, _, stderr) = Cli.Run("generat");
        Assert.Equal(2, code);
        Assert.Contains("unknown command 'generat'", stderr);
        Assert.Contains("generate, forward, info, tokenize", stderr);
    }
}
