using System.Globalization;

namespace LlmForge.Hosting;

/// <summary>
/// The one range check and message of every numeric setting: <c>LlmForge:Training:BatchSize 2000000000 is out of
/// range [1, 1048576].</c> Every comparison is written so that NaN fails it.
/// </summary>
internal static class SettingRange
{
    /// <summary>Adds a failure to <paramref name="errors"/> unless <paramref name="value"/> is in [min, max].</summary>
    public static void Check(List<string> errors, string key, long value, long min, long max, string? note = null)
    {
        if (!(value >= min && value <= max))
            errors.Add($"{key} {Show(value)} is out of range [{Show(min)}, {Show(max)}]{Note(note)}.");
    }

    /// <summary>
    /// Adds a failure unless <paramref name="value"/> is finite and in the interval; <paramref name="minOpen"/> and
    /// <paramref name="maxOpen"/> exclude the bound itself (a learning rate of 0, a beta of 1).
    /// </summary>
    public static void Check(List<string> errors, string key, double value, double min, double max,
        bool minOpen = false, bool maxOpen = false, string? note = null) =>
        Interval(errors, key, value, Show(value), min, max, minOpen, maxOpen, note);

    /// <summary>A float setting, shown as it was written (0.1, not 0.100000001490116).</summary>
    public static void Check(List<string> errors, string key, float value, double min, double max,
        bool minOpen = false, bool maxOpen = false, string? note = null) =>
        Interval(errors, key, value, value.ToString(CultureInfo.InvariantCulture), min, max, minOpen, maxOpen, note);

    private static void Interval(List<string> errors, string key, double value, string shown, double min, double max,
        bool minOpen, bool maxOpen, string? note)
    {
        bool above = minOpen ? value > min : value >= min;
        bool below = maxOpen ? value < max : value <= max;
        if (!(double.IsFinite(value) && above && below))
            errors.Add($"{key} {shown} is out of range {(minOpen ? "(" : "[")}{Show(min)}, {Show(max)}{(maxOpen ? ")" : "]")}{Note(note)}.");
    }

    public static string Show(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Show(double value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Note(string? note) => note is null ? "" : $" ({note})";
}
