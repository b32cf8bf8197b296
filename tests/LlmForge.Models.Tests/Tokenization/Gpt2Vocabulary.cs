using LlmForge.Tokenization;

namespace LlmForge.Tests.Tokenization;

/// <summary>
/// GPT-2's real vocabulary for tests, fetched by tools/fetch-gpt2-vocab.sh (run by .ci/setup) into
/// artifacts/gpt2/, or found in $LLMFORGE_GPT2_DIR. Missing files fail the test with the fix.
/// </summary>
internal static class Gpt2Vocabulary
{
    private static readonly Lazy<Gpt2Tokenizer> Shared = new(() => Gpt2Tokenizer.FromDirectory(Directory()));

    /// <summary>One loaded tokenizer for all tests (it is thread-safe).</summary>
    public static Gpt2Tokenizer Tokenizer => Shared.Value;

    public static string Directory()
    {
        string? dir = Environment.GetEnvironmentVariable("LLMFORGE_GPT2_DIR");
        if (string.IsNullOrEmpty(dir))
        {
            string root = RepositoryRoot();
            dir = Path.Combine(root, "artifacts", "gpt2");
        }
        if (!File.Exists(Path.Combine(dir, "encoder.json")) || !File.Exists(Path.Combine(dir, "vocab.bpe")))
            throw new InvalidOperationException(
                $"GPT-2 vocabulary (encoder.json + vocab.bpe) not found in '{dir}'. Run `bash tools/fetch-gpt2-vocab.sh` " +
                "(also run by `bash .ci/setup`), or set LLMFORGE_GPT2_DIR to a directory holding them.");
        return dir;
    }

    public static string RepositoryRoot()
    {
        for (var d = new DirectoryInfo(AppContext.BaseDirectory); d is not null; d = d.Parent)
            if (File.Exists(Path.Combine(d.FullName, "Framework.sln"))) return d.FullName;
        throw new InvalidOperationException($"No Framework.sln above '{AppContext.BaseDirectory}': cannot find the repository root.");
    }
}

/// <summary>A temporary directory deleted on dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "llmforge-tok-" + Guid.NewGuid().ToString("N"));

    public TempDirectory() => Directory.CreateDirectory(Path);

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}

/// <summary>Small hand-made byte-level BPE vocabularies.</summary>
internal static class TinyVocabulary
{
    /// <summary>256 byte tokens in GPT-2's order, then the merges' results, then &lt;|endoftext|&gt;.</summary>
    public static (Dictionary<string, int> Vocab, List<(string, string)> Merges) Build(params (string Left, string Right)[] merges)
    {
        var vocab = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (byte b in ByteLevelAlphabet.BytesInCharOrder()) vocab[ByteLevelAlphabet.ToChar(b).ToString()] = vocab.Count;
        foreach (var (l, r) in merges) vocab.TryAdd(l + r, vocab.Count);
        vocab[Gpt2Tokenizer.EndOfText] = vocab.Count;
        return (vocab, [.. merges]);
    }

    /// <summary>"hello" is one token, " w" one, "ll" one.</summary>
    public static Gpt2Tokenizer Hello()
    {
        var (vocab, merges) = Build(("h", "e"), ("l", "l"), ("he", "ll"), ("hell", "o"), ("Ġ", "w"));
        return new Gpt2Tokenizer(vocab, merges);
    }
}
