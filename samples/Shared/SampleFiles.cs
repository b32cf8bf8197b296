namespace LlmForge.Samples;

/// <summary>
/// Where the learner samples write their pictures and find optional data. Compiled into each sample (linked source,
/// not a library): it is about this repository's folders, nothing a user of the packages needs.
/// </summary>
internal static class SampleFiles
{
    /// <summary>The clone's root (the folder holding Framework.sln) above the program or the current folder, or null.</summary>
    public static string? RepositoryRoot()
    {
        foreach (string start in (string[])[AppContext.BaseDirectory, Directory.GetCurrentDirectory()])
            for (var d = new DirectoryInfo(start); d is not null; d = d.Parent)
                if (File.Exists(Path.Combine(d.FullName, "Framework.sln"))) return d.FullName;
        return null;
    }

    /// <summary>The folder for PNGs: the first argument when given, else samples/out of the clone (gitignored), else
    /// ./samples/out; created.</summary>
    public static string OutputDirectory(string[] args)
    {
        string dir = args.Length > 0 ? args[0]
            : Path.Combine(RepositoryRoot() ?? Directory.GetCurrentDirectory(), "samples", "out");
        return Directory.CreateDirectory(Path.GetFullPath(dir)).FullName;
    }

    /// <summary>
    /// GPT-2's vocabulary folder (encoder.json + vocab.bpe), where the tests look for it: $LLMFORGE_GPT2_DIR, the clone's
    /// artifacts/gpt2 (written by tools/fetch-gpt2-vocab.sh), or ../shared/data/gpt2 beside the clone; null when none has it.
    /// </summary>
    public static string? Gpt2Directory()
    {
        string? root = RepositoryRoot();
        string?[] candidates =
        [
            Environment.GetEnvironmentVariable("LLMFORGE_GPT2_DIR"),
            root is null ? null : Path.Combine(root, "artifacts", "gpt2"),
            root is null ? null : Path.Combine(root, "..", "shared", "data", "gpt2"),
        ];
        return candidates.FirstOrDefault(d => !string.IsNullOrEmpty(d)
            && ((File.Exists(Path.Combine(d, "encoder.json")) && File.Exists(Path.Combine(d, "vocab.bpe")))
                || (File.Exists(Path.Combine(d, "vocab.json")) && File.Exists(Path.Combine(d, "merges.txt")))));
    }

    /// <summary>A text file of ../shared/data beside the clone (e.g. the-verdict.txt), or null when absent.</summary>
    public static string? SharedText(string fileName)
    {
        string? root = RepositoryRoot();
        string? path = root is null ? null : Path.GetFullPath(Path.Combine(root, "..", "shared", "data", fileName));
        return path is not null && File.Exists(path) ? path : null;
    }
}
