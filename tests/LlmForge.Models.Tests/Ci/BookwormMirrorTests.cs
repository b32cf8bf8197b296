using System.Diagnostics;
using Xunit;
using LlmForge.Tests.Tokenization;

namespace LlmForge.Tests.Ci;

/// <summary>
/// .ci/bookworm-mirror: .ci/setup adds Debian's non-free component on the mirror the machine already uses for
/// bookworm (a local mirror or proxy), never on a fixed address.
/// </summary>
public class BookwormMirrorTests
{
    private static string Mirror(params (string File, string Text)[] files)
    {
        using var apt = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(apt.Path, "sources.list.d"));
        foreach (var (file, text) in files) File.WriteAllText(Path.Combine(apt.Path, file), text);
        var start = new ProcessStartInfo("bash", [Path.Combine(Gpt2Vocabulary.RepositoryRoot(), ".ci", "bookworm-mirror"), apt.Path])
        {
            RedirectStandardOutput = true, RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }

    [Fact]
    public void Deb822SourceGivesItsUris()
    {
        string mirror = Mirror(("sources.list.d/debian.sources", """
            Types: deb
            URIs: http://apt.example.internal/debian-security
            Suites: bookworm-security
            Components: main

            Types: deb
            URIs: http://apt.example.internal/debian
            Suites: bookworm bookworm-updates
            Components: main
            """));
        Assert.Equal("http://apt.example.internal/debian", mirror);
    }

    [Fact]
    public void OneLineSourceGivesItsUri()
    {
        string mirror = Mirror(("sources.list", """
            # a comment
            deb http://proxy.local:3142/debian-security bookworm-security main
            deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] http://proxy.local:3142/debian bookworm main
            """));
        Assert.Equal("http://proxy.local:3142/debian", mirror);
    }

    [Fact]
    public void NoBookwormSourceFallsBackToDebian()
    {
        Assert.Equal("http://deb.debian.org/debian", Mirror(("sources.list", "deb http://example.org/ubuntu jammy main\n")));
    }
}
