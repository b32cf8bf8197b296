using System.Text.RegularExpressions;
using LlmForge.Data;
using Xunit;

namespace LlmForge.Tests.Data;

/// <summary>Loads this machine's corpus once (~0.5 s) for the tests that read it.</summary>
public sealed class DefaultCorpusFixture
{
    public DefaultCorpus Corpus { get; } = DefaultCorpus.Load();
}

public sealed partial class DefaultCorpusTests : IClassFixture<DefaultCorpusFixture>, IDisposable
{
    private readonly DefaultCorpus _corpus;
    private readonly string _dir = Directory.CreateTempSubdirectory("llmforge-corpus-").FullName;

    public DefaultCorpusTests(DefaultCorpusFixture fixture) => _corpus = fixture.Corpus;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [GeneratedRegex(@"</?(summary|remarks|see|seealso|para|paramref|typeparamref|c|code|xref|list|listheader|term|description|br|returns|param|exception)\b[^>]*>")]
    private static partial Regex DocTag();

    [Fact]
    public void ThisMachine_HasOverAMegabyteOfEnglishProse_WithoutXml()
    {
        // The SDK that builds the tests ships the reference pack, so this holds wherever the project builds.
        Assert.True(_corpus.Text.Length > 1_000_000, _corpus.Describe());
        Assert.True(_corpus.Files.Count > 10, _corpus.Describe());
        Assert.Contains(Path.Combine("packs", "Microsoft.NETCore.App.Ref"), _corpus.Directory);
        Assert.DoesNotMatch(DocTag(), _corpus.Text);
        Assert.DoesNotContain("cref=", _corpus.Text);
        Assert.DoesNotContain("T:System.", _corpus.Text);
        Assert.Contains("Initializes a new instance of the String", _corpus.Text); // <see cref="T:System.String"/> flattened

        var lines = _corpus.Text.Split('\n');
        Assert.Equal("", lines[^1]); // ends with a newline
        Assert.Equal(_corpus.ParagraphCount, lines.Length - 1);
        Assert.Equal(lines.Length - 1, lines[..^1].Distinct(StringComparer.Ordinal).Count()); // deduplicated
        Assert.All(lines[..^1], line => Assert.True(line.Length > 0 && line == line.Trim() && !line.Contains("  "), line));
    }

    [Fact]
    public void FakeSdk_HighestVersion_SortedFiles_DeduplicatedProse()
    {
        WriteDoc("9.0.11/ref/net9.0/System.Old.xml", "Old text from the older pack.");
        WriteDoc("10.0.0-rc.2.25502.107/ref/net10.0/System.Rc.xml", "Text of the release candidate.");
        WriteDoc("10.0.2/ref/net10.0/System.B.xml", "Second file, the first paragraph.", "Shared sentence of the docs.");
        WriteDoc("10.0.2/ref/net10.0/System.A.xml", "First file in the order.", "Shared sentence of the docs.", "To be added.", "A64: ADD Vd.4S, Vn.4S");

        var corpus = DefaultCorpus.Load([Path.Combine(_dir, "missing-root"), _dir]);

        Assert.EndsWith(Path.Combine("10.0.2", "ref", "net10.0"), corpus.Directory);
        Assert.Equal(new[] { "System.A.xml", "System.B.xml" }, corpus.Files.Select(Path.GetFileName));
        Assert.Equal("First file in the order.\nShared sentence of the docs.\nSecond file, the first paragraph.\n", corpus.Text);
        Assert.Equal(3, corpus.ParagraphCount);
        Assert.Equal(corpus.Text, DefaultCorpus.Load([_dir]).Text);
    }

    [Fact]
    public void NoReferencePack_ListsThePathsSearched_AndSuggestsCorpusFile()
    {
        string root = Path.Combine(_dir, "no-sdk");
        var e = Assert.Throws<DirectoryNotFoundException>(() => DefaultCorpus.Load([root]));
        Assert.Contains(Path.Combine(root, "packs", "Microsoft.NETCore.App.Ref"), e.Message);
        Assert.Contains("--corpus FILE", e.Message);
    }

    [Fact]
    public void CandidateRoots_IncludeTheRunningRuntimesInstall()
    {
        string runtimeDir = System.Runtime.InteropServices.RuntimeEnvironment.GetRuntimeDirectory();
        Assert.Contains(DefaultCorpus.CandidateDotnetRoots(),
            root => runtimeDir.StartsWith(Path.Combine(root, "shared", "Microsoft.NETCore.App"), StringComparison.Ordinal));
    }

    private void WriteDoc(string relative, params string[] summaries)
    {
        string path = Path.Combine(_dir, "packs", "Microsoft.NETCore.App.Ref", relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var members = summaries.Select((s, i) => $"<member name=\"M:N.T.M{i}\"><summary>{s}</summary></member>");
        File.WriteAllText(path, $"<?xml version=\"1.0\"?><doc><members>{string.Concat(members)}</members></doc>");
    }
}
