using System.Globalization;

namespace LlmForge.Cli;

/// <summary>
/// The <c>--name value</c> options of one command. Every option must be one the command knows, so a typo
/// fails with the valid names instead of being ignored.
/// </summary>
public sealed class CommandArguments
{
    private readonly Dictionary<string, string> values = new(StringComparer.Ordinal);

    public CommandArguments(string[] args, params string[] knownOptions)
    {
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new CommandLineException($"unexpected argument '{arg}'; options are --name value");
            string name = arg[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0)
            {
                inline = name[(eq + 1)..];
                name = name[..eq];
            }
            if (!knownOptions.Contains(name))
                throw new CommandLineException($"unknown option '--{name}'; valid options: {string.Join(", ", knownOptions.Select(o => "--" + o))}");
            if (inline is null && i + 1 >= args.Length)
                throw new CommandLineException($"option '--{name}' needs a value");
            values[name] = inline ?? args[++i];
        }
    }

    public string Get(string name, string defaultValue) => values.GetValueOrDefault(name, defaultValue);

    /// <summary>The value of <c>--name</c>, which must be one of <paramref name="allowed"/> (case-insensitive).</summary>
    public string GetChoice(string name, string defaultValue, params string[] allowed)
    {
        string value = Get(name, defaultValue).ToLowerInvariant();
        if (!allowed.Contains(value))
            throw new CommandLineException($"--{name} '{Get(name, defaultValue)}' is not valid; valid values: {string.Join(", ", allowed)}");
        return value;
    }

    public int GetInt(string name, int defaultValue, int min)
    {
        if (!values.TryGetValue(name, out var text)) return defaultValue;
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < min)
            throw new CommandLineException($"--{name} '{text}' is not valid; expected an integer ≥ {min}");
        return value;
    }
}
