using System.Diagnostics;
using System.Reflection;

namespace LlmForge.Cli.Commands.Bench.Workloads;

/// <summary>
/// Runs each workload × implementation in a fresh process of this same program, so that the peak RSS a run
/// reports (VmHWM is per process) is its own and not the largest of everything run before it.
/// </summary>
public static class ChildProcesses
{
    /// <summary>
    /// Starts this program once per entry of <paramref name="runs"/> with those arguments, one after the other.
    /// Each child's stdout lines (the JSON results) are copied to <paramref name="stdout"/>; its stderr (progress,
    /// errors) goes straight to this process's stderr. Returns the number of children that failed.
    /// </summary>
    public static int RunEach(IEnumerable<IReadOnlyList<string>> runs, TextWriter stdout)
    {
        int failed = 0;
        foreach (var args in runs)
        {
            var start = SelfStartInfo();
            foreach (string arg in args) start.ArgumentList.Add(arg);
            start.RedirectStandardOutput = true;
            start.RedirectStandardError = false;
            start.UseShellExecute = false;
            using var child = Process.Start(start) ?? throw new InvalidOperationException($"could not start {start.FileName}");
            while (child.StandardOutput.ReadLine() is { } line)
            {
                stdout.WriteLine(line);
                stdout.Flush();
            }
            child.WaitForExit();
            if (child.ExitCode != 0) failed++;
        }
        return failed;
    }

    /// <summary>This program: its apphost, or <c>dotnet program.dll</c> when it was started through the dotnet host.</summary>
    private static ProcessStartInfo SelfStartInfo()
    {
        string host = Environment.ProcessPath ?? throw new InvalidOperationException("the path of this process is unknown");
        var start = new ProcessStartInfo(host);
        if (Path.GetFileNameWithoutExtension(host) == "dotnet")
        {
            string entry = Assembly.GetEntryAssembly()?.Location
                ?? throw new InvalidOperationException("the entry assembly of this process is unknown");
            start.ArgumentList.Add(entry);
        }
        return start;
    }
}
