using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace LlmForge.Cli.Parsing;

/// <summary>
/// The flags of the commands as System.CommandLine options, each with its help text and its value check. A bad value
/// is a parse error of one line naming the flag, the accepted range and the value given
/// (<c>--steps must be an integer ≥ 1, got 'x'</c>). A flag given twice keeps its last value, as it always has.
/// </summary>
public static class Flag
{
    /// <summary>A flag that takes a text value (a path, a name): <c>--out DIR</c>.</summary>
    public static Option<string?> Text(string name, string valueName, string description) => Value<string?>(name, valueName, description, (_, s) => s);

    /// <summary>A flag that may be given several times, all values kept in order: <c>--workload a --workload b</c>.</summary>
    public static Option<string[]> Repeated(string name, string valueName, string description) => new(name)
    {
        Description = description, HelpName = valueName, Arity = ArgumentArity.OneOrMore, AllowMultipleArgumentsPerToken = false,
        DefaultValueFactory = _ => [],
    };

    /// <summary>A switch: present or not, no value (<c>--overwrite</c>).</summary>
    public static Option<bool> Switch(string name, string description) => new(name) { Description = description, Arity = ArgumentArity.Zero };

    /// <summary>One of <paramref name="allowed"/>, case-insensitive, read lower-cased; the values are offered for completion.</summary>
    public static Option<string?> Choice(string name, string valueName, string description, params string[] allowed)
    {
        var option = Value<string?>(name, valueName, description, (result, s) =>
        {
            string value = s.ToLowerInvariant();
            if (allowed.Contains(value)) return value;
            result.AddError($"{name} '{s}' is not valid; valid values: {string.Join(", ", allowed)}");
            return null;
        });
        option.CompletionSources.Add(allowed);
        return option;
    }

    /// <summary>An integer in [<paramref name="min"/>, <paramref name="max"/>]; the error states the same range.</summary>
    public static Option<int?> Int(string name, string valueName, string description, int min = int.MinValue, int max = int.MaxValue) =>
        Value<int?>(name, valueName, description, (result, s) =>
        {
            if (int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out int v) && v >= min && v <= max) return v;
            result.AddError($"{name} must be an integer{Range(min, max)}, got '{s}'");
            return null;
        });

    /// <summary>A non-negative 64-bit integer (a seed).</summary>
    public static Option<ulong?> ULong(string name, string valueName, string description) =>
        Value<ulong?>(name, valueName, description, (result, s) =>
        {
            if (ulong.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out ulong v)) return v;
            result.AddError($"{name} must be a non-negative integer, got '{s}'");
            return null;
        });

    /// <summary>A finite number in [min, max], or (min, max] with <paramref name="minExclusive"/>: the error states the same range.</summary>
    public static Option<float?> Float(string name, string valueName, string description,
        float min = float.NegativeInfinity, float max = float.PositiveInfinity, bool minExclusive = false) =>
        Value<float?>(name, valueName, description, (result, s) =>
        {
            if (float.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out float v) && float.IsFinite(v)
                && v >= min && !(minExclusive && v == min) && v <= max) return v;
            result.AddError($"{name} must be a number{Range(min, max, minExclusive)}, got '{s}'");
            return null;
        });

    /// <summary>The value of a flag the command cannot do without: <c>--corpus is required</c> (a usage error) when absent.</summary>
    public static T Required<T>(this ParseResult parsed, Option<T?> option) where T : class =>
        parsed.GetValue(option) ?? throw new CliException($"{option.Name} is required");

    /// <summary>
    /// One value per occurrence (<see cref="ArgumentArity.OneOrMore"/> without several values per flag), so a repeated
    /// flag parses and its last value counts; <paramref name="convert"/> checks that value and reports a bad one.
    /// </summary>
    private static Option<T> Value<T>(string name, string valueName, string description, Func<ArgumentResult, string, T> convert) => new(name)
    {
        Description = description,
        HelpName = valueName,
        Arity = ArgumentArity.OneOrMore,
        AllowMultipleArgumentsPerToken = false,
        CustomParser = result => convert(result, result.Tokens[^1].Value),
    };

    private static string Range(double min, double max, bool minExclusive = false) =>
        (double.IsInfinity(min) || min <= int.MinValue, double.IsInfinity(max) || max >= int.MaxValue) switch
        {
            (true, true) => "",
            (false, true) => $" {(minExclusive ? ">" : "≥")} {min.ToString(CultureInfo.InvariantCulture)}",
            (true, false) => $" ≤ {max.ToString(CultureInfo.InvariantCulture)}",
            _ => $" in {(minExclusive ? "(" : "[")}{min.ToString(CultureInfo.InvariantCulture)}, {max.ToString(CultureInfo.InvariantCulture)}]",
        };
}
