using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;

namespace LlmForge.Cli.Parsing;

/// <summary>
/// A command line System.CommandLine could not parse, said in one line as llmforge always has: a stray word
/// (<c>unexpected argument 'x' (flags look like --name value)</c>), a flag without its value (<c>--out needs a value</c>),
/// a bad value (<see cref="Flag"/>'s message), or a flag the command does not have (<c>unknown flag --stpes; did you
/// mean --steps?</c>, the suggestion being System.CommandLine's typo correction).
/// </summary>
internal static class ParseErrors
{
    // System.CommandLine's messages (its resources, English: the tool runs with invariant globalization), which are
    // not public API: the unmatched tokens are said here as flags and words instead.
    public static string Describe(ParseResult parsed)
    {
        var unmatched = parsed.UnmatchedTokens;
        var unrecognized = unmatched.Select(t => $"Unrecognized command or argument '{t}'.")
            .Append("Required command was not provided.").ToHashSet(StringComparer.Ordinal);

        // A stray word comes first, as it did when the whole line was read before any flag; the word after an
        // unknown flag is taken as that flag's value, not reported a second time.
        var unknown = new List<string>();
        bool afterUnknownFlag = false;
        foreach (string token in unmatched)
        {
            if (token.StartsWith("--", StringComparison.Ordinal) && token.Length > 2)
            {
                int eq = token.IndexOf('=');
                unknown.Add(eq >= 0 ? token[..eq] : token);
                afterUnknownFlag = eq < 0;
                continue;
            }
            if (!afterUnknownFlag)
                return token.StartsWith('@')
                    ? $"unexpected argument '{token}' (no response file '{token[1..]}'; flags look like --name value)"
                    : $"unexpected argument '{token}' (flags look like --name value)";
            afterUnknownFlag = false;
        }

        var errors = parsed.Errors.Where(e => !unrecognized.Contains(e.Message)).ToList();
        // A flag at the end without its value: System.CommandLine's "Required argument missing for option: '--out'.".
        foreach (var error in errors)
            if (OptionOf(error.SymbolResult) is { Tokens.Count: 0 } option) return $"{option.Option.Name} needs a value";
        if (errors.Count > 0) return errors[0].Message;

        if (unknown.Count == 0) return "the command line could not be parsed";
        var corrections = TypoCorrections(parsed);
        // "--stpes=5" is matched as a whole word; its flag alone gets the suggestion.
        foreach (string flag in unknown.Where(f => !corrections.ContainsKey(f)).ToList())
            if (TypoCorrections(parsed.RootCommandResult.Command.Parse([parsed.CommandResult.Command.Name, flag])).TryGetValue(flag, out string? suggestion))
                corrections[flag] = suggestion;
        string Named(string flag) => corrections.TryGetValue(flag, out string? guess) ? $"{flag} (did you mean {guess}?)" : flag;
        return unknown.Count == 1
            ? $"unknown flag {unknown[0]}{(corrections.TryGetValue(unknown[0], out string? only) ? $"; did you mean {only}?" : "")}"
            : $"unknown flags {string.Join(", ", unknown.Select(Named))}";
    }

    /// <summary>The command System.CommandLine suggests for a word that is none (<c>generat</c> → generate), or null.</summary>
    public static string? CommandSuggestion(ParseResult parsed, string word) =>
        TypoCorrections(parsed).GetValueOrDefault(word);

    /// <summary>
    /// System.CommandLine's own typo corrections for the unmatched tokens (the first suggestion of each that is not
    /// the help flag), read from what its parse-error action prints when help is off.
    /// </summary>
    private static Dictionary<string, string> TypoCorrections(ParseResult parsed)
    {
        var corrections = new Dictionary<string, string>(StringComparer.Ordinal);
        if (parsed.Action is not ParseErrorAction action) return corrections;
        action.ShowHelp = false;
        action.ShowTypoCorrections = true;
        var output = new StringWriter();
        parsed.Invoke(new InvocationConfiguration
        {
            Output = output, Error = TextWriter.Null, EnableDefaultExceptionHandler = false, ProcessTerminationTimeout = null,
        });
        var headers = parsed.UnmatchedTokens.Distinct().ToDictionary(t => $"'{t}' was not matched. Did you mean one of the following?", t => t, StringComparer.Ordinal);
        string? current = null;
        foreach (string line in output.ToString().Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (headers.TryGetValue(line, out string? unmatched))
                current = unmatched.Split('=')[0];
            else if (current is not null && !IsHelp(line) && corrections.TryAdd(current, line))
                current = null;
        }
        return corrections;
    }

    private static bool IsHelp(string alias) => alias is "--help" or "-h" or "-?" or "/?" or "/h";

    private static OptionResult? OptionOf(SymbolResult? result) => result switch
    {
        OptionResult option => option,
        ArgumentResult { Parent: OptionResult option } => option,
        _ => null,
    };
}
