using System.Diagnostics;
using Gpt2Vocabulary = LlmForge.Tests.Tokenization.Gpt2Vocabulary;
using Xunit;

namespace LlmForge.Tests.Samples;

/// <summary>
/// Runs a sample as a user runs it: <c>dotnet NAME.dll ARGS</c> in a process of its own, from the sample's own build
/// output (its project is referenced by this test project without its assembly, so it is built first, beside this
/// build's configuration).
/// </summary>
internal static class SampleProcess
{
    /// <summary>samples/<paramref name="folder"/>/bin/CONFIG/TFM/<paramref name="assembly"/>.dll; fails when not built.</summary>
    public static string Dll(string folder, string assembly)
    {
        var tfm = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        string dll = Path.Combine(Gpt2Vocabulary.RepositoryRoot(), "samples", folder, "bin", tfm.Parent!.Name, tfm.Name, assembly + ".dll");
        Assert.True(File.Exists(dll), $"{dll} is not built");
        return dll;
    }

    /// <summary>Starts <paramref name="dll"/> with <paramref name="args"/>, standard output and error redirected.</summary>
    public static Process Start(string dll, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(dll);
        foreach (string a in args) start.ArgumentList.Add(a);
        return Process.Start(start)!;
    }

    /// <summary>
    /// Waits at most 5 minutes for the process (killed past that) and returns its exit code and output. A sample runs
    /// in under 2 minutes alone (the longest, 03, in 35–80 s); the margin is for the rest of the suite sharing the cores.
    /// </summary>
    public static async Task<(int Code, string Stdout, string Stderr)> Finish(Process process, Task<string> stdout, Task<string> stderr)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        try { await process.WaitForExitAsync(timeout.Token); }
        catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Runs the sample to its end and asserts exit code 0, returning its standard output.</summary>
    public static async Task<string> RunToSuccess(string folder, string assembly, params string[] args)
    {
        using var process = Start(Dll(folder, assembly), args);
        var (code, stdout, stderr) = await Finish(process, process.StandardOutput.ReadToEndAsync(), process.StandardError.ReadToEndAsync());
        Assert.True(code == 0, $"{folder} exited {code}\n{stdout}\n{stderr}");
        return stdout;
    }
}
