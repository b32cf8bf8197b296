using System.Globalization;
using LlmForge.Backends.Profiling;
using LlmForge.Plotting;

namespace LlmForge.Cli.Commands.Bench;

/// <summary>
/// <c>bench --profile</c>'s output: after the workload's result line, one JSON line per kernel family (kernel "*"),
/// the time outside the kernels (family "outside-kernels", kernel "-") and one per kernel, on stdout; the same as a
/// table on stderr, for reading.
/// </summary>
internal static class ProfileReport
{
    public static void Write(string impl, string workload, ProfileBreakdown breakdown, TextWriter stdout, TextWriter stderr)
    {
        foreach (var row in breakdown.Families.Concat(breakdown.Kernels)) stdout.WriteLine(JsonLine(impl, workload, row));
        stdout.Flush();

        var table = new TextTable("family", "kernel", "calls/step", "ms/step", "share", "GFLOP/s");
        foreach (var family in breakdown.Families)
        {
            table.Add(Cells(family.Family, family.Kernel == ProfileRow.NoKernel ? "(autograd, allocation, copies)" : "all", family));
            foreach (var kernel in breakdown.Kernels.Where(k => k.Family == family.Family))
                table.Add(Cells("", kernel.Kernel, kernel));
        }
        stderr.Write(string.Create(CultureInfo.InvariantCulture, $"profile {workload} {impl}: {breakdown.StepMs:F1} ms per step\n{table}"));
    }

    private static string[] Cells(string family, string kernel, ProfileRow row) =>
    [
        family, kernel, F(row.CallsPerStep, "F1"), F(row.MsPerStep, "F2"), F(row.Share * 100, "F1") + " %",
        row.Gflops is { } g ? F(g, "F1") : "",
    ];

    private static string JsonLine(string impl, string workload, ProfileRow row)
    {
        string line = string.Create(CultureInfo.InvariantCulture,
            $"{{\"impl\":\"{impl}\",\"workload\":\"{workload}\",\"kernel\":\"{row.Kernel}\",\"family\":\"{row.Family}\","
            + $"\"calls_per_step\":{row.CallsPerStep:F1},\"ms_per_step\":{row.MsPerStep:F3},\"share\":{row.Share:F4}");
        return row.Gflops is { } g ? string.Create(CultureInfo.InvariantCulture, $"{line},\"gflops\":{g:F1}}}") : line + "}";
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}
