namespace LlmForge.Cli;

/// <summary>The <c>llmforge</c> command line: dispatches to one command per verb.</summary>
public static class CommandLine
{
    public static int Run(string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            Console.WriteLine("usage: llmforge <command> [options]\ncommands: bench");
            return args.Length == 0 ? 2 : 0;
        }
        Console.Error.WriteLine($"llmforge: unknown command '{args[0]}'");
        return 2;
    }
}
