using System.Diagnostics;
using System.Globalization;
using LlmForge.Cli;
using LlmForge.Tests.Checkpoints;
using Xunit;

namespace LlmForge.Tests.Cli.Reliability;

/// <summary>
/// Ctrl-C during <c>generate</c> goes through the generator's cancellation token: it stops before the next token,
/// ends the printed text with its newline and exits 130, instead of the runtime killing it mid-line.
/// </summary>
public sealed class GenerateInterruptTests : IDisposable
{
    private readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public async Task Sigint_during_generate_stops_before_the_next_token_and_exits_130()
    {
        if (OperatingSystem.IsWindows()) return; // no kill(1) to send the signal with
        string model = Cli.WriteGpt2TinyDirectory(temp.File("m"));
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { typeof(CommandLine).Assembly.Location, "generate", "--model", model, "--prompt", "hello", "--max-new-tokens", "100000000" })
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start)!;
        var first = new char[5];
        int read = 0;
        while (read < first.Length) // the prompt is printed once the signal handlers are in place
        {
            int n = await process.StandardOutput.ReadAsync(first.AsMemory(read));
            Assert.True(n > 0, "generate ended before printing its prompt");
            read += n;
        }
        var rest = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var kill = Process.Start("kill", ["-INT", process.Id.ToString(CultureInfo.InvariantCulture)]))
            await kill.WaitForExitAsync();

        Assert.True(process.WaitForExit(20_000), "generate did not stop after SIGINT");
        string err = await stderr, output = new string(first) + await rest;
        Assert.True(process.ExitCode == 130, err);
        Assert.Equal("SIGINT: stopping before the next token (send it again to stop at once)\n", err);
        Assert.StartsWith("hello", output, StringComparison.Ordinal);
        Assert.EndsWith("\n", output, StringComparison.Ordinal);
    }
}
