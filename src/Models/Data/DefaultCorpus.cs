using System.Runtime.InteropServices;
using System.Text;

namespace LlmForge.Data;

/// <summary>
/// The corpus every machine that builds LlmForge already has: the English prose of the .NET
/// SDK's reference documentation, <c>packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref/&lt;tfm&gt;/*.xml</c>
/// (the IntelliSense files), extracted by <see cref="XmlDocText"/>, keeping paragraphs that
/// <see cref="XmlDocText.LooksLikeProse">look like prose</see>. Paragraphs are deduplicated
/// (keeping the first), in the order of the sorted file names, one per line: the same SDK gives
/// the same text. Nothing is cached on disk.
/// </summary>
public sealed class DefaultCorpus
{
    private const string RefPack = "Microsoft.NETCore.App.Ref";

    // Placeholder text of undocumented members, not prose.
    private static readonly HashSet<string> Placeholders = new(StringComparer.Ordinal) { "To be added.", "To be added" };

    private DefaultCorpus(string directory, IReadOnlyList<string> files, string text, int paragraphCount)
    {
        Directory = directory;
        Files = files;
        Text = text;
        ParagraphCount = paragraphCount;
    }

    /// <summary>The corpus: one paragraph per line, '\n'-separated, ending with '\n'.</summary>
    public string Text { get; }

    /// <summary>The reference-pack folder the text came from (…/ref/net10.0).</summary>
    public string Directory { get; }

    /// <summary>The XML files read, in reading order.</summary>
    public IReadOnlyList<string> Files { get; }

    /// <summary>
    /// Paragraphs the corpus kept (after the filters and de-duplication): the lines of <see cref="Text"/>.
    /// </summary>
    public int ParagraphCount { get; }

    /// <summary>e.g. "107 XML files, 3,456,789 characters, 41,000 paragraphs from /usr/share/dotnet/…".</summary>
    public string Describe() => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"{Files.Count} XML files, {Text.Length:N0} characters, {ParagraphCount:N0} paragraphs from {Directory}");

    /// <summary>Builds the corpus from the first dotnet root (see <see cref="CandidateDotnetRoots"/>) holding a reference pack.</summary>
    public static DefaultCorpus Load() => Load(CandidateDotnetRoots());

    /// <summary>Builds the corpus from the first of <paramref name="dotnetRoots"/> holding a reference pack.</summary>
    /// <exception cref="DirectoryNotFoundException">No root has one; the message lists every path searched.</exception>
    public static DefaultCorpus Load(IEnumerable<string> dotnetRoots)
    {
        var (directory, files) = FindReferenceDocs(dotnetRoots);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var text = new StringBuilder();
        foreach (string file in files)
        {
            using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
            foreach (string paragraph in XmlDocText.ExtractParagraphs(reader))
            {
                if (!Placeholders.Contains(paragraph) && XmlDocText.LooksLikeProse(paragraph) && seen.Add(paragraph))
                    text.Append(paragraph).Append('\n');
            }
        }
        return new DefaultCorpus(directory, files, text.ToString(), seen.Count);
    }

    /// <summary>
    /// Where the .NET SDK may live, in order: <c>DOTNET_ROOT</c>; the install of the running runtime
    /// (<see cref="RuntimeEnvironment.GetRuntimeDirectory"/> is &lt;root&gt;/shared/Microsoft.NETCore.App/&lt;version&gt;/);
    /// the <c>dotnet</c> found on <c>PATH</c>, symbolic links resolved.
    /// </summary>
    public static IReadOnlyList<string> CandidateDotnetRoots()
    {
        var roots = new List<string>();
        void Add(string? path)
        {
            if (string.IsNullOrWhiteSpace(path)) return;
            string full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(path));
            if (!roots.Contains(full)) roots.Add(full);
        }

        Add(Environment.GetEnvironmentVariable("DOTNET_ROOT"));
        var runtime = new DirectoryInfo(Path.TrimEndingDirectorySeparator(RuntimeEnvironment.GetRuntimeDirectory()));
        Add(runtime.Parent?.Parent?.Parent?.FullName);
        Add(Path.GetDirectoryName(FindOnPath(OperatingSystem.IsWindows() ? "dotnet.exe" : "dotnet")));
        return roots;
    }

    /// <summary>
    /// The highest-versioned <c>packs/Microsoft.NETCore.App.Ref/&lt;version&gt;/ref/&lt;tfm&gt;</c> folder with
    /// XML files under the first root that has one, and those files sorted by name.
    /// </summary>
    public static (string Directory, IReadOnlyList<string> Files) FindReferenceDocs(IEnumerable<string> dotnetRoots)
    {
        var searched = new List<string>();
        foreach (string root in dotnetRoots)
        {
            string packs = Path.Combine(root, "packs", RefPack);
            if (!System.IO.Directory.Exists(packs))
            {
                searched.Add($"{packs} (missing)");
                continue;
            }
            foreach (var version in new DirectoryInfo(packs).GetDirectories().OrderByDescending(d => VersionKey(d.Name)))
            {
                string refDir = Path.Combine(version.FullName, "ref");
                if (!System.IO.Directory.Exists(refDir)) continue;
                foreach (var tfm in new DirectoryInfo(refDir).GetDirectories().OrderByDescending(d => VersionKey(d.Name.TrimStart('n', 'e', 't'))))
                {
                    var files = tfm.GetFiles("*.xml").Select(f => f.FullName).Order(StringComparer.Ordinal).ToList();
                    if (files.Count > 0) return (tfm.FullName, files);
                }
            }
            searched.Add($"{packs} (no ref/<tfm>/*.xml in any version)");
        }
        throw new DirectoryNotFoundException(
            "No .NET reference pack with XML documentation was found for the default corpus. Searched: " +
            (searched.Count > 0 ? string.Join("; ", searched) : "no dotnet root (DOTNET_ROOT unset, dotnet not on PATH)") +
            ". Install the .NET SDK or set DOTNET_ROOT, or pass --corpus FILE to train on a text file of your own.");
    }

    // "10.0.12" > "10.0.0-rc.2.25502.107" > "9.0.11"; names that are not versions sort first.
    private static (Version, bool, string) VersionKey(string name)
    {
        int dash = name.IndexOf('-');
        string core = dash >= 0 ? name[..dash] : name;
        return (Version.TryParse(core, out var v) ? v : new Version(0, 0), dash < 0, name);
    }

    private static string? FindOnPath(string executable)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, executable);
            if (!File.Exists(candidate)) continue;
            try
            {
                return File.ResolveLinkTarget(candidate, returnFinalTarget: true)?.FullName ?? candidate;
            }
            catch (IOException)
            {
                return candidate;
            }
        }
        return null;
    }
}
