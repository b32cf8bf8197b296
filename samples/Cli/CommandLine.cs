using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using LlmForge.Cli.Commands;
using LlmForge.Cli.Commands.Bert;
using LlmForge.Cli.Parsing;
using LlmForge.Diagnostics;

namespace LlmForge.Cli;

/// <summary>
/// The <c>llmforge</c> command line: one <see cref="ICommand"/> per verb, listed here, parsed by System.CommandLine
/// (help, <c>--version</c>, typo suggestions, response files <c>@FILE</c>, completion through the <c>[suggest]</c>
/// directive). Every error is one line on stderr: exit 2 for a usage error, 1 for bad input or configuration.
/// </summary>
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
        new InspectCommand(),
        new PlotCommand(),
        new PerplexityCommand(),
        new TranslateCommand(),
        new ChatCommand(),
        new MergeLoraCommand(),
    ];

    private const string RootSynopsis = """
        usage: llmforge <command> [flags]
               llmforge <command> @FILE       (a response file: its flags, one or more a line; # starts a comment)
        """;

    private const string RootNotes = """
        llmforge <command> --help lists a command's flags. Tab completion: see README (dotnet-suggest).
        """;

    /// <summary>The parser, built once: its symbols are only read while parsing.</summary>
    private static readonly RootCommand Root = Build();

    private static readonly ParserConfiguration Parser = ResponseFiles.Configure(new ParserConfiguration { EnablePosixBundling = false });

    public static int Run(string[] args, TextWriter? stdout = null, TextWriter? stderr = null)
    {
        stdout ??= Console.Out;
        stderr ??= Console.Error;
        var invocation = new InvocationConfiguration
        {
            Output = stdout, Error = stderr,
            EnableDefaultExceptionHandler = false, // errors are mapped to one line below
            ProcessTerminationTimeout = null,      // Ctrl-C is train's (InterruptSignals), not the parser's
        };
        // Without a command: the list of commands, as a usage error. "llmforge help" is "llmforge --help".
        if (args.Length == 0) return Root.Parse(["--help"]).Invoke(invocation) == 0 ? 2 : 1;
        if (args is ["help"]) args = ["--help"];

        var parsed = Root.Parse(args, Parser);
        var command = parsed.CommandResult.Command;
        if (command is RootCommand && parsed.Action is ParseErrorAction)
        {
            string word = parsed.UnmatchedTokens.FirstOrDefault() ?? args[0];
            string? guess = ParseErrors.CommandSuggestion(parsed, word);
            stderr.WriteLine($"llmforge: unknown command '{word}'{(guess is null ? "" : $"; did you mean {guess}?")} commands: {string.Join(", ", Commands.Select(c => c.Name))}");
            return 2;
        }
        if (parsed.Action is ParseErrorAction)
        {
            stderr.WriteLine($"llmforge {command.Name}: {Printable.Sanitize(ParseErrors.Describe(parsed))}");
            return 2;
        }
        try
        {
            return parsed.Invoke(invocation);
        }
        catch (Exception e) when (e is CliException or IOException // FileNotFound, DirectoryNotFound, PathTooLong, CheckpointFormatException
                                      or UnauthorizedAccessException or System.Security.SecurityException // "Access to the path '…' is denied."
                                      or InvalidDataException or ArgumentException or InvalidOperationException or NotSupportedException
                                      or Microsoft.Extensions.Options.OptionsValidationException)
        {
            // User errors are one clear line; anything else is a bug and keeps its stack trace.
            string message = e is ArgumentException { ParamName: { } parameter }
                ? e.Message.Replace($" (Parameter '{parameter}')", "", StringComparison.Ordinal) // a library argument's name means nothing here
                : e.Message;
            // Messages that already start with a command's name print it once: the command's, or train's when an alias
            // (pretrain-bert) runs through it.
            if (Commands.FirstOrDefault(c => message.StartsWith(c.Name + ": ", StringComparison.Ordinal)) is { } named)
                message = message[(named.Name.Length + 2)..];
            // Last resort against file content that reached a message unquoted: no terminal escapes, one line.
            stderr.WriteLine($"llmforge {command.Name}: {Printable.Sanitize(message)}");
            return e is CliException ? 2 : 1;
        }
    }

    private static RootCommand Build()
    {
        var root = new RootCommand("llmforge: train, run and inspect transformer language models");
        var commands = new Dictionary<Command, ICommand>();
        foreach (var c in Commands)
        {
            var command = new Command(c.Name, c.Summary);
            foreach (var option in c.Options) command.Add(option);
            command.SetAction((Func<ParseResult, int>)(parsed =>
                c.Run(parsed, parsed.InvocationConfiguration.Output, parsed.InvocationConfiguration.Error)));
            root.Add(command);
            commands[command] = c;
        }
        foreach (var option in root.Options)
        {
            if (option is HelpOption help) help.Action = new HelpLayout(commands, RootSynopsis, RootNotes);
            if (option is VersionOption version) version.Action = new VersionAction();
        }
        return root;
    }
}

/// <summary>One verb of the command line: its flags, its help, and the work it does with the parsed flags.</summary>
public interface ICommand
{
    string Name { get; }

    /// <summary>One line for <c>llmforge --help</c>.</summary>
    string Summary { get; }

    /// <summary>The usage line(s) that start <c>llmforge NAME --help</c>: <c>usage: llmforge NAME …</c>.</summary>
    string Synopsis { get; }

    /// <summary>What <c>--help</c> says after the flags (outputs, figures, exit codes); may be empty.</summary>
    string Notes { get; }

    /// <summary>The flags, with their descriptions and value checks (<see cref="Flag"/>), in the order help lists them.</summary>
    IReadOnlyList<Option> Options { get; }

    int Run(ParseResult parsed, TextWriter stdout, TextWriter stderr);
}
