using System.Globalization;

namespace LlmForge.Cli.Commands.Bench.Workloads;

/// <summary>The process's peak resident set (VmHWM), which is why every workload runs in a process of its own.</summary>
public static class PeakMemory
{
    /// <summary>VmHWM from /proc/self/status in MiB; where there is no /proc (not Linux), the peak working set.</summary>
    public static double PeakRssMb()
    {
        const string status = "/proc/self/status";
        if (File.Exists(status))
        {
            foreach (string line in File.ReadLines(status))
            {
                if (!line.StartsWith("VmHWM:", StringComparison.Ordinal)) continue;
                string kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) / 1024.0;
            }
        }
        using var self = System.Diagnostics.Process.GetCurrentProcess();
        return self.PeakWorkingSet64 / (1024.0 * 1024.0);
    }
}
