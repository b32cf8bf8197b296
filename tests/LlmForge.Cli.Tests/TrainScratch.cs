namespace LlmForge.Tests.Cli;

/// <summary>A temporary directory for <c>llmforge train</c> tests, with the small test corpus; deleted on dispose.</summary>
internal sealed class TrainScratch : IDisposable
{
    public TrainScratch(string prefix) => Directory.CreateDirectory(Root = Path.Combine(Path.GetTempPath(), $"llmforge-{prefix}-{Guid.NewGuid():N}"));

    public string Root { get; }

    public string File(string name) => Path.Combine(Root, name);

    /// <summary>8,400 characters, 16 distinct: "to be or not to be, that is the question.\n" 200 times.</summary>
    public string Corpus()
    {
        string path = File("corpus.txt");
        if (!System.IO.File.Exists(path))
            System.IO.File.WriteAllText(path, string.Concat(Enumerable.Repeat("to be or not to be, that is the question.\n", 200)));
        return path;
    }

    public string Write(string name, string text)
    {
        string path = File(name);
        System.IO.File.WriteAllText(path, text);
        return path;
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
