using LlmForge.Cli.Commands;
using LlmForge.Cli.Commands.Bert;
using LlmForge.Diagnostics;

namespace LlmForge.Cli;

/// <summary>The <c>llmforge</c> command line: one <see cref="ICommand"/> per verb, listed here.</summary>
public static class CommandLine
{
    /// <summary>Every command, in the order <c>llmforge --help</c> lists them.</summary>
    private static readonly ICommand[] Commands =
    [
        new TrainCommand(),
        new GenerateCommand(),
        new ForwardCommand(),
        new InfoCommand(),
        new TokenizeCommand(),
        new BenchCommand(),
        new PretrainBertCommand(),
        new FillMaskCommand(),
        new ClassifyCommand(),
    ];

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
        {
            stdout.WriteLine("usage: llmforge <command> [flags]\n\ncommands:");
            foreach (var c in Commands) stdout.WriteLine($"  {c.Name,-10} {c.Summary}");
            return args.Length == 0 ? 2 : 0;
        }
        var command = Commands.FirstOrDefault(c => c.Name == args[0]);
        if (command is null)
        {
            stderr.WriteLine($"llmforge: unknown command '{args[0]}'; commands: {string.Join(", ", Commands.Select(c => c.Name))}");
            return 2;
        }
        try
        {
            return command.Run(args[1..], stdout, stderr);
        }
        catch (Exception e) when (e is CliException or IOException // FileNotFound, DirectoryNotFound, PathTooLong, CheckpointFormatException
                                      or UnauthorizedAccessException or System.Security.SecurityException // "Access to the path '…' is denied."
                                      or InvalidDataException or ArgumentException or InvalidOperationException or NotSupportedException
                                      or Microsoft.Extensions.Options.OptionsValidationException)
        {
            // User errors are one clear line; anything else is a bug and keeps its stack trace.
            // CliArguments' messages already start with the command's name; print it once.
            string message = e is ArgumentException { ParamName: { } parameter }
                ? e.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) // a library argument's name means nothing here
                : e.Message;
            if (message.StartsWith(command.Name + ": ", StringComparison.Ordinal)) message = message[(command.Name.Length + 2)..];
            // Last resort against file content that reached a message unquoted: no terminal escapes, one line.
            stderr.WriteLine($"llmforge {command.Name}: {Printable.Sanitize(message)}");
            return e is CliException ? 2 : 1;
        }
    }
}

/// <summary>One verb of the command line.</summary>
public interface ICommand
{
    string Name { get; }

    string Summary { get; }

    int Run(string[] args, TextWriter stdout, TextWriter stderr);
}
