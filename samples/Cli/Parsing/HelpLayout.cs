using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;

namespace LlmForge.Cli.Parsing;

/// <summary>
/// What <c>llmforge CMD --help</c> prints: the command's usage line(s) (<see cref="ICommand.Synopsis"/>), its flags as
/// declared (name, value, description: the same declarations the parser uses), then its notes (<see cref="ICommand.Notes"/>:
/// what it writes, its figures). <c>llmforge --help</c> lists the commands the same way. Replaces System.CommandLine's
/// help action (whose layout is not public) so that the help keeps llmforge's form: <c>usage: llmforge …</c> first.
/// </summary>
internal sealed class HelpLayout(IReadOnlyDictionary<Command, ICommand> commands, string rootSynopsis, string rootNotes) : SynchronousCommandLineAction
{
    /// <summary>Descriptions wrap here, the same in a terminal, a pipe and a test.</summary>
    private const int Width = 118;

    /// <summary>The column the descriptions start in.</summary>
    private const int Column = 24;

    public override int Invoke(ParseResult parseResult)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var command = parseResult.CommandResult.Command;
        if (commands.TryGetValue(command, out var c))
        {
            Section(output, c.Synopsis);
            output.WriteLine("flags:");
            foreach (var option in command.Options.Where(o => !o.Hidden && o is not HelpOption)) Row(output, Label(option), option.Description);
            Row(output, "-h, --help", "this help");
            Section(output, c.Notes, leadingBlank: true);
        }
        else
        {
            Section(output, rootSynopsis);
            output.WriteLine("commands:");
            foreach (var sub in command.Subcommands) Row(output, sub.Name, sub.Description);
            output.WriteLine();
            output.WriteLine("flags:");
            Row(output, "-h, --help", "this list; llmforge COMMAND --help: a command's flags");
            Row(output, "--version", "the version (the LlmForge libraries' informational version)");
            Section(output, rootNotes, leadingBlank: true);
        }
        return 0;
    }

    private static string Label(Option option) =>
        option.Arity.MaximumNumberOfValues == 0 ? option.Name : $"{option.Name} {option.HelpName}";

    /// <summary>"  --steps N               description", the description wrapped at <see cref="Width"/> under its column.</summary>
    private static void Row(TextWriter output, string label, string? description)
    {
        string first = $"  {label}";
        string indent = new(' ', Column);
        var line = new System.Text.StringBuilder(first.Length + 2 > Column ? first + "\n" + indent : first.PadRight(Column));
        int lineStart = line.ToString().LastIndexOf('\n') + 1;
        foreach (string word in (description ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            int length = line.Length - lineStart;
            if (length > Column && length + 1 + word.Length > Width)
            {
                output.WriteLine(line.ToString().TrimEnd());
                line.Clear().Append(indent);
                lineStart = 0;
            }
            else if (length > Column) line.Append(' ');
            line.Append(word);
        }
        output.WriteLine(line.ToString().TrimEnd());
    }

    private static void Section(TextWriter output, string text, bool leadingBlank = false)
    {
        if (text.Length == 0) return;
        if (leadingBlank) output.WriteLine();
        output.WriteLine(text.TrimEnd('\n'));
        if (!leadingBlank) output.WriteLine();
    }
}
