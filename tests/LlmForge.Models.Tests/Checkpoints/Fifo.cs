using System.Diagnostics;
using Xunit;

namespace LlmForge.Tests.Checkpoints;

/// <summary>Named pipes for the tests that a model directory's readers refuse them (opening one blocks until a writer comes).</summary>
internal static class Fifo
{
    public static string Make(string path)
    {
        using var mkfifo = Process.Start(new ProcessStartInfo("mkfifo", [path]) { UseShellExecute = false })!;
        Assert.True(mkfifo.WaitForExit(10_000), "mkfifo did not return");
        Assert.Equal(0, mkfifo.ExitCode);
        return path;
    }
}
