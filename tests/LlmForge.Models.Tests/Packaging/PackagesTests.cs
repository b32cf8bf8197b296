using System.Diagnostics;
using LlmForge.Tests.Tokenization;
using Xunit;

namespace LlmForge.Tests.Packaging;

/// <summary>
/// The NuGet packages as a user gets them: tools/pack/check-packages.sh packs the four libraries into a folder feed,
/// checks their metadata and files (XML docs, readme, license, symbols, the MKL shim under runtimes/linux-x64/native),
/// and builds and runs a fresh console app that references the packages, not the projects: a tiny GPT trains and
/// generates on both backends, and the MKL backend finds its shim in the package's runtimes folder; then
/// samples/11-CustomComponent, built the same way outside the repository, trains a GPT and a BERT with its own registered
/// normalization, saves them and reloads them in a new process with identical text. About 100 s here.
/// </summary>
public class PackagesTests
{
    [Fact]
    public async Task A_console_app_built_from_the_packed_packages_trains_and_generates()
    {
        string script = Path.Combine(Gpt2Vocabulary.RepositoryRoot(), "tools", "pack", "check-packages.sh");
        // offline: the feed and the machine's packages folder hold all the app needs (the repository restored them)
        var start = new ProcessStartInfo("bash", [script, "--offline"])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        // The test host may carry the outer build's MSBuild settings; the script's dotnet commands must not inherit them.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase)).ToList())
            start.Environment.Remove(name);
        using var process = Process.Start(start)!;
        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(10)))
        {
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { process.Kill(entireProcessTree: true); throw; }
        }
        Assert.True(process.ExitCode == 0, $"check-packages.sh failed:\n{await output}\n{await error}");
        string printed = await output;
        Assert.Contains("backend Managed;", printed);
        Assert.Contains("(reload-gpt): identical: True", printed);
        Assert.Contains("(reload-bert): identical: True", printed);
        Assert.EndsWith("check-packages: ok", printed.TrimEnd());
    }
}
