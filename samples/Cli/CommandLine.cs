using LlmForge.Cli.Commands;

namespace LlmForge.Cli;

/// <summary>The <c>llmforge</c> command line: dispatches the first word to one command class per verb.</summary>
public static class CommandLine
{
    /// <summary>Every verb and its command; a new command is one file in Commands/ and one line here.</summary>
    private static readonly Dictionary<string, (Func<string[], int> Run, string Summary)> Commands = new(StringComparer.Ordinal)
    {
        ["bench"] = (BenchCommand.Run, BenchCommand.Summary),
    };

    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            PrintUsage(args.Length == 0 ? Console.Error : Console.Out);
            return args.Length == 0 ? 2 : 0;
        }
        if (!Commands.TryGetValue(args[0], out var command))
        {
            Console.Error.WriteLine($"llmforge: unknown command '{args[0]}'; commands: {string.Join(", ", Commands.Keys)}");
            return 2;
        }
        try
        {
            return command.Run(args[1..]);
        }
        catch (CommandLineException e)
        {
            Console.Error.WriteLine($"llmforge {args[0]}: {e.Message}");
            return 2;
        }
    }

    private static void PrintUsage(TextWriter writer)
    {
        writer.WriteLine("usage: llmforge <command> [options]   (llmforge <command> --help for its options)");
        writer.WriteLine("commands:");
        foreach (var (name, command) in Commands) writer.WriteLine($"  {name,-10} {command.Summary}");
    }
}
