using System.Globalization;

namespace LlmForge.Cli;

/// <summary>
/// The flags of one command: <c>--name value</c> pairs and bare switches (<c>--output-ids</c>).
/// Every read checks its value and a flag the command does not know is an error naming it,
/// so a typo never silently does nothing.
/// </summary>
public sealed class CliArguments
{
    private readonly Dictionary<string, List<string>> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _switches = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    public string Command { get; }

    private CliArguments(string command) => Command = command;

    /// <summary>Parses <paramref name="args"/>; <paramref name="switches"/> are the flags that take no value.</summary>
    public static CliArguments Parse(string command, IReadOnlyList<string> args, params string[] switches)
    {
        var parsed = new CliArguments(command);
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
                throw new CliException($"{command}: unexpected argument '{arg}' (flags look like --name value)");
            string name = arg[2..];
            string? inline = null;
            int eq = name.IndexOf('=');
            if (eq >= 0) { inline = name[(eq + 1)..]; name = name[..eq]; }
            if (switches.Contains(name) && inline is null)
            {
                parsed._switches.Add(name);
                continue;
            }
            string value = inline ?? (i + 1 < args.Count ? args[++i] : throw new CliException($"{command}: --{name} needs a value"));
            if (!parsed._values.TryGetValue(name, out var list)) parsed._values[name] = list = [];
            list.Add(value);
        }
        return parsed;
    }

    public bool Has(string name) { _read.Add(name); return _values.ContainsKey(name) || _switches.Contains(name); }

    public bool Switch(string name) { _read.Add(name); return _switches.Contains(name); }

    public string? String(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var list) ? list[^1] : null;
    }

    public IReadOnlyList<string> All(string name)
    {
        _read.Add(name);
        return _values.TryGetValue(name, out var list) ? list : [];
    }

    public string Required(string name) =>
        String(name) ?? throw new CliException($"{Command}: --{name} is required");

    /// <summary>The value of --name (lower-cased), which must be one of <paramref name="allowed"/>; null when absent.</summary>
    public string? Choice(string name, params string[] allowed)
    {
        string? s = String(name);
        if (s is null) return null;
        string value = s.ToLowerInvariant();
        if (!allowed.Contains(value))
            throw new CliException($"{Command}: --{name} '{s}' is not valid; valid values: {string.Join(", ", allowed)}");
        return value;
    }

    public int? Int(string name, int min = int.MinValue, int max = int.MaxValue)
    {
        string? s = String(name);
        if (s is null) return null;
        if (!int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) || v < min || v > max)
            throw new CliException($"{Command}: --{name} must be an integer{Range(min, max)}, got '{s}'");
        return v;
    }

    public ulong? ULong(string name)
    {
        string? s = String(name);
        if (s is null) return null;
        if (!ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v))
            throw new CliException($"{Command}: --{name} must be a non-negative integer, got '{s}'");
        return v;
    }

    /// <summary>A finite number in [min, max], or (min, max] with <paramref name="minExclusive"/>: the error states the same range.</summary>
    public float? Float(string name, float min = float.NegativeInfinity, float max = float.PositiveInfinity, bool minExclusive = false)
    {
        string? s = String(name);
        if (s is null) return null;
        if (!float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) || !float.IsFinite(v)
            || v < min || (minExclusive && v == min) || v > max)
            throw new CliException($"{Command}: --{name} must be a number{Range(min, max, minExclusive)}, got '{s}'");
        return v;
    }

    /// <summary>Throws for any flag given on the command line that the command never asked about.</summary>
    public void RejectUnknown()
    {
        var unknown = _values.Keys.Concat(_switches).Where(k => !_read.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new CliException($"{Command}: unknown flag{(unknown.Count > 1 ? "s" : "")} {string.Join(", ", unknown.Select(u => "--" + u))}");
    }

    private static string Range(double min, double max, bool minExclusive = false) =>
        (double.IsInfinity(min) || min <= int.MinValue, double.IsInfinity(max) || max >= int.MaxValue) switch
        {
            (true, true) => "",
            (false, true) => $" {(minExclusive ? ">" : "≥")} {min.ToString(CultureInfo.InvariantCulture)}",
            (true, false) => $" ≤ {max.ToString(CultureInfo.InvariantCulture)}",
            _ => $" in {(minExclusive ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]",
        };
}

/// <summary>A user error on the command line or in its inputs: printed as one line, exit code 2.</summary>
public sealed class CliException(string message) : Exception(message);
